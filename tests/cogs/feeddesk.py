"""Helpers for the feed editor's tests: a wire feed on the loopback news site whose items a
test publishes, and the slash commands an admin types."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from bot.clock import FakeClock
from bot.sandbox.emulator.state import Interaction, Message
from tests.bot.feeds.newsroom import RSS, NewsSite, Reply
from tests.cogs.test_feeds import posts, settled
from tests.newsdesk import Newsdesk


class Wire:
    """An RSS feed on the news site; `publish` adds items at the top, as a newsroom does."""

    def __init__(self, site: NewsSite, clock: FakeClock, name: str = "desk") -> None:
        self.site, self.clock, self.name = site, clock, name
        self.path = f"/{name}/rss.xml"
        self.items: list[str] = []  # newest first: the feed's own order
        self._count = 0
        self.serve()

    @property
    def url(self) -> str:
        """The feed's address."""
        return self.site.url(self.path)

    def publish(
        self, *titles: str, age: timedelta = timedelta(hours=1), image: str | None = None
    ) -> None:
        """New items (in the order given, the last one newest), published `age` ago, each
        with `image` as its picture if given."""
        when = format_datetime(self.clock.now() - age)
        picture = (
            f'<enclosure url="{escape(image)}" type="image/jpeg" length="1"/>' if image else ""
        )
        for title in titles:
            self._count += 1
            guid = f"{self.name}-{self._count}"
            # Their pages are missing (404): the feed's own text is the article.
            self.items.insert(
                0,
                f"<item><title>{escape(title)}</title><link>/{self.name}/{guid}</link>"
                f'<guid isPermaLink="false">{guid}</guid><pubDate>{when}</pubDate>'
                f"<description>{escape(title)}. Reporters followed the story through the "
                f"day as it developed ({guid}).</description>{picture}</item>",
            )
        self.serve()

    def serve(self) -> None:
        """Serve the feed as it is now."""
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{self.name.title()} Wire</title><link>/{self.name}/</link>"
            f"<description>d</description>{''.join(self.items)}</channel></rss>"
        )
        self.site.serve(self.path, Reply(body.encode(), content_type=RSS))


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
