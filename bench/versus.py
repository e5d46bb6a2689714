"""Newsdesk against the search engine a user would pick instead (tantivy, bench/peer.py): the
same corpus, the same 190 queries and the same rendered page, timed alternately query by query;
how often tantivy's own ranking, or its top N re-ranked by Newsdesk's recency rule, gives
Newsdesk's first page; build time and bytes per article of both."""

from __future__ import annotations

import asyncio
import heapq
import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bench.corpus import console, label
from bench.database import build_record, index_dir, search_db
from bench.peer import Peer, directory_bytes, peer_index
from bench.report import Figure, Goal
from bench.search import PER_PAGE, BenchQuery, answered, refusals, render_ready, workload
from bench.timing import Stopwatch, percentile
from bot.models import SearchPage
from bot.search import parse_query, search
from bot.store import open_store
from bot.store.ranking import PER_DAY
from bot.store.sqlite.search import forget_search_counts

# Only sizes from here up are compared (smaller ones are not where a search engine is needed).
PEER_FROM = 100_000
# How deep into tantivy's BM25 order the recency re-rank looks (the first is timed as a page).
RERANK_DEPTHS = (1_000, 100, 10_000)
P99_GOAL = Goal("≤ 1.0× tantivy", max_ratio=1.0)
P99_GOAL_1M = Goal("≤ 50 ms and ≤ 1.0× tantivy", max_value=50.0, max_ratio=1.0)
BUILD_GOAL = Goal("≤ 2× tantivy", max_ratio=2.0)
BYTES_GOAL = Goal("≤ 4,000 B", max_value=4_000.0)


def recency_ranked(
    peer: Peer, hits: Sequence[tuple[float, Any]], k: int = PER_PAGE
) -> list[tuple[int, float, Any]]:
    """The best k of tantivy's (score, address) hits by Newsdesk's rule (ln relevance + day ×
    ln 2 / 30; ties to the newer): (id, score, address), best first."""
    addresses = [address for _, address in hits]
    published = peer.searcher.fast_field_values("published", addresses)
    ids = peer.searcher.fast_field_values("id", addresses)
    keyed = [
        (math.log(max(score, 1e-30)) + (when // 86_400) * PER_DAY, when, article, score, i)
        for i, ((score, _), when, article) in enumerate(zip(hits, published, ids, strict=True))
    ]
    best = heapq.nlargest(k, keyed)
    return [(article, score, addresses[i]) for _, _, article, score, i in best]


def recency_top(peer: Peer, text: str, depth: int) -> list[int]:
    """Ids of tantivy's top `depth` BM25 matches re-ranked by Newsdesk's rule, best 10 first."""
    compiled = peer.compile(parse_query(text))
    hits = peer.searcher.search(compiled, limit=depth, count=False).hits
    return [article for article, _, _ in recency_ranked(peer, hits)]


def reranked_page(peer: Peer, text: str, depth: int) -> SearchPage:
    """The page a bot on tantivy with Newsdesk's recency rule would show: the top `depth` by
    BM25 re-ranked, the best 10 with snippets, and the exact total."""
    compiled = peer.compile(parse_query(text))
    result = peer.searcher.search(compiled, limit=depth, count=True)
    best = [(score, address) for _, score, address in recency_ranked(peer, result.hits)]
    hits = peer.hits(compiled, best)
    return SearchPage(query=text, hits=hits, total=result.count, page=1, per_page=PER_PAGE)


@dataclass
class VersusRun:
    """Per query class: Newsdesk's and tantivy's page times (ms), CPU times, and rankings."""

    ours: dict[str, list[float]] = field(default_factory=dict)
    peer: dict[str, list[float]] = field(default_factory=dict)
    reranked: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    peer_cpu: list[float] = field(default_factory=list)
    shared_plain: list[float] = field(default_factory=list)
    shared_reranked: dict[int, list[float]] = field(default_factory=dict)
    same_reranked: dict[int, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


async def run_versus(
    db: Path, index: Path, queries: Sequence[BenchQuery], repeats: int = 3
) -> VersusRun:
    """Per query: one untimed run of each (warm caches; compare rankings), then Newsdesk and
    tantivy alternately `repeats` times, Newsdesk cold (no remembered counts); best of each."""
    run = VersusRun()
    peer = Peer.open(index)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    async with await open_store(db) as store:
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(f"vs tantivy {label_of(index)}", total=len(queries))
            for query in queries:
                ours_page = await answered(store, query.text, run.refused)
                if ours_page is None:
                    bar.advance(task)
                    continue  # refused by the bot's cost budget: neither side is timed
                ours_ids = [hit.id for hit in ours_page.hits]
                peer_page = peer.page(query.text, PER_PAGE)
                _compare(run, peer, query.text, ours_ids, [hit.id for hit in peer_page.hits])
                ours: list[Stopwatch] = []
                theirs: list[Stopwatch] = []
                again: list[Stopwatch] = []
                for _ in range(repeats):
                    forget_search_counts(store)
                    with Stopwatch() as sw:
                        page = await search(store, query.text, per_page=PER_PAGE)
                        render_ready(page, query.text)
                    ours.append(sw)
                    with Stopwatch() as sw:
                        render_ready(peer.page(query.text, PER_PAGE), query.text)
                    theirs.append(sw)
                    with Stopwatch() as sw:
                        render_ready(reranked_page(peer, query.text, RERANK_DEPTHS[0]), query.text)
                    again.append(sw)
                run.ours.setdefault(query.kind, []).append(min(s.ms for s in ours))
                run.peer.setdefault(query.kind, []).append(min(s.ms for s in theirs))
                run.reranked.append(min(s.ms for s in again))
                run.ours_cpu.append(min(s.cpu_ms for s in ours))
                run.peer_cpu.append(min(s.cpu_ms for s in theirs))
                bar.advance(task)
    return run


def _compare(run: VersusRun, peer: Peer, text: str, ours: list[int], plain: list[int]) -> None:
    """Record how much of Newsdesk's first page tantivy's orders give."""
    if not ours:
        return
    run.shared_plain.append(len(set(plain) & set(ours)) / len(ours))
    for depth in RERANK_DEPTHS:
        top = recency_top(peer, text, depth)
        run.shared_reranked.setdefault(depth, []).append(len(set(top) & set(ours)) / len(ours))
        run.same_reranked[depth] = run.same_reranked.get(depth, 0) + (top == ours)


def label_of(index: Path) -> str:
    """The size label in a peer index's directory name."""
    return index.name.split("-")[1]


def _all(samples: dict[str, list[float]]) -> list[float]:
    return [ms for values in samples.values() for ms in values]


def versus_figures(size: int, run: VersusRun, repeats: int) -> list[Figure]:
    """Newsdesk ÷ tantivy per query class (p50, p99), CPU, and how the rankings compare."""
    at = label(size)
    figures: list[Figure] = []
    classes = {**run.ours, "all": _all(run.ours)}
    peers = {**run.peer, "all": _all(run.peer)}
    for kind, ours in classes.items():
        theirs = peers[kind]
        figures.append(
            Figure(
                f"search p50 {kind} @{at} vs tantivy",
                percentile(ours, 50),
                "ms",
                percentile(theirs, 50),
            )
        )
        goal = (P99_GOAL_1M if size >= 1_000_000 else P99_GOAL) if kind == "all" else None
        note = (
            f"{len(ours)} queries, best of {repeats} each{refusals(run.refused)}"
            if kind == "all"
            else ""
        )
        figures.append(
            Figure(
                f"search p99 {kind} @{at} vs tantivy",
                percentile(ours, 99),
                "ms",
                percentile(theirs, 99),
                goal,
                note=note,
            )
        )
    figures.append(
        Figure(
            f"search CPU p99 all @{at} vs tantivy",
            percentile(run.ours_cpu, 99),
            "ms",
            percentile(run.peer_cpu, 99),
            note="CPU time of the process",
        )
    )
    figures.append(
        Figure(
            f"tantivy top {RERANK_DEPTHS[0]:,} re-ranked by recency, page p99 @{at}",
            percentile(run.reranked, 99),
            "ms",
            percentile(peers["all"], 99),
            note="vs tantivy's own top 10; info",
        )
    )
    checked = len(run.shared_plain)
    figures.append(
        Figure(
            f"tantivy BM25 top 10 shared with Newsdesk's @{at}",
            _mean(run.shared_plain),
            "share",
            note=f"per-field BM25, no recency; {checked} queries with matches",
        )
    )
    for depth in sorted(RERANK_DEPTHS):
        figures.append(
            Figure(
                f"tantivy top {depth:,} re-ranked by recency: top 10 shared @{at}",
                _mean(run.shared_reranked.get(depth, [])),
                "share",
                note=f"identical page on {run.same_reranked.get(depth, 0)} of {checked}",
            )
        )
    return figures


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def size_figures(size: int, db: Path, index: Path) -> list[Figure]:
    """Bulk load (each timed when it was built) and bytes per article of both: Newsdesk's
    database with the search index it keeps beside it, against tantivy's index."""
    at = label(size)
    ours, theirs = build_record(db), build_record(index)
    figures = []
    if ours and theirs and "index_seconds" in ours:
        # Search's bulk load is the rows (with FTS5's triggers) and the index; stories are
        # placed after, by another part of the bot the peer has no counterpart for.
        seconds = ours["rows_seconds"] + ours["index_seconds"]
        cpu = ours["rows_cpu_seconds"] + ours["index_cpu_seconds"]
        figures.append(
            Figure(
                f"bulk load @{at}: Newsdesk rows + search index vs tantivy index",
                seconds,
                "s",
                theirs["seconds"],
                BUILD_GOAL,
                note=f"rows {ours['rows_seconds']:.0f} s, index {ours['index_seconds']:.0f} s "
                f"({_stories(ours)}); CPU "
                f"{cpu:.0f} / {_cpu(theirs)} s; load when built {ours['load']:.1f} / "
                f"{theirs['load']:.1f}",
            )
        )
    parts = database_parts(db)
    beside = directory_bytes(index_dir(db))
    placed = not ours or ours.get("stories", True)
    figures.append(
        Figure(
            f"bytes per article @{at}: Newsdesk database + search index vs tantivy index",
            (db.stat().st_size + beside) / size,
            "B",
            directory_bytes(index) / size,
            BYTES_GOAL,
            note=f"search index {beside / size:,.0f}, FTS5 tables {parts['fts'] / size:,.0f}, "
            + (
                f"stories {parts['stories'] / size:,.0f} B/article"
                if placed
                else "no stories placed (a search-only database)"
            )
            + "; tantivy stores the text it shows",
        )
    )
    return figures


def database_parts(db: Path) -> dict[str, int]:
    """Bytes of a database's FTS5 tables (text, titles, bylines, categories, vocabulary) and
    of its stories' tables and indexes (SQLite's dbstat)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        pages = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    finally:
        conn.close()
    fts = ("articles_fts", "articles_titles", "articles_authors", "article_categories")
    return {
        "fts": sum(n for name, n in pages if name.startswith(fts)),
        "stories": sum(n for name, n in pages if "stor" in name),
    }


def _stories(record: dict[str, float]) -> str:
    """What the build record says of stories: how long placing them took, or that a
    search-only database (bench/database.py STORIES_UP_TO) placed none."""
    if record.get("stories", True):
        return f"stories placed after: {record['stories_seconds']:.0f} s more"
    return "a search-only database: no stories placed"


def _cpu(record: dict[str, float]) -> str:
    return f"{record['cpu_seconds']:.0f}" if "cpu_seconds" in record else "?"


def peer_sizes(sizes: Sequence[int]) -> list[int]:
    """The sizes compared with tantivy: from PEER_FROM up, or the largest when all are smaller."""
    return [s for s in sizes if s >= PEER_FROM] or [max(sizes)]


def measure(sizes: Sequence[int], repeats: int = 3) -> list[Figure]:
    """Newsdesk vs tantivy at each compared size."""
    figures: list[Figure] = []
    for size in peer_sizes(sizes):
        db, index = search_db(size), peer_index(size)
        run = asyncio.run(run_versus(db, index, workload(size), repeats))
        figures += versus_figures(size, run, repeats)
        figures += size_figures(size, db, index)
    return figures
