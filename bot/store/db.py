"""Opening the SQLite database: pragmas, numbered migrations tracked by `PRAGMA user_version`."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import StoreError

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def bundled_migrations(package: str) -> list[tuple[int, str, str]]:
    """Return (version, name, sql) for every `NNN_name.sql` in `package`'s migrations folder,
    checked to be numbered 1..N without gaps (SQLite's user_version records only the highest
    applied number, so a gap filled later would never run on databases already past it)."""
    folder = resources.files(package) / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"{package} migrations must be numbered 001..: {versions}")
    return found


def migrations() -> list[tuple[int, str, str]]:
    """Return (version, name, sql) for every bundled SQLite migration, in order."""
    return bundled_migrations("bot.store")


class _Connection(aiosqlite.Connection):
    """aiosqlite's connection, keeping hold of its worker thread's stop. When opening fails,
    aiosqlite stops the thread without waiting for it; the thread then answers an event loop
    that `asyncio.run` has closed meanwhile ("RuntimeError: Event loop is closed", printed
    from the thread after our one-line error)."""

    stopping: asyncio.Future[Any] | None = None

    def stop(self) -> asyncio.Future[Any] | None:
        """Stop the worker thread (as aiosqlite does), remembering when it will be done."""
        self.stopping = super().stop()
        return self.stopping


async def _open(path: str) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves so transactions are explicit.
    conn = _Connection(partial(sqlite3.connect, path, isolation_level=None), 64)
    try:
        return await conn
    except BaseException:
        if conn.stopping is not None:
            await asyncio.shield(conn.stopping)
        raise


async def connect(path: str | Path) -> aiosqlite.Connection:
    """Open (creating if needed) the database at `path` with WAL, foreign keys and migrations."""
    try:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await _open(str(path))
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    conn.row_factory = aiosqlite.Row
    try:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await migrate(conn)
    except BaseException as exc:
        await conn.close()
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"cannot prepare database {path}: {exc}") from exc
        raise
    return conn


def plan_migrations(
    current: int, available: list[tuple[int, str, str]], what: str
) -> tuple[list[tuple[int, str, str]], int]:
    """The migrations newer than schema v`current`, and the log level for each step: a new
    `what` is announced once and its steps logged at DEBUG; upgrading an existing one is news,
    so each step is INFO. StoreError when the schema is newer than this Newsdesk."""
    latest = available[-1][0] if available else 0
    if current > latest:
        raise StoreError(f"database schema v{current} is newer than this Newsdesk (v{latest})")
    if current == 0 and latest:
        log.info("creating a new %s (schema v%d)", what, latest)
    pending = [migration for migration in available if migration[0] > current]
    return pending, logging.DEBUG if current == 0 else logging.INFO


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply every migration newer than the database's user_version, each in one transaction."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = row[0] if row else 0
    pending, level = plan_migrations(current, migrations(), "database")
    for version, name, sql in pending:
        log.log(level, "applying migration %s", name)
        # executescript commits any open transaction first, so BEGIN/COMMIT are in the script;
        # user_version is transactional, so a failed migration leaves the version unchanged.
        try:
            await conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        except sqlite3.Error:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        current = version
    return current
