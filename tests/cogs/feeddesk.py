"""Helpers for the feed editor's tests: the slash commands an admin types, what the answers
say, the cards posted, time passing (the feed whose items a test publishes is newsroom's
`Wire`)."""

from __future__ import annotations

from typing import Any

from bot.clock import FakeClock
from bot.sandbox.emulator.state import Interaction, Message
from tests.cogs.test_feeds import posts, settled
from tests.newsdesk import Newsdesk


async def slash(desk: Newsdesk, command: str, **options: Any) -> Interaction:
    """Run a slash command as alice (who manages the server); options named like the
    harness's own keywords (`channel`) are passed through."""
    return await desk.discord.slash(command, named=options)


def said(reply: Interaction) -> str:
    """Everything an answer shows: its messages' text and embeds' titles and descriptions."""
    parts = []
    for message in reply.messages:
        parts.append(message.content)
        for embed in message.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
            parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(p for p in parts if p)


def cards(desk: Newsdesk, channel: str = "news") -> list[str]:
    """The titles of the cards the bot posted in a channel, oldest first."""
    return [e.get("title", "") for m in posts(desk, channel) for e in m.embeds]


def last_post(desk: Newsdesk, channel: str = "news") -> Message:
    """The bot's newest message in a channel."""
    return posts(desk, channel)[-1]


async def poll(desk: Newsdesk, clock: FakeClock, minutes: float = 20) -> None:
    """Let time pass until the feeds are due, and let the bot do everything due."""
    clock.advance(minutes=minutes)
    await settled(desk)
