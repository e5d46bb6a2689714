"""Measurements behind docs/search.md: how Newsdesk could reach issue 20's goals 2-5.

    python -m bench.options                 # 100k articles
    python -m bench.options --size 1m --parts latency fts5

Parts: `latency` (option A, bench/ranked.py: exact relevance × recency top 10 from a tantivy
index beside the database, the page from the database's rows, against Newsdesk and against
tantivy's own page; exactness against ranking every match), `fts5` (option B: what FTS5's
bm25() and count cost before any row is ranked), `burst` (50 searches at the same instant, one
connection against a pool, and tantivy's readers in threads), `size` (bytes per article and
build time of the pieces), `commits` (the index kept in step: a commit per ingest batch),
`relevance` (bench/relevance.py on the BBC articles). Results: one table, and
bench/results/search-options-SIZE.{json,md}. Option A's latency is measured in
bench/options_latency.py, sizes, builds and commits in bench/options_storage.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import burst, relevance
from bench.corpus import console, label, parse_size
from bench.database import bench_db
from bench.options_latency import latency
from bench.options_storage import commits, size_figures
from bench.report import RESULTS, Figure, run_meta, table
from bench.search import workload
from bench.timing import Stopwatch, percentile
from bot.search import parse_query
from bot.store import open_store
from bot.store.sqlite.search import ARTICLES_INDEX, match_text

PARTS = ("latency", "fts5", "burst", "size", "commits", "relevance")


async def fts5_floor(size: int, repeats: int) -> list[Figure]:
    """What FTS5 spends before ranking a row: bm25()'s idf walk (the first row of a newest-first
    read with bm25) and the total (count), against the same read without bm25."""
    at = label(size)
    table_name = ARTICLES_INDEX.table
    first = f"SELECT rowid, {ARTICLES_INDEX.rank} FROM {table_name} WHERE {table_name} MATCH ?"
    bare = f"SELECT rowid FROM {table_name} WHERE {table_name} MATCH ?"
    order = " ORDER BY rowid DESC LIMIT 1"
    counting = f"SELECT count(*) FROM {table_name} WHERE {table_name} MATCH ?"
    times: dict[str, list[float]] = {"bm25": [], "bare": [], "count": []}
    async with await open_store(bench_db(size)) as store:
        for query in workload(size):
            match = match_text(parse_query(query.text))
            for name, sql in (("bm25", first + order), ("bare", bare + order), ("count", counting)):
                best = math.inf
                for _ in range(repeats):
                    with Stopwatch() as sw:
                        await store.conn.execute_fetchall(sql, (match,))
                    best = min(best, sw.ms)
                times[name].append(best)
    return [
        Figure(
            f"B: FTS5 newest match with bm25() p50 / p99 @{at}",
            percentile(times["bm25"], 50),
            "ms",
            percentile(times["bm25"], 99),
            note="bm25 counts every phrase's rows first; baseline: p99",
        ),
        Figure(
            f"B: FTS5 newest match without bm25() p99 @{at}", percentile(times["bare"], 99), "ms"
        ),
        Figure(
            f"B: FTS5 count(*) of the matches p50 / p99 @{at}",
            percentile(times["count"], 50),
            "ms",
            percentile(times["count"], 99),
            note="baseline: p99",
        ),
    ]


def run(size: int, parts: Sequence[str], repeats: int) -> list[Figure]:
    """Measure the selected parts at one size."""
    figures: list[Figure] = []
    # Built (or found) before any part's event loop runs: building runs loops of its own.
    bench_db(size, quiet=True)
    steps: dict[str, Callable[[], list[Figure]]] = {
        "latency": lambda: asyncio.run(latency(size, repeats)),
        "fts5": lambda: asyncio.run(fts5_floor(size, repeats)),
        "burst": lambda: asyncio.run(burst.measure(size)),
        "size": lambda: size_figures(size),
        "commits": lambda: asyncio.run(commits(size)),
        "relevance": relevance.measure,
    }
    for name in parts:
        with console.status(f"options: {name} @{label(size)}"):
            found = steps[name]()
        console.log(f"{name}: {len(found)} figures")
        figures += found
    return figures


def save(figures: Sequence[Figure], size: int, meta: dict[str, object]) -> Path:
    """bench/results/search-options-SIZE.{json,md}; rows of parts not run this time are kept."""
    path = RESULTS / f"search-options-{label(size)}.json"
    rows = {r["name"]: r for r in (json.loads(path.read_text()) if path.is_file() else [])}
    rows.update({f.name: f.as_json() | {"run": meta["date"]} for f in figures})
    path.write_text(json.dumps(list(rows.values()), indent=2, ensure_ascii=False) + "\n")
    head = (
        f"Rows as last measured by `python -m bench.options --size {label(size)}` (latest run "
        f"{meta['date']} on {meta['machine']}, commit {meta['commit']}, load {meta['load']})."
    )
    lines = [head, "", *_TABLE_HEAD]
    for r in rows.values():
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        name = r["name"] + (f" ({r['note']})" if r["note"] else "")
        baseline = "—" if r["baseline"] is None else f"{r['baseline']:,}"
        lines.append(f"| {name} | {r['value']:,} {r['unit']} | {baseline} | {ratio} | {r['run']} |")
    path.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


_TABLE_HEAD = ("| figure | value | baseline | ratio | measured |", "|---|---:|---:|---:|---|")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m bench.options`."""
    parser = argparse.ArgumentParser(prog="python -m bench.options", description=__doc__)
    parser.add_argument("--size", default="100k")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    meta = run_meta("options")
    figures = run(size, args.parts, args.repeats)
    console.print(table(figures, f"Search options @{label(size)} ({meta['date']})"))
    console.print(f"Wrote {save(figures, size, meta)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
