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
bench/results/search-options-SIZE.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import shutil
import sqlite3
import sys
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import tantivy

from bench import burst, relevance
from bench.corpus import console, drafts, label, parse_size, scratch
from bench.database import INSERT_SQL, batches, bench_db, build_record, create_empty, row
from bench.peer import (
    Peer,
    directory_bytes,
    document,
    peer_index,
    register_tokenizers,
    schema,
)
from bench.ranked import WINDOW_DAYS, RecencyIndex, filter_days, hybrid_page
from bench.report import RESULTS, Figure, run_meta, table
from bench.search import PER_PAGE, render_ready, workload
from bench.timing import Stopwatch, percentile
from bot.ingest import BATCH_SIZE
from bot.search import parse_query, search
from bot.store import Store, open_store
from bot.store.sqlite.search import ARTICLES_INDEX, forget_search_counts, match_text

# Queries with more matches are not checked against ranking every match (Python would hold
# every match: seconds each at 1M).
CHECK_AT_MOST = 200_000
PARTS = ("latency", "fts5", "burst", "size", "commits", "relevance")
# FTS5 tables a tantivy index would replace, and the triggers that fill the label ones.
_FTS_TABLES = ("articles_fts", "articles_authors", "article_categories")
_LABEL_TRIGGERS = ("articles_labels_ai", "articles_labels_ad", "articles_labels_au")


def _p(samples: Sequence[float], q: float) -> float:
    return percentile(list(samples), q)


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
            Figure(f"A: page p99 {kind} @{at} vs tantivy", _p(mine, 99), "ms", _p(theirs, 99))
        )
    figures += [
        Figure(
            f"A: page p50 all @{at} vs tantivy",
            _p(run.all("A"), 50),
            "ms",
            _p(run.all("tantivy"), 50),
            note=f"{count} queries, best of {repeats}; exact top 10, rows from SQLite",
        ),
        Figure(
            f"A: page CPU p99 all @{at} vs tantivy",
            _p(run.all("A CPU"), 99),
            "ms",
            _p(run.all("tantivy CPU"), 99),
            note="CPU time of the process: the cost without the shared machine's queueing",
        ),
        Figure(
            f"A: page p99 all @{at} vs Newsdesk today",
            _p(run.all("A"), 99),
            "ms",
            _p(run.all("Newsdesk"), 99),
        ),
        Figure(
            f"A: ranking alone (top 10 + total) p99 @{at} vs tantivy's",
            _p(run.all("A ranking"), 99),
            "ms",
            _p(run.all("tantivy ranking"), 99),
            note=f"p50 {_p(run.all('A ranking'), 50):.2f} vs "
            f"{_p(run.all('tantivy ranking'), 50):.2f} ms",
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
            _p(times["bm25"], 50),
            "ms",
            _p(times["bm25"], 99),
            note="bm25 counts every phrase's rows first; baseline: p99",
        ),
        Figure(f"B: FTS5 newest match without bm25() p99 @{at}", _p(times["bare"], 99), "ms"),
        Figure(
            f"B: FTS5 count(*) of the matches p50 / p99 @{at}",
            _p(times["count"], 50),
            "ms",
            _p(times["count"], 99),
            note="baseline: p99",
        ),
    ]


def size_figures(size: int) -> list[Figure]:
    """Bytes per article: the database's parts, the bare index, a database without FTS5 as it
    is and with 16 KB pages and compressed text; the time to load rows without FTS5 and to
    build the bare index (CPU seconds beside: the machine is shared)."""
    at = label(size)
    db = bench_db(size)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    pages = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    conn.close()
    # The text index and the byline and category indexes (field search): all tantivy's in A.
    fts = sum(v for k, v in pages.items() if k.startswith(_FTS_TABLES))
    titles = sum(v for k, v in pages.items() if k.startswith("articles_titles"))
    bare, peer = peer_index(size, stored_text=False), peer_index(size)
    rows = _rows_only(size)
    bare_build, peer_build = build_record(bare) or {}, build_record(peer) or {}
    return [
        Figure(
            f"size: database without FTS5 @{at}",
            (db.stat().st_size - fts - titles) / size,
            "B/article",
            note=f"FTS5 text, byline and category indexes {fts / size:,.0f}, titles index "
            f"{titles / size:,.0f} B/article",
        ),
        Figure(
            f"size: database without FTS5, 16 KB pages, text zlib-compressed @{at}",
            rows["packed"] / size,
            "B/article",
            rows["plain"] / size,
            note="baseline: the same rows, 4 KB pages, plain text",
        ),
        Figure(
            f"size: tantivy index without stored text @{at}",
            directory_bytes(bare) / size,
            "B/article",
            directory_bytes(peer) / size,
            note="baseline: with stored text",
        ),
        Figure(
            f"build: rows without FTS5, {BATCH_SIZE} a batch @{at}",
            rows["seconds"],
            "s",
            peer_build.get("seconds"),
            note=f"baseline: tantivy peer build; CPU {rows['cpu']:.0f} / "
            f"{peer_build.get('cpu_seconds', math.nan):.0f} s",
        ),
        Figure(
            f"build: tantivy index without stored text @{at}",
            bare_build.get("seconds", math.nan),
            "s",
            peer_build.get("seconds"),
            note=f"timed when built; baseline: peer with stored text; CPU "
            f"{bare_build.get('cpu_seconds', math.nan):.0f} / "
            f"{peer_build.get('cpu_seconds', math.nan):.0f} s",
        ),
    ]


def _rows_only(size: int) -> dict[str, float]:
    """Load the corpus into the schema without FTS5 tables or triggers (a scratch file), timed;
    then its bytes as loaded, and with 16 KB pages and title, caption and body compressed."""
    path = scratch() / f"rows-only-{label(size)}.db"
    path.unlink(missing_ok=True)
    create_empty(path)
    conn = sqlite3.connect(path, isolation_level=None)
    for name in ("articles_ai", "articles_ad", "articles_au", *_LABEL_TRIGGERS):
        conn.execute(f"DROP TRIGGER {name}")
    for name in ("articles_vocab", *_FTS_TABLES, "articles_titles"):
        conn.execute(f"DROP TABLE {name}")
    conn.execute("VACUUM")
    with Stopwatch() as watch:
        for batch in batches(drafts(size, quiet=True), BATCH_SIZE):
            conn.execute("BEGIN")
            conn.executemany(INSERT_SQL, [row(d) for d in batch])
            conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plain = path.stat().st_size
    conn.create_function("pack", 1, lambda text: zlib.compress(text.encode(), 6))
    conn.execute("UPDATE articles SET caption = pack(caption), body = pack(body)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA page_size = 16384")
    conn.execute("VACUUM")
    packed = path.stat().st_size
    conn.close()
    path.unlink()
    return {
        "seconds": watch.ms / 1000,
        "cpu": watch.cpu_ms / 1000,
        "plain": plain,
        "packed": packed,
    }


async def commits(size: int) -> list[Figure]:
    """The index kept in step with ingest: a commit after every batch of BATCH_SIZE articles;
    commit times, segments left, and option A's top-10 time on that index vs the bulk one."""
    at = label(size)
    path = scratch() / f"in-step-{label(size)}"
    shutil.rmtree(path, ignore_errors=True)
    bare_schema = schema(stored_text=False)
    path.mkdir(parents=True)
    index = tantivy.Index(bare_schema, path=str(path))
    register_tokenizers(index)
    writer = index.writer()
    commit_ms: list[float] = []
    with Stopwatch() as total:
        batch: list[tantivy.Document] = []
        for number, draft in enumerate(drafts(size, quiet=True), start=1):
            fields = document(number, draft, stored_text=False)
            batch.append(tantivy.Document.from_dict(fields, bare_schema))
            if len(batch) == BATCH_SIZE or number == size:
                with Stopwatch() as sw:
                    for doc in batch:
                        writer.add_document(doc)
                    writer.commit()
                commit_ms.append(sw.ms)
                batch = []
        writer.wait_merging_threads()
    in_step = RecencyIndex(Peer.open(path))
    bulk = RecencyIndex(Peer.open(peer_index(size, stored_text=False)))
    times = {"in step": [], "bulk": []}
    for query in workload(size):
        for name, idx in (("in step", in_step), ("bulk", bulk)):
            compiled = idx.peer.compile(parse_query(query.text))
            best = math.inf
            for _ in range(3):
                with Stopwatch() as sw:
                    idx.top(compiled, PER_PAGE)
                best = min(best, sw.ms)
            times[name].append(best)
    segments = in_step.peer.searcher.num_segments
    shutil.rmtree(path, ignore_errors=True)
    return [
        Figure(
            f"in step: add + commit of {BATCH_SIZE} articles p50 / p99 @{at}",
            _p(commit_ms, 50),
            "ms",
            _p(commit_ms, 99),
            note="baseline: p99",
        ),
        Figure(
            f"in step: whole load, a commit every {BATCH_SIZE} @{at}",
            total.ms / 1000,
            "s",
            note=f"{segments} segments after merging",
        ),
        Figure(
            f"in step: A's top 10 p99 @{at}, on that index vs a bulk-built one",
            _p(times["in step"], 99),
            "ms",
            _p(times["bulk"], 99),
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
