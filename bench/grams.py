"""Common grams (bot/store/index/grams.py) measured: phrase searches on one index with the
compiler's grams on and off, alternately (CPU ms, best of N): the ranking alone and the whole
page, and whether both give the same (id, score, snippet) page and total. The phrases of
docs/search.md's "Common grams" and, with `--bench`, the bench workload's 40 phrase rows.

    python -m bench.grams --db COPY [--index-dir DIR] [--repeats 5] [--bench]

Point it at a private copy of a bench database (data/bench/scratch/...): the store rebuilds an
index of another schema version where it opens it.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from bench.search import PER_PAGE, render_ready, workload
from bench.timing import percentile
from bot.search import parse_query, search
from bot.store import open_store
from bot.store.sqlite.search import forget_search_counts

PHRASES = ['"government s"', '"the no"', '"of Told"', '"of the no"', '"said the"', '"it s a"']


async def _timed(store: Any, text: str, grams: bool) -> tuple[float, float, object]:
    """One search with the grams on or off: the ranking's and the page's CPU ms, and what
    both gave."""
    index = store.search_index
    index.compiler.grams = grams
    query = parse_query(text)
    start = time.process_time()
    found = index.search(query, PER_PAGE)
    ranked = time.process_time()
    forget_search_counts(store)
    page = await search(store, text, per_page=PER_PAGE)
    render_ready(page, text)
    done = time.process_time()
    seen = (found.ranked, found.total, [(h.id, h.score, h.snippet) for h in page.hits], page.total)
    return (ranked - start) * 1000, (done - ranked) * 1000, seen


async def run(db: str, index_dir: str | None, repeats: int, texts: list[str]) -> None:
    """Time each phrase both ways, alternating; print a row each and the percentiles."""
    rows = []
    async with await open_store(db, index_dir=index_dir) as store:
        for text in texts:
            best = {on: [float("inf"), float("inf")] for on in (True, False)}
            seen: dict[bool, object] = {}
            for _ in range(repeats):
                for on in (True, False):
                    rank, page, seen[on] = await _timed(store, text, on)
                    best[on] = [min(best[on][0], rank), min(best[on][1], page)]
            rows.append((text, best[True], best[False], seen[True] == seen[False]))
        store.search_index.compiler.grams = True
    print(f"{'phrase':28} | ranking on / off | page on / off | same page")
    for text, on, off, same in rows:
        print(f"{text[:28]:28} | {on[0]:6.2f} {off[0]:6.2f} | {on[1]:6.2f} {off[1]:6.2f} | {same}")
    for at, name in ((0, "ranking"), (1, "page")):
        on_ms = [r[1][at] for r in rows]
        off_ms = [r[2][at] for r in rows]
        print(
            f"{name:8} p50 {percentile(on_ms, 50):.2f} / {percentile(off_ms, 50):.2f}  "
            f"p99 {percentile(on_ms, 99):.2f} / {percentile(off_ms, 99):.2f} ms (on / off)"
        )
    print(f"same pages and totals: {sum(r[3] for r in rows)} of {len(rows)}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--index-dir")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--bench", action="store_true", help="the bench's phrase rows too")
    args = parser.parse_args()
    texts = list(PHRASES)
    if args.bench:
        texts += [q.text for q in workload(100_000) if q.kind == "phrase"]
    asyncio.run(run(args.db, args.index_dir, args.repeats, texts))


if __name__ == "__main__":
    main()
