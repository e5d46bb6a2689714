"""Choosing the store's backend from `DATABASE_URL`: SQLite (the default) or PostgreSQL.

Besides transfer.py (which copies from one into the other), the only place outside the
backends' own folders that names them: everything else opens a store here and sees the
`Store` interface (bot/store/interface/).
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import ConfigError
from bot.store.interface import ClusterStore, Store
from bot.store.urls import backend_of, redacted_url, sqlite_path

# Reads that run side by side unless DATABASE_READERS says otherwise (bench/burst.py: 4 was
# the best of 1, 2 and 4 for a burst of searches on two cores).
DEFAULT_READERS = 4
# PostgreSQL connections kept beyond the readers for writes and background work (ingest,
# digests, feeds each hold one while a transaction is open): 4 + 6 = the 10 asyncpg defaults to.
WRITERS = 6

__all__ = [
    "DEFAULT_READERS",
    "backend_of",
    "open_cluster_store",
    "open_store",
    "redacted_url",
    "sqlite_path",
]


async def open_store(
    target: str | Path, *, pool_size: int | None = None, readers: int = DEFAULT_READERS
) -> Store:
    """Open the store at `target` (`sqlite:///path`, a path, or `postgresql://...`),
    creating and migrating it as needed; use it as `async with await open_store(url) as
    store`. `readers` is how many reads run side by side (DATABASE_READERS): SQLite opens up
    to that many read-only connections beside its writer; a PostgreSQL pool holds
    `pool_size` connections, by default `readers` plus WRITERS. StoreError when the
    database can't be opened (the message names it, without its password)."""
    if backend_of(target) == "postgresql":
        return await open_cluster_store(target, pool_size=pool_size or readers + WRITERS)
    # Imported when chosen: a process on one backend never loads the other's driver.
    from bot.store.sqlite import SqliteStore

    return await SqliteStore.open(sqlite_path(target), readers=readers)


async def open_cluster_store(target: str | Path, *, pool_size: int = 10) -> ClusterStore:
    """Open a store several processes share, with its job queue: PostgreSQL only
    (ConfigError for SQLite, whose work the bot and the CLI do in-process)."""
    if backend_of(target) != "postgresql":
        raise ConfigError("the job queue needs DATABASE_URL=postgresql://...")
    from bot.store.postgres import PostgresStore

    return await PostgresStore.open(str(target), pool_size=pool_size)
