"""The SQLite store: one file, one writing connection and a few reading ones (readers.py);
`SqliteStore` combines the per-domain mixins."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite

from bot.errors import StoreError
from bot.store.interface import Store
from bot.store.sqlite.app import AppStateQueries
from bot.store.sqlite.articles import ArticleQueries
from bot.store.sqlite.changes import ChangeQueries
from bot.store.sqlite.db import connect, read_only_here
from bot.store.sqlite.digests import DigestQueries
from bot.store.sqlite.entities import EntityQueries
from bot.store.sqlite.feed_delivery import FeedDeliveryQueries
from bot.store.sqlite.feed_options import FeedOptionQueries
from bot.store.sqlite.feeds import FeedQueries
from bot.store.sqlite.follows import FollowQueries
from bot.store.sqlite.insights import InsightQueries
from bot.store.sqlite.mutes import MuteQueries
from bot.store.sqlite.outlets import OutletQueries
from bot.store.sqlite.quotes import QuoteQueries
from bot.store.sqlite.readers import PooledReads, Readers
from bot.store.sqlite.sessions import SessionQueries
from bot.store.sqlite.stories import StoryQueries
from bot.store.sqlite.story_updates import StoryUpdateQueries

__all__ = ["SqliteStore"]


class SqliteStore(
    PooledReads,
    ArticleQueries,
    EntityQueries,
    QuoteQueries,
    FeedQueries,
    FeedOptionQueries,
    FeedDeliveryQueries,
    StoryQueries,
    StoryUpdateQueries,
    OutletQueries,
    DigestQueries,
    InsightQueries,
    FollowQueries,
    MuteQueries,
    AppStateQueries,
    SessionQueries,
    ChangeQueries,
    Store,
):
    """An open Newsdesk database in one SQLite file; callers get it from `open_store`."""

    def __init__(self, conn: aiosqlite.Connection, path: str, readers: Readers | None) -> None:
        self.writer = conn
        self.readers = readers
        self._path = path
        # One writer serves every coroutine's writes: they take turns, or a second BEGIN would
        # fail inside the first's transaction (digests, feeds and commands write concurrently).
        self._writing = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None  # the task inside a transaction
        self._savepoints = 0

    @classmethod
    async def open(cls, path: str | Path, *, readers: int) -> SqliteStore:
        """Open the database at `path`, creating and migrating it as needed, with up to
        `readers` read-only connections for its reads (none for a private `:memory:` one)."""
        conn = await connect(path)
        pool = None
        if str(path) != ":memory:":
            pool = Readers(Path(path), readers, read_only=read_only_here(Path(path)))
        # The class by name, not `cls`: so mypy checks it implements every method of Store.
        return SqliteStore(conn, str(path), pool)

    @property
    def path(self) -> str:
        return self._path

    @contextlib.asynccontextmanager
    async def opened_again(self) -> AsyncIterator[Store]:
        if self._path == ":memory:":
            yield self  # a private in-memory database has no second way in
            return
        again = await SqliteStore.open(self._path, readers=self.readers.size if self.readers else 1)
        try:
            yield again
        finally:
            await again.close()

    async def close(self) -> None:
        if self.readers is not None:
            await self.readers.close()
        with contextlib.suppress(ValueError, sqlite3.ProgrammingError):
            await self.writer.close()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if self._owner is not None and self._owner is asyncio.current_task():
            # Nested inside this task's own transaction (a store method that opens one, called
            # by a caller that holds one): a savepoint, as on PostgreSQL.
            async with self._savepoint():
                yield
            return
        async with self._writing:
            self._owner = asyncio.current_task()
            try:
                with self.on_writer():
                    async with self._outermost():
                        yield
            finally:
                self._owner = None

    @contextlib.asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        self._savepoints += 1
        name = f"nested_{self._savepoints}"
        await self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self.conn.execute(f"ROLLBACK TO {name}")
            await self.conn.execute(f"RELEASE {name}")
            raise
        await self.conn.execute(f"RELEASE {name}")

    @contextlib.asynccontextmanager
    async def _outermost(self) -> AsyncIterator[None]:
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
