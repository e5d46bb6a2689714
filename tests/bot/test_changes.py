"""The change watcher: a schedule or feed written by another connection (the web, another
process) reaches the running bot's callback, on SQLite by reading the marks on the injected
clock, on PostgreSQL by NOTIFY; the bot's cogs replan on it (tests/bot/web/test_live.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.changes import POLL, ChangeWatcher
from bot.clock import FakeClock, utc_iso
from bot.digest.manage import draft_schedule
from bot.store import Store, open_store
from bot.tasks import BackgroundTasks
from tests import backends

store = backends.both_stores
postgres_server = backends.postgres_server
postgres_template = backends.postgres_template
pytest_configure = backends.pytest_configure

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
async def watched(store: Store) -> AsyncIterator[tuple[ChangeWatcher, asyncio.Queue[set[str]]]]:
    """A watcher on `store` running in the background, and the topics it reported."""
    heard: asyncio.Queue[set[str]] = asyncio.Queue()
    watcher = ChangeWatcher(store, heard.put_nowait, clock=FakeClock(NOW))
    tasks = BackgroundTasks("test-changes")
    tasks.spawn(watcher.run(), name="watch")
    await asyncio.wait_for(watcher.watching.wait(), timeout=30)  # it knows where things stand
    yield watcher, heard
    await tasks.cancel_all()


async def test_a_schedule_added_elsewhere_is_reported_as_digests(
    store: Store, watched: tuple[ChangeWatcher, asyncio.Queue[set[str]]]
) -> None:
    watcher, heard = watched
    assert heard.empty()
    async with await open_store(getattr(store, "url", store.path)) as web:
        draft = draft_schedule(
            guild_id=10,
            channel_id=20,
            target="text",
            time="08:05",
            timezone="UTC",
            created_by=1,
            now=NOW,
        )
        await web.add_digest_schedule(draft, NOW)
        assert isinstance(watcher.clock, FakeClock)
        watcher.clock.advance(seconds=POLL.total_seconds())  # SQLite reads the marks now
        # A guard against a hang, not a timing assertion.
        assert await asyncio.wait_for(heard.get(), timeout=30) == {"digests"}
        async with web.transaction():
            await web.add_feed("https://example.org/feed.xml", utc_iso(NOW), 900)
        watcher.clock.advance(seconds=POLL.total_seconds())
        assert await asyncio.wait_for(heard.get(), timeout=30) == {"feeds"}


async def test_nothing_changed_nothing_reported(
    watched: tuple[ChangeWatcher, asyncio.Queue[set[str]]],
) -> None:
    watcher, heard = watched
    assert await watcher.look() == set()
    assert heard.empty()
