"""Ingest throughput: the project's ingest of a JSON Lines file (parse, de-duplicate, store,
index) against a raw executemany into the same schema; with NLP, against raw nlp.pipe on the
same texts with the same pipeline. Each pair runs alternately in the same process."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.corpus import console, label, records, scratch
from bench.database import create_empty, raw_insert
from bench.report import Figure, Goal
from bot.ingest import BATCH_SIZE, ingest_paths
from bot.ingest.records import draft_from_record
from bot.models import ArticleDraft
from bot.store import Store, open_store

NO_NLP_GOAL = Goal("≥ 0.7× raw", min_ratio=0.7)
NLP_GOAL = Goal("≥ 0.8× raw", min_ratio=0.8)


def sample_file(size: int, folder: Path) -> Path:
    """The first `size` articles of the corpus as their own JSON Lines file."""
    target = folder / f"sample-{size}.jsonl"
    with target.open("w", encoding="utf-8") as out:
        for record in records(size, quiet=True):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return target


def raw_drafts(path: Path) -> list[ArticleDraft]:
    """Drafts straight from the file's JSON lines (what the raw baseline inserts)."""
    with path.open(encoding="utf-8") as handle:
        return [draft_from_record(json.loads(line), f"raw:{n}") for n, line in enumerate(handle, 1)]


def _fresh(folder: Path, name: str) -> Path:
    path = folder / f"{name}-{time.monotonic_ns()}.db"
    create_empty(path)
    return path


def time_ours(path: Path, folder: Path, enrich_factory: Callable | None = None) -> float:
    """Seconds for the project's ingest of the file into a fresh database."""
    db = _fresh(folder, "ours")

    async def run() -> float:
        async with await open_store(db) as store:
            enrich = enrich_factory(store) if enrich_factory else None
            started = time.perf_counter()
            report = await ingest_paths(store, [path], enrich=enrich)
            elapsed = time.perf_counter() - started
            assert report.added, "nothing was ingested"
            return elapsed

    return asyncio.run(run())


def time_raw_insert(path: Path, folder: Path) -> float:
    """Seconds to parse the same lines and executemany them into a fresh database."""
    db = _fresh(folder, "raw")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    # Transactions as large as the project's, so the pair differs only in per-article work.
    raw_insert(conn, raw_drafts(path), BATCH_SIZE)
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def without_nlp(size: int, repeats: int = 5) -> Figure:
    """Articles/s of ingest_paths vs raw executemany, medians of alternating runs."""
    with tempfile.TemporaryDirectory(dir=scratch()) as tmp:
        folder = Path(tmp)
        path = sample_file(size, folder)
        ours, raw = [], []
        with console.status(f"ingest without NLP, {label(size)} articles"):
            for _ in range(repeats):
                raw.append(time_raw_insert(path, folder))
                ours.append(time_ours(path, folder))
    return Figure(
        f"ingest without NLP @{label(size)}",
        size / statistics.median(ours),
        "articles/s",
        size / statistics.median(raw),
        NO_NLP_GOAL,
        # What the raw side skips and the product must do: stories, the search index.
        note="vs raw executemany, same schema; raw places no stories, indexes nothing",
    )


def nlp_texts(drafts: Sequence[ArticleDraft]) -> list[str]:
    """What the NLP step gives the model for each article: body, title and caption."""
    return [text for d in drafts for text in (d.body, d.title, d.caption)]


def with_nlp(size: int) -> Figure:
    """Articles/s of ingest + NLP (process worker, as the bot runs it) vs raw nlp.pipe with
    the same pipeline on the same texts."""
    from bot.nlp import NlpService, get_nlp
    from bot.nlp.enrichment import enrich_articles
    from bot.nlp.pipeline import BATCH_SIZE

    service = NlpService("process")
    with tempfile.TemporaryDirectory(dir=scratch()) as tmp:
        folder = Path(tmp)
        path = sample_file(size, folder)
        texts = nlp_texts(raw_drafts(path))
        with console.status("loading the NLP model (not timed)"):
            nlp = get_nlp()
            list(nlp.pipe(texts[:6]))
            asyncio.run(service.analyze(texts[:2]))  # worker started, its model loaded
        with console.status(f"ingest with NLP, {label(size)} articles"):
            started = time.perf_counter()
            list(nlp.pipe(texts, batch_size=BATCH_SIZE))
            raw = time.perf_counter() - started

            def factory(store: Store) -> Callable:
                return lambda ids: enrich_articles(store, ids, service)

            ours = time_ours(path, folder, factory)
    service.close()
    return Figure(
        f"ingest with NLP @{label(size)}",
        size / ours,
        "articles/s",
        size / raw,
        NLP_GOAL,
        # The raw side skips what the analysis makes of the model's docs (sentences, summary
        # ranking, entities, quotations) and saving it; the worker runs at nice 10 (a loaded
        # machine gives it less of the CPU than the raw side gets).
        note="vs raw nlp.pipe, same pipeline and texts; raw skips the analysis and saving",
    )


def measure(no_nlp_size: int, nlp_size: int) -> list[Figure]:
    """Both ingest figures: without NLP and with it."""
    return [without_nlp(no_nlp_size), with_nlp(nlp_size)]
