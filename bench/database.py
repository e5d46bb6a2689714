"""Benchmark databases: the corpus of each size loaded once into the project's schema and
cached under data/bench/db/ (rebuilt when the corpus or the articles schema changes)."""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bench.corpus import cached_corpus, console, corpus_path, data_dir, drafts, label, remove_stale
from bench.timing import Stopwatch
from bot.clock import FakeClock
from bot.ingest import BATCH_SIZE
from bot.models import ArticleDraft
from bot.store import open_store
from bot.store.records.articles import article_values
from bot.store.sqlite.db import migrations
from bot.stories import catch_up_stories

# Bump when the way databases are built changes (2: loaded in the project's ingest batch size,
# not merged by 'optimize' afterwards; 3: every article placed in its story, as ingest does;
# 4: the search index built beside it and moved with it, each part timed).
BUILD_VERSION = 4
# Every article of a benchmark database was "ingested" at this moment.
INGESTED_AT = "2026-01-01T00:00:00+00:00"
BATCH = 1_000
# Databases above this size are built for the search groups only, without stories: placing
# stories grows faster than the archive (10k 8 s, 100k 174 s, 1M about an hour or more) and
# search never reads them. Their file name says so (`-nostories`), and so does their record.
STORIES_UP_TO = 100_000
INSERT_SQL = (
    "INSERT INTO articles (url, content_hash, title, caption, body, source, desk,"
    " dateline, author, published_at, updated_at, metadata, categories, origin, ingested_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# Migrations that shape the articles table or its indexes: a change to one of them rebuilds
# the cached databases. Other migrations (new tables) are applied to a cached database when
# it is opened, like to any older database, instead of costing a rebuild.
_ARTICLES_SCHEMA = re.compile(r"\b(?:TABLE|ON)\s+articles\b|articles_fts|articles_titles")


def schema_fingerprint() -> str:
    """A short hash of the migrations that shape the articles table and its indexes."""
    digest = hashlib.sha256()
    for version, name, sql in migrations():
        if _ARTICLES_SCHEMA.search(sql):
            digest.update(f"{version}:{name}:{sql}".encode())
    return digest.hexdigest()[:10]


def row(draft: ArticleDraft, now: str = INGESTED_AT) -> tuple[object, ...]:
    """The articles row the store writes for a new draft: the store's own encoding of it."""
    return (*article_values(draft, now), draft.origin, now)


def batches(items: Iterable[ArticleDraft], size: int = BATCH) -> Iterator[list[ArticleDraft]]:
    """Lists of at most `size` drafts."""
    batch: list[ArticleDraft] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def create_empty(path: Path) -> None:
    """A fresh database at `path` with every migration applied (through the real store)."""

    async def create() -> None:
        async with await open_store(path):
            pass

    asyncio.run(create())


def raw_insert(
    conn: sqlite3.Connection, drafts_in: Iterable[ArticleDraft], batch_size: int = BATCH
) -> int:
    """Insert drafts with plain executemany, one transaction per batch; return how many."""
    count = 0
    for batch in batches(drafts_in, batch_size):
        conn.execute("BEGIN")
        conn.executemany(INSERT_SQL, [row(d) for d in batch])
        conn.execute("COMMIT")
        count += len(batch)
    return count


def bench_db_path(size: int, *, stories: bool = True) -> Path:
    """Where the cached database of `size` articles is (or will be) kept; `stories=False` is
    the search-only database (no stories placed)."""
    kind = "" if stories else "-nostories"
    name = f"{corpus_path(size).stem}-s{schema_fingerprint()}-b{BUILD_VERSION}{kind}.db"
    return data_dir() / "db" / name


def search_db(size: int, *, quiet: bool = False) -> Path:
    """The database the search groups read: the whole one up to STORIES_UP_TO articles (or
    whenever it is cached), else the search-only one, which builds in a fraction of the time."""
    whole = bench_db_path(size)
    if size <= STORIES_UP_TO or whole.is_file():
        return bench_db(size, quiet=quiet)
    return bench_db(size, quiet=quiet, stories=False)


def bench_db(size: int, *, quiet: bool = False, stories: bool = True) -> Path:
    """The cached database holding the corpus of `size` articles; built on first use, with
    every article placed in its story unless `stories` is False.

    Builders of one size take turns (a lock file), so two benchmarks started together never
    write the same file; each builds under its own temporary name and renames when done."""
    path = bench_db_path(size, stories=stories)
    folder = path.parent
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f".build-{label(size)}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():  # another process may have built it while we waited
            _build(size, path, quiet, stories)
    return path


def build_record(path: Path) -> dict[str, float] | None:
    """How long building a cached database or index took, written beside it when it was built
    (seconds, articles, load average then); None for one built before this was recorded."""
    try:
        return json.loads(path.with_name(path.name + ".build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_build_record(
    path: Path,
    size: int,
    watch: Stopwatch,
    parts: dict[str, list[float]] | None = None,
    *,
    stories: bool | None = None,
) -> None:
    """Remember how long building `path` from the corpus took, in wall and CPU seconds (the
    build is cached; later runs report it), and each named part's wall and CPU milliseconds
    as `rows_seconds`, `rows_cpu_seconds`, …; for a database, whether stories were placed."""
    record: dict[str, object] = {
        "seconds": round(watch.ms / 1000, 2),
        "cpu_seconds": round(watch.cpu_ms / 1000, 2),
        "articles": size,
        "load": round(os.getloadavg()[0], 2),
    }
    for name, (ms, cpu_ms) in (parts or {}).items():
        record[f"{name}_seconds"] = round(ms / 1000, 2)
        record[f"{name}_cpu_seconds"] = round(cpu_ms / 1000, 2)
    if stories is not None:
        record["stories"] = stories
    path.with_name(path.name + ".build.json").write_text(json.dumps(record), encoding="utf-8")


def index_dir(db: Path) -> Path:
    """The search index a benchmark database keeps beside itself (the store's default)."""
    return Path(f"{db}.search")


def _build(size: int, path: Path, quiet: bool, stories: bool = True) -> None:
    # Another schema or corpus (a database, its record or its search index); this build's
    # other kind (with or without stories) is current, not stale.
    other = bench_db_path(size, stories=not stories).name
    current = {other, f"{other}.build.json", f"{other}.search"}
    remove_stale(path.parent.glob(f"news-{label(size)}-*.db*"), keep=current)
    cached_corpus(size, quiet=quiet)  # generating the corpus is not part of the build time
    partial = path.with_suffix(f".{os.getpid()}.partial")
    parts = {name: [0.0, 0.0] for name in ("rows", "index", "stories")}
    with Stopwatch() as watch:
        _load(partial, size, quiet, parts, stories)
    write_build_record(path, size, watch, parts, stories=stories)
    move_db(partial, path)


def move_db(source: Path, target: Path) -> None:
    """Rename a database built under a temporary name, with the search index beside it."""
    shutil.rmtree(index_dir(target), ignore_errors=True)
    if index_dir(source).is_dir():
        index_dir(source).replace(index_dir(target))
    source.replace(target)


def _load(
    partial: Path, size: int, quiet: bool, parts: dict[str, list[float]], stories: bool = True
) -> None:
    """Create the database at `partial` and load the corpus in the bot's ingest batches (the
    rows, with FTS5's triggers), then build its search index as the store does on opening a
    database whose index is behind, then place stories unless told not to (`rows`, `index`
    and `stories` timed apart)."""
    create_empty(partial)
    conn = sqlite3.connect(partial, isolation_level=None)
    columns = (TextColumn(f"database {label(size)}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeRemainingColumn(), console=console, disable=quiet) as bar:
        task = bar.add_task("", total=size)
        for batch in batches(drafts(size, quiet=quiet), BATCH_SIZE):
            with Stopwatch() as sw:  # the corpus's reading and parsing is not timed
                conn.execute("BEGIN")
                conn.executemany(INSERT_SQL, [row(d) for d in batch])
                conn.execute("COMMIT")
            _add(parts["rows"], sw)
            bar.advance(task, len(batch))
    conn.close()
    with Stopwatch() as sw, console.status(f"search index {label(size)}"):
        asyncio.run(_open_once(partial))  # the store catches its index up on opening
    _add(parts["index"], sw)
    # Stories as ingest would have placed them (a bot started on the database finds none
    # missing, so its start-up catch-up does no work while it is measured).
    if stories:
        with Stopwatch() as sw:
            asyncio.run(_place_stories(partial))
        _add(parts["stories"], sw)
    conn = sqlite3.connect(partial, isolation_level=None)
    # No 'optimize': the index keeps the segments FTS5's automerge leaves, like the bot's.
    # Leave WAL mode so every page is in the main file: a renamed file must not need its WAL.
    conn.execute("PRAGMA journal_mode = DELETE").fetchall()
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    if stored != size or Path(f"{partial}-wal").exists():
        raise RuntimeError(f"building {partial} went wrong: {stored} of {size} articles")


def _add(total: list[float], watch: Stopwatch) -> None:
    total[0] += watch.ms
    total[1] += watch.cpu_ms


async def _open_once(path: Path) -> None:
    async with await open_store(path):
        pass


async def _place_stories(path: Path) -> None:
    async with await open_store(path) as store:
        await catch_up_stories(store, clock=FakeClock(datetime.fromisoformat(INGESTED_AT)))


def copy_db(source: Path, target: Path) -> Path:
    """A private copy of a benchmark database (for benchmarks that write), with its search
    index (copied, not built again when the copy is opened)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    shutil.rmtree(index_dir(target), ignore_errors=True)  # a previous copy's
    if index_dir(source).is_dir():
        shutil.copytree(index_dir(source), index_dir(target))
    return target
