"""Entity autocomplete: `bot.nlp.lookup.entity_choices` against the raw prefix query on the
entity index, on bench.entity_lookups' synthetic database (Zipf-distributed names, 30
mentions an article, saved through the store's own save_analysis), cached per size."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import random
import sqlite3
from pathlib import Path

from bench.corpus import console, data_dir, label, remove_stale
from bench.report import Figure, Goal
from bench.timing import Stopwatch, percentile
from bot.store import open_store
from bot.store.sqlite.db import migrations

AUTOCOMPLETE_GOAL = Goal("≤ 30 ms", max_value=30.0)
NAIVE_SQL = (
    "SELECT e.id, e.name FROM entities_fts JOIN entities e ON e.id = entities_fts.rowid"
    " WHERE entities_fts MATCH ? ORDER BY rank LIMIT 25"
)


def entity_db(articles: int) -> Path | None:
    """The cached synthetic entity database of `articles` articles (None without NLP storage)."""
    try:
        from bench.entity_lookups import build
    except ImportError:
        return None
    schema = hashlib.sha256("".join(sql for _, _, sql in migrations()).encode()).hexdigest()
    folder = data_dir() / "db"
    path = folder / f"entities-{label(articles)}-s{schema[:10]}.db"
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f".build-entities-{label(articles)}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            remove_stale(folder.glob(f"entities-{label(articles)}-*.db"))
            partial = path.with_suffix(".partial")

            async def fill() -> None:
                async with await open_store(partial) as store:
                    await build(store, articles)

            with console.status(f"entity database: {label(articles)} synthetic analyses"):
                asyncio.run(fill())
            # Out of WAL once the store (and its read connections) closed: a renamed file
            # must not need its WAL.
            with contextlib.closing(sqlite3.connect(partial, isolation_level=None)) as conn:
                conn.execute("PRAGMA journal_mode = DELETE").fetchall()
            partial.replace(path)
    return path


def typed_names(names: list[str], count: int = 60, seed: int = 3) -> list[str]:
    """Prefixes of stored names as a reader types them, keystroke by keystroke."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        name = rng.choice(names)
        out += [name[:cut] for cut in (1, 2, 3, 5, 8) if cut <= len(name)]
    return out[:count]


async def _run(path: Path, rounds: int) -> tuple[list[float], list[float]]:
    from bot.nlp.lookup import entity_choices
    from bot.search import prefix_query
    from bot.store.sqlite.search import match_text

    ours: list[float] = []
    naive: list[float] = []
    async with await open_store(path) as store:
        rows = await store.conn.execute_fetchall(
            "SELECT name FROM entities ORDER BY mention_count DESC LIMIT 2000"
        )
        typed = typed_names([row[0] for row in rows])
        for round_ in range(rounds + 1):
            for text in typed:
                words = prefix_query(text)
                expression = match_text(words) if words else None
                with Stopwatch() as raw:
                    await store.conn.execute_fetchall(NAIVE_SQL, (expression,))
                with Stopwatch() as sw:
                    await entity_choices(store, text)
                if round_:
                    ours.append(sw.ms)
                    naive.append(raw.ms)
    return ours, naive


def measure(articles: int, rounds: int = 3) -> list[Figure]:
    """Entity autocomplete p99 vs the raw prefix query (skipped without NLP storage)."""
    path = entity_db(articles)
    if path is None:
        return []
    ours, naive = asyncio.run(_run(path, rounds))
    return [
        Figure(
            f"entity autocomplete p99 @{label(articles)}",
            percentile(ours, 99),
            "ms",
            percentile(naive, 99),
            AUTOCOMPLETE_GOAL,
            note="synthetic analyses, 30 mentions an article",
        )
    ]
