"""Helpers for the /digest tests: schedule through the emulator, move time, read the posts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.models import ArticleDraft
from bot.sandbox.emulator.state import Interaction, Message
from tests.newsdesk import Newsdesk

SEED_TITLE = "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"
# The fixture clock starts Monday 2 March 2026, 09:00 UTC (04:00 EST); the seed was stored at
# 08:00 UTC, so the first 08:00 New York digest (13:00 UTC) holds it.
FIRST_SLOT = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def scheduler(desk: Newsdesk) -> Any:
    """The digest cog's scheduler (the cog module is loaded as an extension, not imported)."""
    cog: Any = desk.bot.get_cog("Digests")
    return cog.scheduler


async def at(desk: Newsdesk, when: datetime) -> None:
    """Move time (for the bot and Discord alike) and let every due digest be posted."""
    desk.clock.set(when)
    await scheduler(desk).wait_idle()
    await desk.discord.emulator.settle()


def posts(desk: Newsdesk, channel: str = "news") -> list[Message]:
    """The bot's messages in a channel, oldest first."""
    return [
        m
        for m in desk.discord.channel_messages(desk.discord.channel(channel))
        if m.author is desk.discord.bot_user
    ]


def slot_of(message: Message) -> datetime:
    """The slot a digest message was posted for (its embed timestamp)."""
    return datetime.fromisoformat(message.embeds[0]["timestamp"])


async def schedule(desk: Newsdesk, channel: str = "news", **options: Any) -> Interaction:
    options.setdefault("time", "08:00")
    options.setdefault("timezone", "America/New_York")
    reply = await desk.discord.slash(
        "digest schedule", named={"channel": desk.discord.channel(channel)}, **options
    )
    assert reply.message.ephemeral
    return reply


def drafts(*titles: str, **extra: str) -> list[ArticleDraft]:
    return [
        ArticleDraft(
            title=title,
            body=f"{title}. Officials confirmed the details on Monday, and more will follow.",
            origin=f"test:{title}",
            **extra,
        )
        for title in titles
    ]
