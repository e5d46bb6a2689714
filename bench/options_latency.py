"""Option A of docs/search.md, measured (part `latency` of `python -m bench.options`): exact
relevance × recency top 10 from a tantivy index beside the database (bench/ranked.py), the page
from the database's rows, against Newsdesk and against tantivy's own page; its top 10 checked
against ranking every match, and compared with Newsdesk's first page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np

from bench.corpus import label
from bench.database import bench_db
from bench.peer import Peer, peer_index
from bench.ranked import WINDOW_DAYS, RecencyIndex, filter_days, hybrid_page
from bench.report import Figure
from bench.search import PER_PAGE, render_ready, workload
from bench.timing import Stopwatch, percentile
from bot.search import parse_query, search
from bot.store import Store, open_store
from bot.store.sqlite.search import forget_search_counts

# Queries with more matches are not checked against ranking every match (Python would hold
# every match: seconds each at 1M).
CHECK_AT_MOST = 200_000


@dataclass
class _Latency:
    """Best-of times (ms) per system and query class, and how option A's ranking compares."""

    times: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    calls: list[int] = field(default_factory=list)
    checked: int = 0
    exact: int = 0
    shared: list[float] = field(default_factory=list)

    def add(self, system: str, kind: str, ms: float) -> None:
        """Record one query's best time."""
        self.times.setdefault(system, {}).setdefault(kind, []).append(ms)

    def all(self, system: str) -> list[float]:
        """Every query's time of one system."""
        return [ms for values in self.times[system].values() for ms in values]


async def latency(size: int, repeats: int) -> list[Figure]:
    """Option A against Newsdesk and tantivy's page; exactness of its top 10; agreement of its
    rule with Newsdesk's."""
    peer = Peer.open(peer_index(size))
    index = RecencyIndex(Peer.open(peer_index(size, stored_text=False)))
    run = _Latency()
    async with await open_store(bench_db(size)) as store:
        for query in workload(size):
            await _check(run, store, index, query.text)
            for system, ms in (await _time(store, peer, index, query.text, repeats)).items():
                run.add(system, query.kind, ms)
    return _latency_figures(size, run, repeats)


async def _check(run: _Latency, store: Store, index: RecencyIndex, text: str) -> None:
    """Option A's top 10 against ranking every match, and against Newsdesk's first page."""
    query = parse_query(text)
    compiled = index.peer.compile(query)
    top, total, calls = index.top(compiled, PER_PAGE, days=filter_days(query))
    run.calls.append(calls)
    if total <= CHECK_AT_MOST:  # ranking every match in Python costs seconds past that
        reference = index.every_match_top(compiled, PER_PAGE)
        run.checked += 1
        run.exact += [r.address for r in top] == [r.address for r in reference]
    newsdesk = [h.id for h in (await search(store, text, per_page=PER_PAGE)).hits]
    if newsdesk:
        run.shared.append(len(set(index.ids(top)) & set(newsdesk)) / len(newsdesk))


async def _time(
    store: Store, peer: Peer, index: RecencyIndex, text: str, repeats: int
) -> dict[str, float]:
    """Best of `repeats` for each: Newsdesk's page, tantivy's page, option A's page, and the
    ranking alone (top 10 and total) of tantivy and of option A."""
    runs: dict[str, list[float]] = {}

    async def timed(name: str, work: Callable[[], Awaitable[object]]) -> None:
        with Stopwatch() as sw:
            await work()
        runs.setdefault(name, []).append(sw.ms)
        runs.setdefault(f"{name} CPU", []).append(sw.cpu_ms)

    async def newsdesk() -> None:
        forget_search_counts(store)
        render_ready(await search(store, text, per_page=PER_PAGE), text)

    async def tantivy_page() -> None:
        render_ready(peer.page(text, PER_PAGE), text)

    async def option_a() -> None:
        render_ready(await hybrid_page(store, index, text, PER_PAGE), text)

    async def tantivy_rank() -> None:
        peer.searcher.search(peer.compile(parse_query(text)), limit=PER_PAGE, count=True)

    async def option_a_rank() -> None:
        query = parse_query(text)
        index.top(index.peer.compile(query), PER_PAGE, days=filter_days(query))

    for _ in range(repeats):
        await timed("Newsdesk", newsdesk)
        await timed("tantivy", tantivy_page)
        await timed("A", option_a)
        await timed("tantivy ranking", tantivy_rank)
        await timed("A ranking", option_a_rank)
    return {name: min(values) for name, values in runs.items()}


def _latency_figures(size: int, run: _Latency, repeats: int) -> list[Figure]:
    at = label(size)
    count = len(run.calls)
    figures = []
    for kind in [*run.times["A"], "all"]:
        mine = run.all("A") if kind == "all" else run.times["A"][kind]
        theirs = run.all("tantivy") if kind == "all" else run.times["tantivy"][kind]
        figures.append(
            Figure(
                f"A: page p99 {kind} @{at} vs tantivy",
                percentile(mine, 99),
                "ms",
                percentile(theirs, 99),
            )
        )
    figures += [
        Figure(
            f"A: page p50 all @{at} vs tantivy",
            percentile(run.all("A"), 50),
            "ms",
            percentile(run.all("tantivy"), 50),
            note=f"{count} queries, best of {repeats}; exact top 10, rows from SQLite",
        ),
        Figure(
            f"A: page CPU p99 all @{at} vs tantivy",
            percentile(run.all("A CPU"), 99),
            "ms",
            percentile(run.all("tantivy CPU"), 99),
            note="CPU time of the process: the cost without the shared machine's queueing",
        ),
        Figure(
            f"A: page p99 all @{at} vs Newsdesk today",
            percentile(run.all("A"), 99),
            "ms",
            percentile(run.all("Newsdesk"), 99),
        ),
        Figure(
            f"A: ranking alone (top 10 + total) p99 @{at} vs tantivy's",
            percentile(run.all("A ranking"), 99),
            "ms",
            percentile(run.all("tantivy ranking"), 99),
            note=f"p50 {percentile(run.all('A ranking'), 50):.2f} vs "
            f"{percentile(run.all('tantivy ranking'), 50):.2f} ms",
        ),
        Figure(
            f"A: tantivy calls per search, median / max @{at}",
            float(np.median(run.calls)),
            "",
            float(max(run.calls)),
            note=f"windows of 1 to {WINDOW_DAYS} days",
        ),
        Figure(
            f"A: top 10 = ranking every match by the rule @{at}",
            run.exact / max(run.checked, 1),
            "of queries",
            note=f"{run.checked} of {count} checked (those with at most {CHECK_AT_MOST:,} matches)",
        ),
        Figure(
            f"A: top 10 shared with Newsdesk's rule @{at}",
            float(np.mean(run.shared)),
            "share",
            note="tantivy BM25 vs FTS5 bm25 under the same recency",
        ),
    ]
    return figures
