"""What the search options cost to keep (parts `size` and `commits` of `python -m bench.options`):
bytes per article of the database's parts and of a tantivy index, the database without FTS5
(as loaded, and with 16 KB pages and compressed text), build times, and a tantivy index kept in
step with ingest by a commit per batch."""

from __future__ import annotations

import math
import shutil
import sqlite3
import zlib

import tantivy

from bench.corpus import drafts, label, scratch
from bench.database import INSERT_SQL, batches, bench_db, build_record, create_empty, row
from bench.peer import (
    Peer,
    directory_bytes,
    document,
    peer_index,
    register_tokenizers,
    schema,
)
from bench.ranked import RecencyIndex
from bench.report import Figure
from bench.search import PER_PAGE, workload
from bench.timing import Stopwatch, percentile
from bot.ingest import BATCH_SIZE
from bot.search import parse_query

# FTS5 tables a tantivy index would replace, and the triggers that fill the label ones.
FTS_TABLES = ("articles_fts", "articles_authors", "article_categories")
_LABEL_TRIGGERS = ("articles_labels_ai", "articles_labels_ad", "articles_labels_au")


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
    fts = sum(v for k, v in pages.items() if k.startswith(FTS_TABLES))
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
    for name in ("articles_vocab", *FTS_TABLES, "articles_titles"):
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
            percentile(commit_ms, 50),
            "ms",
            percentile(commit_ms, 99),
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
            percentile(times["in step"], 99),
            "ms",
            percentile(times["bulk"], 99),
        ),
    ]
