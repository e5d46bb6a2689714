"""`/feeds import` and `/feeds export` through the emulator: an OPML file of 50 feeds imported
into a channel and exported again lists the same 50; a malformed or hostile file is refused
with the reason and nothing of it is imported."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.feeds.opml import OpmlFeed, read_opml, write_opml
from bot.sandbox.emulator.state import ALL_PERMISSIONS, Interaction
from tests.bot.feeds.newsroom import EMPTY_RSS, RSS, NewsSite, Reply
from tests.cogs.test_feeds import fresh_newsdesk, settled
from tests.newsdesk import Newsdesk

OPML = "text/x-opml"


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """Fifty small outlets on 127.0.0.1, each with an (empty) feed."""
    async with NewsSite() as news:
        for n in range(50):
            news.serve(f"/outlet/{n}/rss.xml", Reply(EMPTY_RSS, content_type=RSS))
        yield news


def fifty(site: NewsSite) -> list[OpmlFeed]:
    return [OpmlFeed(site.url(f"/outlet/{n}/rss.xml"), f"Outlet {n}") for n in range(50)]


async def import_file(desk: Newsdesk, data: bytes, name: str = "feeds.opml") -> Interaction:
    upload = desk.discord.upload(name, data, OPML)
    return await desk.slash_as(
        desk.discord.alice,
        "feeds import",
        permissions=ALL_PERMISSIONS,
        file=upload,
        channel=desk.discord.channel("news"),
    )


def description(reply: Interaction) -> str:
    embed: dict[str, Any] = reply.message.embeds[0]
    return str(embed.get("description", ""))


async def test_fifty_feeds_imported_then_exported_are_the_same_fifty(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    listed = fifty(site)
    data = write_opml("A reader's list", listed, datetime(2026, 3, 1, tzinfo=UTC))
    async with fresh_newsdesk(tmp_path, clock) as desk:
        imported = await import_file(desk, data)
        assert imported.message.ephemeral
        assert description(imported).startswith("50 added, 0 already there, 0 refused.")
        rows = await desk.store.guild_subscriptions(desk.discord.guild.id)
        assert len(rows) == 50 and {s.channel_id for s, _ in rows} == {
            desk.discord.channel("news").id
        }
        await settled(desk)  # the new feeds are polled (and primed) like any added feed

        again = await import_file(desk, data)
        assert description(again).startswith("0 added, 50 already there, 0 refused.")

        exported = await desk.slash_as(
            desk.discord.alice, "feeds export", permissions=ALL_PERMISSIONS
        )
        assert exported.message.ephemeral
        assert "50 feeds as OPML 2.0" in description(exported)
        [(name, file)] = exported.message.files.items()
        assert name == "newsdesk-feeds.opml" and b'<opml version="2.0">' in file
        document = read_opml(file)
        assert document.title == "Newsdesk feeds of Newsroom"
        assert {f.url for f in document.feeds} == {f.url for f in listed}
        assert len(document.feeds) == 50


async def test_a_malformed_or_hostile_file_is_refused_and_nothing_is_imported(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    whole = write_opml("A reader's list", fifty(site), datetime(2026, 3, 1, tzinfo=UTC))
    bomb = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><opml version="2.0"><body>
<outline text="&b;" xmlUrl="https://a.example/rss"/></body></opml>"""
    async with fresh_newsdesk(tmp_path, clock) as desk:
        cut = await import_file(desk, whole[: len(whole) // 2])  # 25 good outlines, then cut
        assert "That file was refused: it is not well-formed XML" in description(cut)
        assert "Nothing was imported." in description(cut)
        hostile = await import_file(desk, bomb)
        assert "declares a DTD or entities, which are refused" in description(hostile)
        not_opml = await import_file(desk, EMPTY_RSS, "feed.xml")
        assert "it is not OPML (its root element is" in description(not_opml)
        assert await desk.store.guild_subscriptions(desk.discord.guild.id) == []
