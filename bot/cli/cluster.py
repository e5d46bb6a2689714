"""CLI commands for running on PostgreSQL: `worker`, `enqueue` and `migrate-store`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from datetime import timedelta
from pathlib import Path

from bot.cli.arguments import seconds, whole
from bot.config import Settings
from bot.errors import ConfigError
from bot.store.backend import (
    backend_of,
    open_cluster_store,
    open_store,
    redacted_url,
    sqlite_path,
)
from bot.terminal import shown, terminal

out = terminal()


def _postgres_url(settings: Settings, what: str) -> str:
    url = settings.store_url
    if backend_of(url) != "postgresql":
        raise ConfigError(f"{what} needs DATABASE_URL=postgresql://... (SQLite works in-process)")
    return url


async def _work(settings: Settings, *, nlp: bool, lease: float | None) -> int:
    from bot.cluster.worker import LEASE, Worker
    from bot.nlp.service import NlpService

    service = NlpService("thread")
    async with await open_cluster_store(_postgres_url(settings, "`worker`")) as store:
        held = timedelta(seconds=lease) if lease else LEASE
        worker = Worker(store, service, nlp=nlp, lease=held)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, worker.stop)
        out.print(f"worker {worker.owner}: taking jobs (Ctrl-C finishes the job in hand)")
        try:
            done = await worker.run()
        finally:
            await asyncio.to_thread(service.close)
    out.print(f"worker {worker.owner}: {done} jobs done")
    return 0


async def _enqueue(settings: Settings, paths: list[str], per_job: int) -> int:
    from bot.cluster.worker import enqueue_drafts
    from bot.ingest.files import find_files, read_file

    files, missing = find_files([Path(p) for p in paths])
    for where, reason in missing:
        out.print(f"skipped {shown(where)}: {shown(reason)}")
    drafts = []
    for path in files:
        for where, item in await asyncio.to_thread(lambda p=path: list(read_file(p))):
            if isinstance(item, str):
                out.print(f"skipped {shown(where)}: {shown(item)}")
            else:
                drafts.append(item)
    async with await open_cluster_store(_postgres_url(settings, "`enqueue`")) as store:
        jobs = await enqueue_drafts(store, drafts, per_job=per_job)
    out.print(f"queued {len(drafts)} articles in {len(jobs)} jobs for the workers")
    return 0


async def _migrate(source: str, target: str, sample: int) -> int:
    from bot.cluster.migrate import migrate_store

    if backend_of(source) != "sqlite" or backend_of(target) != "postgresql":
        raise ConfigError("migrate-store copies --from sqlite:///FILE --to postgresql://...")
    if not sqlite_path(source).is_file():
        raise ConfigError(f"no SQLite database at {sqlite_path(source)}")
    async with await open_store(sqlite_path(source)) as sqlite, await open_store(target) as pg:
        report = await migrate_store(sqlite, pg, sample=sample)
    width = max(map(len, [*report.copied, *report.skipped]), default=0)
    for table, rows in report.copied.items():
        out.print(f"  {table:<{width}} {rows:>9} rows")
    for table in report.skipped:
        out.print(f"  {table:<{width}} not copied: no PostgreSQL table for it yet")
    out.print(f"searched {report.searches} sample headlines on both databases")
    for problem in report.problems:
        out.print(f"[bold red]mismatch:[/] {shown(problem)}")
    verdict = "verified" if report.ok else "copied with mismatches"
    out.print(f"{verdict}: {shown(source)} -> {shown(redacted_url(target))}")
    return 0 if report.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add `worker`, `enqueue` and `migrate-store`."""
    p = sub.add_parser(
        "worker",
        help="take ingest/NLP jobs from the PostgreSQL queue (run as many as you like)",
        description="Needs DATABASE_URL=postgresql://... Each worker takes one job at a time "
        "(FOR UPDATE SKIP LOCKED); a worker that dies loses its jobs' leases to the others.",
    )
    p.add_argument("--no-nlp", action="store_true", help="store articles only, skip the NLP")
    p.add_argument(
        "--lease",
        type=seconds(0.1, 86_400),
        metavar="SECONDS",
        help="how long a dead worker's job waits before another takes it (default 30)",
    )
    p.set_defaults(func=lambda a: asyncio.run(_work(a.settings, nlp=not a.no_nlp, lease=a.lease)))

    p = sub.add_parser(
        "enqueue",
        help="queue files and folders of articles for the workers (PostgreSQL)",
        description="Reads articles like `ingest` does, but queues them as jobs.",
    )
    p.add_argument("paths", nargs="+", help="files or folders (.txt, .json, .jsonl)")
    p.add_argument(
        "--per-job", type=whole(1, 10_000), default=50, help="articles per job (default 50)"
    )
    p.set_defaults(func=lambda a: asyncio.run(_enqueue(a.settings, a.paths, a.per_job)))

    p = sub.add_parser(
        "migrate-store",
        help="copy a SQLite database into an empty PostgreSQL one and verify it",
        description="Copies every table (in one transaction), rebuilds derived data, then "
        "compares row counts and searches a sample of headlines on both sides.",
    )
    p.add_argument("--from", dest="source", required=True, metavar="sqlite:///FILE")
    p.add_argument("--to", dest="target", required=True, metavar="postgresql://...")
    p.add_argument(
        "--sample", type=whole(0, 10_000), default=20, help="headlines to search (default 20)"
    )
    p.set_defaults(func=lambda a: asyncio.run(_migrate(a.source, a.target, a.sample)))
