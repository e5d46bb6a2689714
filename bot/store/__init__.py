"""The store: the one place that holds SQL. `Store` combines the per-domain query mixins."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType

import aiosqlite

from bot.errors import StoreError
from bot.store.app import AppStateQueries
from bot.store.articles import ArticleQueries, Outcome, Stored
from bot.store.db import connect
from bot.store.digests import DigestQueries
from bot.store.entities import EntityQueries
from bot.store.feeds import FeedQueries
from bot.store.follows import FollowQueries
from bot.store.insights import InsightQueries

__all__ = ["Outcome", "Store", "Stored"]


class Store(
    ArticleQueries,
    EntityQueries,
    FeedQueries,
    DigestQueries,
    InsightQueries,
    FollowQueries,
    AppStateQueries,
):
    """An open Newsdesk database; use `async with await Store.open(path)` or `close()`."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        # One connection serves every coroutine: writers take turns, or a second BEGIN would
        # fail inside the first's transaction (digests, feeds and commands write concurrently).
        self._writing = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Store:
        """Open the database at `path`, creating and migrating it as needed."""
        return cls(await connect(path), str(path))

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        with contextlib.suppress(ValueError, sqlite3.ProgrammingError):
            await self.conn.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the block in one write transaction: all of it lands, or none of it."""
        async with self._writing:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"database is busy or read-only: {exc}") from exc
            try:
                yield
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            try:
                await self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                await self.conn.execute("ROLLBACK")
                raise StoreError(f"could not save to the database: {exc}") from exc
