"""Opening the SQLite database: pragmas, numbered migrations tracked by `PRAGMA user_version`."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import StoreError
from bot.store.schema import bundled_migrations, plan_migrations
from bot.work import on_meter

log = logging.getLogger(__name__)


def migrations() -> list[tuple[int, str, str]]:
    """Return (version, name, sql) for every bundled SQLite migration, in order."""
    return bundled_migrations("bot.store.sqlite")


async def connect(path: str | Path) -> aiosqlite.Connection:
    """Open (creating if needed) the database at `path` with WAL, foreign keys and migrations."""
    try:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves so transactions are explicit.
        conn = await aiosqlite.connect(str(path), isolation_level=None)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    conn.row_factory = aiosqlite.Row
    _meter_thread(conn)
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


def _meter_thread(conn: aiosqlite.Connection) -> None:
    """Count the database thread's CPU time for each call against the operation that made it
    (bot/work.py): a search's SQLite work runs on that thread, not on the event loop. Every
    call aiosqlite makes, its cursors' included, goes through the connection's `_execute`."""
    execute: Callable[..., Any] = conn._execute

    async def metered(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await execute(on_meter(partial(function, *args, **kwargs)))

    conn._execute = metered  # type: ignore[method-assign,assignment]


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


def marks(items: Sequence[object]) -> str:
    """One `?` placeholder per item, comma-separated, for an `IN (...)` list."""
    return ",".join("?" * len(items))
