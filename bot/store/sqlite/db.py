"""Opening the SQLite database: pragmas, numbered migrations tracked by `PRAGMA user_version`."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import StoreError
from bot.store.schema import bundled_migrations, plan_migrations
from bot.work import on_meter, spend

log = logging.getLogger(__name__)


def migrations() -> list[tuple[int, str, str]]:
    """Return (version, name, sql) for every bundled SQLite migration, in order."""
    return bundled_migrations("bot.store.sqlite")


class _Connection(aiosqlite.Connection):
    """aiosqlite's connection, keeping hold of its worker thread's stop, and counting that
    thread's CPU time for each call against the operation that made it (bot/work.py: a
    search's SQLite work runs there, not on the event loop; every call aiosqlite makes, its
    cursors' included, goes through `_execute`). When opening fails, aiosqlite stops the
    thread without waiting for it; the thread then answers an event loop that `asyncio.run`
    has closed meanwhile ("RuntimeError: Event loop is closed", printed from the thread after
    our one-line error)."""

    stopping: asyncio.Future[Any] | None = None

    def stop(self) -> asyncio.Future[Any] | None:
        """Stop the worker thread (as aiosqlite does), remembering when it will be done."""
        self.stopping = super().stop()
        return self.stopping

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # Each call is a hop to the database thread and back (a step of the event loop): an
        # operation's count of them is what it pays besides the queries themselves.
        spend("database_calls")
        execute: Callable[..., Awaitable[Any]] = super()._execute
        return await execute(on_meter(partial(fn, *args, **kwargs)))


async def _open(target: str, *, uri: bool = False) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves so transactions are explicit.
    conn = _Connection(partial(sqlite3.connect, target, uri=uri, isolation_level=None), 64)
    try:
        return await conn
    except BaseException:
        if conn.stopping is not None:
            await asyncio.shield(conn.stopping)
        raise


def read_only_here(path: Path) -> bool:
    """True when the database exists but this process may not write it or its folder (where
    SQLite keeps the -wal and -shm files beside it): it is then opened to read only."""
    return path.is_file() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _uri(path: Path, query: str) -> str:
    return f"{path.absolute().as_uri()}?{query}"


async def _open_read_only(
    path: Path, modes: tuple[str, ...] = ("mode=ro", "immutable=1")
) -> aiosqlite.Connection:
    """Open a database this process may not write. `mode=ro` reads through the -wal and
    -shm files of a writer that has it open (WAL needs them; SQLite keeps the wal-index in
    memory when the -shm file cannot be written). With no writer there are no such files
    and they cannot be created in a folder we cannot write: then nothing can change under
    us, and `immutable=1` reads the file alone, without locks (see SQLite's wal.html,
    "Read-Only Databases")."""
    failure: sqlite3.Error | None = None
    for mode in modes:
        conn = await _open(_uri(path, mode), uri=True)
        try:
            await conn.execute("SELECT count(*) FROM sqlite_master")  # needs the wal-index
            # Writing would fail only at the first change, inside a transaction already
            # begun: refuse at BEGIN instead, where the store says what it means.
            await conn.execute("PRAGMA query_only = ON")
            return conn
        except sqlite3.Error as exc:
            failure = exc
            await conn.close()
    assert failure is not None
    raise failure


async def connect(path: str | Path) -> aiosqlite.Connection:
    """Open (creating if needed) the database at `path` with WAL, foreign keys and migrations;
    a database this process may not write is opened to read only (writes then fail)."""
    read_only = str(path) != ":memory:" and read_only_here(Path(path))
    try:
        if read_only:
            conn = await _open_read_only(Path(path))
        else:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = await _open(str(path))
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    conn.row_factory = aiosqlite.Row
    try:
        if not read_only:  # the journal mode is kept in the file: only a writer sets it
            await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await migrate(conn, read_only=read_only)
    except BaseException as exc:
        await conn.close()
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"cannot prepare database {path}: {exc}") from exc
        if isinstance(exc, StoreError):
            raise StoreError(f"{path}: {exc}") from exc
        raise
    return conn


async def open_reader(path: Path, *, read_only: bool) -> aiosqlite.Connection:
    """Another connection to a database already open and migrated, that may only read
    (sqlite/readers.py). Beside a writer it reads through the WAL (`mode=ro`, never
    `immutable=1`, which would not see the writer's commits); a database this process may
    not write is opened as the store's own connection was."""
    try:
        conn = await _open_read_only(
            path, ("mode=ro", "immutable=1") if read_only else ("mode=ro",)
        )
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open database {path} to read: {exc}") from exc
    conn.row_factory = aiosqlite.Row
    try:
        await conn.execute("PRAGMA busy_timeout = 5000")
    except BaseException:
        await conn.close()
        raise
    return conn


async def migrate(conn: aiosqlite.Connection, *, read_only: bool = False) -> int:
    """Apply every migration newer than the database's user_version, each in one transaction
    (StoreError when there are some and the database may only be read)."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = row[0] if row else 0
    pending, level = plan_migrations(current, migrations(), "database")
    if pending and read_only:
        raise StoreError(
            f"the database is read-only here and needs upgrading from schema v{current}: "
            "run Newsdesk once with write access to it and its folder"
        )
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


def marks(items: Sequence[object]) -> str:
    """One `?` placeholder per item, comma-separated, for an `IN (...)` list."""
    return ",".join("?" * len(items))
