"""Change marks: every write to the digest schedules or the feeds, from any connection,
moves its topic's mark, and PostgreSQL's NOTIFY wakes a listener at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.clock import utc_iso
from bot.digest.manage import draft_schedule
from bot.store import ScheduleDraft, Store, open_store

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def other_connection(store: Store) -> Store:
    """A second connection to the same database: what another process (the web) holds."""
    return await open_store(getattr(store, "url", store.path))


def a_schedule(guild_id: int = 10) -> ScheduleDraft:
    return draft_schedule(
        guild_id=guild_id,
        channel_id=20,
        target="text",
        time="08:05",
        timezone="UTC",
        created_by=1,
        now=NOW,
    )


async def test_writes_elsewhere_move_their_topic_and_only_it(store: Store) -> None:
    before = await store.change_marks()
    assert set(before) == {"digests", "feeds", "settings"}
    async with await other_connection(store) as web:
        added = await web.add_digest_schedule(a_schedule(), NOW)
        after_add = await store.change_marks()
        assert after_add["digests"] > before["digests"]
        assert after_add["feeds"] == before["feeds"]
        await web.pause_digest_schedule(10, added.id, "paused on the web", NOW)
        after_pause = await store.change_marks()
        assert after_pause["digests"] > after_add["digests"]
        async with web.transaction():
            feed = await web.add_feed("https://example.org/feed.xml", utc_iso(NOW), 900)
        after_feed = await store.change_marks()
        assert after_feed["feeds"] > before["feeds"]
        assert after_feed["digests"] == after_pause["digests"]
        # The poller's own bookkeeping (when a feed is polled next) is not a change.
        async with web.transaction():
            await web.release_feed_polls("nobody")
        assert await store.change_marks() == after_feed
        assert feed.id


async def test_a_listener_hears_another_connections_write(store: Store) -> None:
    heard = asyncio.Event()
    stop = await store.listen_for_changes(heard.set)
    if stop is None:  # SQLite: no push; readers look at the marks (tests/bot/test_changes.py)
        assert store.path.endswith(".db")
        return
    try:
        async with await other_connection(store) as web:
            await web.add_digest_schedule(a_schedule(), NOW)
        # A guard against a hang, not a timing assertion: NOTIFY arrives on commit.
        await asyncio.wait_for(heard.wait(), timeout=30)
    finally:
        await stop()
    assert heard.is_set()
