"""What the `/feeds` commands take: the channels a feed can post in, the choices of `clear` and
`updates`, the admin check, the autocompletes of a server's own feeds, and the check that the
bot may post in a channel before a feed is pointed at it."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.client.delivery import missing_permissions
from bot.feeds.errors import FeedUnreadable
from bot.feeds.own_options import OWN_CLEARABLE
from bot.render import feeds as render

Target = discord.TextChannel | discord.Thread | discord.ForumChannel
CLEARABLE = [
    app_commands.Choice(name=n, value=n)
    for n in ("filter", "role", "max_age", "template", *OWN_CLEARABLE)
]
UPDATES = [
    app_commands.Choice(
        name="in a thread on the story's post (a forum: in its post)", value="thread"
    ),
    app_commands.Choice(name="only by DM to members who follow the story", value="followers"),
    app_commands.Choice(name="off: each story once, as before", value="off"),
]
ADMIN = app_commands.checks.has_permissions(manage_guild=True)


async def feed_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    """This server's feeds whose number or title contains what was typed (never another's)."""
    client: Any = interaction.client
    rows = await client.store.guild_subscriptions(interaction.guild_id or 0)
    return [app_commands.Choice(name=n, value=v) for n, v in render.feed_choices(rows, current)]


async def feed_list_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """`all`, or the numbers typed so far followed by each of this server's other feeds."""
    client: Any = interaction.client
    rows = await client.store.guild_subscriptions(interaction.guild_id or 0)
    found = render.feed_list_choices(rows, current)
    return [app_commands.Choice(name=n, value=v) for n, v in found]


def check_postable(channel: Target) -> None:
    """Refuse a channel the bot lacks the permissions to post a feed in, saying which."""
    if missing := missing_permissions(channel):
        raise FeedUnreadable(f"I need {', '.join(missing)} in {channel.mention} to post there.")
