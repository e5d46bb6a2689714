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
from bot.store.index import SearchIndex
from bot.store.interface import Store
from bot.store.sqlite.analyses import AnalysisQueries
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

__all__ = ["SqliteStore", "search_index_dir"]


def search_index_dir(path: str | Path, index_dir: str | Path | None) -> Path | None:
    """Where a database's search index lives: `index_dir` if given, else beside the file."""
    if index_dir:
        return Path(index_dir)
    return None if str(path) == ":memory:" else Path(f"{path}.search")


class SqliteStore(
    PooledReads,
    ArticleQueries,
    AnalysisQueries,
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

    def __init__(
        self,
        conn: aiosqlite.Connection,
        path: str,
        readers: Readers | None,
        search_index: SearchIndex | None = None,
    ) -> None:
        self.writer = conn
        self.readers = readers
        self._path = path
        self.search_index = search_index or SearchIndex(None)
        # One writer serves every coroutine's writes: they take turns, or a second BEGIN would
        # fail inside the first's transaction (digests, feeds and commands write concurrently).
        self._writing = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None  # the task inside a transaction
        self._savepoints = 0
        self._index_dir: str | Path | None = None
        self._articles_written = False

    @classmethod
    async def open(
        cls, path: str | Path, *, readers: int, index_dir: str | Path | None = None
    ) -> SqliteStore:
        """Open the database at `path`, creating and migrating it as needed, with up to
        `readers` read-only connections for its reads (none for a private `:memory:` one) and
        its search index in `index_dir` (default: `<path>.search` beside it; in memory for
        :memory:), caught up with the database."""
        conn = await connect(path)
        pool = None
        try:
            if str(path) != ":memory:":
                pool = Readers(Path(path), readers, read_only=read_only_here(Path(path)))
            index = await asyncio.to_thread(SearchIndex, search_index_dir(path, index_dir))
            # The class by name, not `cls`: so mypy checks it implements every method of Store.
            store = SqliteStore(conn, str(path), pool, index)
            store._index_dir = index_dir
            await store.catch_up_search_index()
        except BaseException:
            if pool is not None:
                await pool.close()
            await conn.close()
            raise
        return store

    @property
    def path(self) -> str:
        return self._path

    @contextlib.asynccontextmanager
    async def opened_again(self) -> AsyncIterator[Store]:
        if self._path == ":memory:":
            yield self  # a private in-memory database has no second way in
            return
        again = await SqliteStore.open(
            self._path,
            readers=self.readers.size if self.readers else 1,
            index_dir=self._index_dir,
        )
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
                written, self._articles_written = self._articles_written, False
        if written:
            # Committed: the search index takes the transaction's articles now, or at the end
            # of a bulk ingest (index/pacing.py); a rolled-back one changed nothing; a kill
            # before this is caught up by the next open.
            await self._index_written()

    async def _articles_changed(self) -> None:
        """Articles were written: the index catches up once the transaction commits (at once
        outside one)."""
        if self._owner is not None and self._owner is asyncio.current_task():
            self._articles_written = True
        else:
            await self._index_written()

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
