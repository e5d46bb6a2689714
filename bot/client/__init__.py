"""The Discord client: `NewsBot` opens the store, loads the cogs, syncs slash commands only when
they changed, answers every command error in one place and shuts down without dropping replies.
Besides bot/render/ and bot/sandbox/, this package holds all of the core's discord.py imports:
the bot, its command tree, command sync (`sync.py`), cooldowns, sharding, running on Discord
(`connect.py`), the feeds cog's running feeds and command options (`feeds.py`,
`feed_choices.py`), and `delivery/`: the one way the bot posts unasked (digests, feed
announcements and alerts, follow notifications).

    async with NewsBot(settings) as bot:       # tests: NewsBot(settings, store_path=...,
        await bot.start(token)                 #   clock=FakeClock(), nlp_mode="inline")

What cogs can use: `bot.settings`, `bot.store` (open from `setup_hook` until `close`),
`bot.clock`, `bot.nlp_service` (an `NlpService` in the configured mode), `bot.tasks` (keep
background tasks), `bot.pagers` (paged answers), `bot.poster` (posting, bot/client/delivery/),
`bot.entity_articles` (the entity filter for search), `bot.prefix_for(guild_id)`,
`bot.articles_added(ids)` (call after storing articles; cogs hear it as `on_articles_added`),
the per-user cooldown decorators `app_cooldown` / `prefix_cooldown`
(bot/client/cooldowns.py), and `bot.heavy.slot(member_id)` around a heavy command's work (one
per member, a few in all: bot/client/heavy.py).
"""

from bot.client.cooldowns import Cooldowns, app_cooldown, prefix_cooldown
from bot.client.newsbot import NewsBot
from bot.client.tree import RowId, TypedRowId, answer, discover_extensions, intents_for

# Cogs import NewsBot, `answer`, `RowId`/`TypedRowId` and the cooldown decorators from here.
__all__ = [
    "Cooldowns",
    "NewsBot",
    "RowId",
    "TypedRowId",
    "answer",
    "app_cooldown",
    "discover_extensions",
    "intents_for",
    "prefix_cooldown",
]
