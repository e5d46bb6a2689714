"""Where a search page's time goes, Newsdesk against tantivy's own page, query by query: the
190 bench queries at a size, each part of Newsdesk's page timed alone (best of N), beside the
whole page of each (alternating, Newsdesk cold as in bench/versus.py). Prints per-class p50 and
p99 of both pages and their ratio, each part's p50/p99, and the slowest queries' breakdown.

    python -m bench.parts [--size 100k] [--repeats 5] [--slowest 15]
        [--db COPY --index-dir DIR] [--no-grams]

`--db` and `--index-dir` time a private copy of the bench's database with an index of its own
(opened by the store: an index of another schema version is rebuilt there first); `--no-grams`
compiles phrases without their common grams (bot/store/index/grams.py), the same pages by
construction. Queries the cost budget refuses are left out (at 1M, as in bench/versus.py).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench.corpus import parse_size
from bench.database import bench_db
from bench.peer import Peer, peer_index
from bench.search import PER_PAGE, render_ready, workload
from bench.timing import percentile
from bot import work
from bot.errors import TooBroad
from bot.search import parse_query, search
from bot.search.cost import check_search
from bot.store import open_store
from bot.store.index.ranking import Ranker
from bot.store.sqlite.search import forget_search_counts


def _best(samples: list[tuple[float, float]]) -> tuple[float, float]:
    """The best (wall, cpu) ms of several runs: the least wall, the least CPU."""
    return min(s[0] for s in samples), min(s[1] for s in samples)


class Clock:
    """Wall and process-CPU milliseconds around a block."""

    def __enter__(self) -> Clock:
        self.w, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.ms = (time.perf_counter() - self.w) * 1000
        self.cpu = (time.process_time() - self.c) * 1000


# The ranking's tantivy calls in the last search (Ranker.top's third value, recorded).
calls: list[int] = []


def _recording(top: Callable[..., Any]) -> Callable[..., Any]:
    def recorded(*args: Any, **kwargs: Any) -> Any:
        found = top(*args, **kwargs)
        calls.append(found[2])
        return found

    return recorded


async def parts_of(store: Any, text: str) -> tuple[dict[str, tuple[float, float]], int]:
    """Each part of Newsdesk's page alone: (wall, cpu) ms, and the ranking's tantivy calls."""
    out: dict[str, tuple[float, float]] = {}
    index = store.search_index
    with Clock() as c:
        query = parse_query(text)
    out["parse"] = (c.ms, c.cpu)
    forget_search_counts(store)
    with Clock() as c:
        await check_search(store, query)
    out["cost"] = (c.ms, c.cpu)
    with Clock() as c:
        await store._search_seq()
    out["seq"] = (c.ms, c.cpu)
    calls.clear()
    with Clock() as c:
        found = index.search(query, PER_PAGE)
    out["rank"] = (c.ms, c.cpu)
    tantivy_calls = sum(calls)
    with Clock() as c:
        rows = await store._search_rows([i for i, _ in found.ranked])
    out["rows"] = (c.ms, c.cpu)
    with Clock() as c:
        await asyncio.sleep(0)
        await work.to_thread(int)
    out["thread trip"] = (c.ms, c.cpu)
    from bot.store.index.searching import _snippet

    with Clock() as c:
        if found.snippets is not None:
            for row in rows:
                _snippet(row, found.snippets)
    out["snippets"] = (c.ms, c.cpu)
    page = await search(store, text, per_page=PER_PAGE)
    with Clock() as c:
        render_ready(page, text)
    out["render"] = (c.ms, c.cpu)
    return out, tantivy_calls


async def run(
    size: int,
    repeats: int,
    slowest: int,
    only: Callable[[str], bool],
    copy: tuple[str, str] | None = None,
    grams: bool = True,
) -> None:
    """Time every query both ways and by parts; print the tables. `copy`: (database, index
    directory) to time instead of the bench's own; without `grams`, phrases without them."""
    Ranker.top = _recording(Ranker.top)  # type: ignore[method-assign]
    db, index = (copy[0] if copy else bench_db(size)), peer_index(size)
    peer = Peer.open(index)
    queries = [q for q in workload(size) if only(q.text)]
    rows: list[dict[str, Any]] = []
    async with await open_store(db, index_dir=copy[1] if copy else None) as store:
        store.search_index.compiler.grams = grams
        for query in queries:
            try:
                await search(store, query.text, per_page=PER_PAGE)
            except TooBroad:
                print(f"refused by the budget, left out: {query.text}")
                continue
            peer.page(query.text, PER_PAGE)
            ours, theirs, parts = [], [], defaultdict(list)
            tantivy_calls = 0
            for _ in range(repeats):
                forget_search_counts(store)
                with Clock() as c:
                    render_ready(await search(store, query.text, per_page=PER_PAGE), query.text)
                ours.append((c.ms, c.cpu))
                with Clock() as c:
                    render_ready(peer.page(query.text, PER_PAGE), query.text)
                theirs.append((c.ms, c.cpu))
                each, tantivy_calls = await parts_of(store, query.text)
                for name, value in each.items():
                    parts[name].append(value)
            rows.append(
                {
                    "kind": query.kind,
                    "text": query.text,
                    "ours": _best(ours),
                    "peer": _best(theirs),
                    "calls": tantivy_calls,
                    "parts": {name: _best(v) for name, v in parts.items()},
                }
            )
    report(rows, slowest)


def report(rows: list[dict[str, Any]], slowest: int) -> None:
    """Print per-class pages, parts and the slowest queries."""
    classes = [*sorted({r["kind"] for r in rows}), "all"]
    print(
        f"{'class':10} {'n':>4} {'ND p50':>7} {'T p50':>7} {'×':>5} {'ND p99':>7} "
        f"{'T p99':>7} {'×':>5} | CPU {'ND p99':>7} {'T p99':>7} {'×':>5}"
    )
    for kind in classes:
        some = [r for r in rows if kind in ("all", r["kind"])]
        nd = [r["ours"][0] for r in some]
        tv = [r["peer"][0] for r in some]
        ndc = [r["ours"][1] for r in some]
        tvc = [r["peer"][1] for r in some]
        p = percentile
        print(
            f"{kind:10} {len(some):4} {p(nd, 50):7.2f} {p(tv, 50):7.2f} "
            f"{p(nd, 50) / p(tv, 50):5.2f} {p(nd, 99):7.2f} {p(tv, 99):7.2f} "
            f"{p(nd, 99) / p(tv, 99):5.2f} | {p(ndc, 99):11.2f} {p(tvc, 99):7.2f} "
            f"{p(ndc, 99) / p(tvc, 99):5.2f}"
        )
    names = list(rows[0]["parts"])
    print("\nparts (wall ms / cpu ms): p50, p99")
    print("(seq, rows and thread trip are timed alone: the page reads its rows and the seq in")
    print(" one statement, on SQLite in one trip with the ranking: bot/store/sqlite/indexed.py)")
    for name in names:
        w = [r["parts"][name][0] for r in rows]
        c = [r["parts"][name][1] for r in rows]
        print(
            f"  {name:14} wall {percentile(w, 50):6.3f} {percentile(w, 99):6.3f}   "
            f"cpu {percentile(c, 50):6.3f} {percentile(c, 99):6.3f}"
        )
    calls = [r["calls"] for r in rows]
    print(f"\ntantivy calls: {dict(sorted(_count(calls).items()))}")
    print(f"\nslowest {slowest} by Newsdesk wall (ND, T, ratio, calls, parts wall):")
    for r in sorted(rows, key=lambda r: -r["ours"][0])[:slowest]:
        parts = " ".join(f"{n}={v[0]:.2f}" for n, v in r["parts"].items())
        print(
            f"  {r['ours'][0]:6.2f} {r['peer'][0]:6.2f} {r['ours'][0] / r['peer'][0]:5.2f} "
            f"c{r['calls']} [{r['kind'][:6]}] {r['text'][:40]!r:42} {parts}"
        )


def _count(values: list[int]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return out


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=15)
    parser.add_argument("--grep", default="")
    parser.add_argument("--db", help="a private copy of the bench database to time")
    parser.add_argument("--index-dir", help="its search index's directory")
    parser.add_argument("--no-grams", action="store_true", help="phrases without their grams")
    args = parser.parse_args()
    copy = (args.db, args.index_dir or f"{args.db}.search") if args.db else None
    only: Callable[[str], bool] = lambda t: args.grep in t  # noqa: E731
    asyncio.run(
        run(parse_size(args.size), args.repeats, args.slowest, only, copy, not args.no_grams)
    )


if __name__ == "__main__":
    main()
