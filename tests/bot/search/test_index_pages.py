"""The bot lets go of its search index's mapped pages every RELEASE_EVERY seconds on its clock
(bot/search/pages.py): the index is opened again, and searches give the same pages after."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.clock import FakeClock
from bot.ingest import ingest_drafts
from bot.search import search
from bot.search.pages import RELEASE_EVERY, release_index_pages_every
from bot.store import open_store
from tests.bot.store.test_search_sql import corpus


async def _turns(count: int = 50) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def test_the_index_is_reopened_each_time_the_clock_passes_the_period(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    async with await open_store(tmp_path / "p.db") as store:
        await ingest_drafts(store, corpus(50))
        before = await search(store, "w0")
        opened = store.search_index.index  # type: ignore[attr-defined]
        task = asyncio.create_task(release_index_pages_every(store, clock))
        try:
            await _turns()
            clock.advance(seconds=RELEASE_EVERY - 1)
            await _turns()
            assert store.search_index.index is opened  # type: ignore[attr-defined]
            clock.advance(seconds=1)
            for _ in range(100_000):  # the reopening runs on a worker thread: turns, no sleep
                if store.search_index.index is not opened:  # type: ignore[attr-defined]
                    break
                await asyncio.sleep(0)
            reopened = store.search_index.index  # type: ignore[attr-defined]
        finally:
            task.cancel()
        after = await search(store, "w0")
    assert reopened is not opened
    assert [h.id for h in after.hits] == [h.id for h in before.hits] and after.total == before.total
