"""Abuse: expensive commands have per-user cooldowns with a friendly "try again in Ns", and a
flood of 500 interactions from one member still leaves everyone else answered."""

from __future__ import annotations

import re

from bot.sandbox.emulator.state import Interaction
from cogs.search import RATE
from tests.adversarial.discord_records import callbacks_per_interaction
from tests.newsdesk import Newsdesk

FLOOD = 500
COOLDOWN = re.compile(r"^Slow down a little: try again in \d+ seconds?\.$")


def shown(interaction: Interaction) -> str:
    """The text of the bot's first answer (content, else the first embed's description)."""
    message = interaction.message
    return message.content or (message.embeds[0].get("description") or "")


async def test_expensive_commands_have_a_friendly_per_user_cooldown(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    expensive = {"search": {"query": "Qatar"}, "article": {"id": 1}}
    for name in ("summary", "entity", "quotes"):
        if discord.world.command_named(name, discord.guild.id):
            expensive[name] = {"article": "1"} if name == "summary" else {"name": "Hamas"}

    for name, options in expensive.items():
        answers = [await discord.slash(name, user=discord.bob, **options) for _ in range(12)]
        refused = [a for a in answers if COOLDOWN.match(shown(a))]
        assert refused, f"/{name} has no cooldown"
        assert all(a.message.ephemeral for a in refused)
        other = await discord.slash(name, user=discord.alice, **options)
        assert not COOLDOWN.match(shown(other)), f"/{name}'s cooldown is not per user"

    newsdesk.clock.advance(minutes=2)
    again = await discord.slash("search", user=discord.bob, query="Qatar")
    assert again.message.embeds[0]["title"].startswith("Results for")


async def test_a_flood_from_one_member_leaves_others_answered(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    flood = [
        await discord.slash("search", user=discord.bob, query=f"Qatar {n}", wait=False)
        for n in range(FLOOD)
    ]
    alice = await discord.slash("search", user=discord.alice, query="Qatar truce")
    await discord.wait_for(
        lambda: all(i.answered for i in flood), wait_seconds=60, what="an answer to every flood"
    )

    assert alice.message.embeds[0]["title"] == "Results for “Qatar truce”"
    cooled = [i for i in flood if COOLDOWN.match(shown(i))]
    searched = [i for i in flood if i not in cooled]
    assert len(searched) == RATE
    assert all(i.message.embeds[0]["title"].startswith("No articles match") for i in searched)
    assert len(cooled) == FLOOD - RATE
    answers = callbacks_per_interaction(discord)
    assert all(answers[str(i.id)] == 1 for i in [*flood, alice])
