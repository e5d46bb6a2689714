"""A burst, not a stream (issue 20, goal 3): 50 searches arriving at the same instant, three
times over; when each page is ready (search, rows, snippets, the rendered embed), in the bot's
process, without the Discord round trip. The garbage collector is set as the bot sets it
(bench/timing.py `collector_as_in_the_bot`).

`measure_readers` is the `burst` group of `python -m bench`: the /search command's core
(`bot.search.search`) on one store whose reads run on DATABASE_READERS read-only connections,
against the same store with one reader, in the same run. `measure` is the options study
(bench/options.py): Newsdesk on one connection per store and on several stores, tantivy's own
page and option A (bench/ranked.py) with 1, 2 and 4 reader threads."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from bench.corpus import label
from bench.database import bench_db
from bench.peer import Peer, peer_index
from bench.ranked import RecencyIndex, hybrid_page
from bench.report import Figure, Goal
from bench.search import PER_PAGE, render_ready, workload
from bench.timing import collector_as_in_the_bot, percentile
from bot.search import search
from bot.store import Store, open_store
from bot.store.sqlite.search import forget_search_counts

BURST = 50
GOAL_MS = 150.0  # issue 20, goal 3: the burst's p99 round trip
READERS = (1, 2, 4)


def _groups(size: int) -> list[list[str]]:
    """Three bursts of different bench queries (the same in every row of a run)."""
    queries = [q.text for q in workload(size)]
    order = np.random.default_rng(3).permutation(len(queries))
    return [[queries[i] for i in order[j * BURST : (j + 1) * BURST]] for j in range(3)]


async def _readers_burst(db: Path, readers: int, groups: Sequence[Sequence[str]]) -> list[float]:
    """Each burst on one store with up to `readers` read connections; warm first."""
    async with await open_store(db, readers=readers) as store:
        await _newsdesk_burst([store], groups[0][:10])  # opens the readers, warms their caches
        done: list[float] = []
        for texts in groups:
            done += await _newsdesk_burst([store], texts)
    return done


def measure_readers(size: int) -> list[Figure]:
    """The burst through the store's read connections: 1 (the baseline), 2 and 4."""
    at = label(size)
    db = bench_db(size)
    groups = _groups(size)
    with collector_as_in_the_bot():
        done = {readers: asyncio.run(_readers_burst(db, readers, groups)) for readers in READERS}
    alone = percentile(done[1], 99)
    return [
        Figure(
            f"burst of {BURST} searches p99, {readers} read connection(s) @{at}",
            percentile(done[readers], 99),
            "ms",
            alone,
            Goal(f"≤ {GOAL_MS:.0f} ms", max_value=GOAL_MS) if readers == max(READERS) else None,
            note=f"baseline: 1 read connection; p50 {percentile(done[readers], 50):.0f} ms",
        )
        for readers in READERS[1:]
    ]


async def _newsdesk_burst(stores: Sequence[Store], texts: Sequence[str]) -> list[float]:
    started = time.perf_counter()
    done: list[float] = []

    async def one(i: int, text: str) -> None:
        store = stores[i % len(stores)]
        forget_search_counts(store)
        render_ready(await search(store, text, per_page=PER_PAGE), text)
        done.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(one(i, t) for i, t in enumerate(texts)))
    return done


async def measure(size: int) -> list[Figure]:
    """50 searches at the same instant, three times: when each page is ready."""
    at = label(size)
    groups = _groups(size)
    figures = []
    db = bench_db(size)
    for pool in (1, 2, 4):
        # Today's path: each store reads on its one connection.
        stores = [await open_store(db, readers=1) for _ in range(pool)]
        try:
            for store in stores:  # warm each connection's cache
                await _newsdesk_burst([store], groups[0][:10])
            done: list[float] = []
            for texts in groups:
                done += await _newsdesk_burst(stores, texts)
        finally:
            for store in stores:
                await store.close()
        figures.append(
            Figure(
                f"burst of {BURST}: Newsdesk today, {pool} connection(s) p99 @{at}",
                percentile(done, 99),
                "ms",
                percentile(done, 50),
                note="baseline column: p50",
            )
        )
    peer = Peer.open(peer_index(size))
    index = RecencyIndex(Peer.open(peer_index(size, stored_text=False)))
    for threads in (1, 2, 4):
        done = _thread_burst(groups, threads, lambda text: peer.page(text, PER_PAGE))
        figures.append(
            Figure(
                f"burst of {BURST}: tantivy's page, {threads} thread(s) p99 @{at}",
                percentile(done, 99),
                "ms",
                percentile(done, 50),
                note="baseline column: p50",
            )
        )
        workers = _HybridWorkers(db, index)
        try:
            done = _thread_burst(groups, threads, workers.page)
        finally:
            await asyncio.to_thread(workers.close)
        figures.append(
            Figure(
                f"burst of {BURST}: A (index beside the database), {threads} thread(s) p99 @{at}",
                percentile(done, 99),
                "ms",
                percentile(done, 50),
                note="baseline column: p50",
            )
        )
    return figures


class _HybridWorkers:
    """Option A's page from worker threads: each its own read-only connection and loop."""

    def __init__(self, db: Path, index: RecencyIndex) -> None:
        self.db, self.index = db, index
        self.local = threading.local()
        self.opened: list[tuple[asyncio.AbstractEventLoop, Store]] = []

    def page(self, text: str) -> object:
        """One page, made on the calling thread."""
        local = self.local
        if not hasattr(local, "loop"):
            local.loop = asyncio.new_event_loop()
            local.store = local.loop.run_until_complete(open_store(self.db))
            self.opened.append((local.loop, local.store))
        return local.loop.run_until_complete(hybrid_page(local.store, self.index, text, PER_PAGE))

    def close(self) -> None:
        """Close every connection opened (their threads would keep the process alive)."""
        for loop, store in self.opened:
            loop.run_until_complete(store.close())
            loop.close()


def _thread_burst(
    groups: Sequence[Sequence[str]], threads: int, page: Callable[[str], object]
) -> list[float]:
    done: list[float] = []
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda t: render_ready(page(t), t), groups[0][:10]))  # warm
        for texts in groups:
            started = time.perf_counter()

            def one(text: str, started: float = started) -> float:
                render_ready(page(text), text)
                return (time.perf_counter() - started) * 1000

            done += list(pool.map(one, texts))
    return done
