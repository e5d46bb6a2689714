"""Read-only connections beside the writer: the reads users wait for (search pages, articles,
entities, stories) run on one of a few connections, each on its own aiosqlite thread, so they
neither queue behind each other on one thread nor behind a write transaction (in WAL mode a
reader sees the last commit while the writer works).

A method marked `@pooled` borrows a reader for its whole run; every `self.conn` inside it
then means that reader (a context variable, so concurrent tasks each see their own). Inside
its own write transaction a task keeps the writer, so it reads what it has just written; a
read in any other flow starts after the writes it follows have committed, which WAL shows to
every connection at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

import aiosqlite

from bot.store.sqlite.db import open_reader

# The reader the current task borrowed, and from which store (several stores may be open).
_BORROWED: ContextVar[tuple[object, aiosqlite.Connection] | None] = ContextVar(
    "newsdesk_sqlite_reader", default=None
)

P = ParamSpec("P")
T = TypeVar("T")


class Readers:
    """Up to `size` read-only connections to one database file, opened when first needed
    (a CLI command or a test that reads one thing at a time opens one) and closed together."""

    def __init__(self, path: Path, size: int, *, read_only: bool) -> None:
        if size < 1:
            raise ValueError("a store needs at least one reader")
        self.path, self.size, self.read_only = path, size, read_only
        # None once closed: each waiter passes it on to the next and gives up.
        self._free: asyncio.Queue[aiosqlite.Connection | None] = asyncio.Queue()
        self._opened: list[aiosqlite.Connection] = []
        self._opening = 0
        self._closed = False

    @property
    def opened(self) -> int:
        """How many reader connections are open now."""
        return len(self._opened)

    @contextlib.asynccontextmanager
    async def borrowed(self) -> AsyncIterator[aiosqlite.Connection]:
        """A reader for the block: a free one, a new one while under `size`, else the next
        one given back."""
        conn = await self._take()
        try:
            yield conn
        finally:
            if not self._closed:
                self._free.put_nowait(conn)

    async def _take(self) -> aiosqlite.Connection:
        self._check_open()
        if self._free.empty() and len(self._opened) + self._opening < self.size:
            self._opening += 1
            try:
                conn = await open_reader(self.path, read_only=self.read_only)
            finally:
                self._opening -= 1
            self._opened.append(conn)
            if self._closed:  # closed while this one was opening
                await self.close()
            self._check_open()
            return conn
        given = await self._free.get()
        if given is None:  # closed while waiting
            self._free.put_nowait(None)
            raise RuntimeError("the store is closed")
        return given

    def _check_open(self) -> None:
        # A read after close is a bug (the bot closes its store last), not a database
        # problem to explain to users: the same kind of error as aiosqlite's closed connection.
        if self._closed:
            raise RuntimeError("the store is closed")

    async def close(self) -> None:
        """Close every reader, its thread included; a read still running ends with an error."""
        self._closed = True
        self._free.put_nowait(None)
        opened, self._opened = self._opened, []
        for conn in opened:
            await conn.close()


class _Routed(Protocol):
    """A store whose reads may borrow a reader."""

    def reading(self) -> contextlib.AbstractAsyncContextManager[None]: ...


# Any store mixin: the store it is mixed into (SqliteStore, through PooledReads) routes.
S = TypeVar("S")


def pooled(
    method: Callable[Concatenate[S, P], Coroutine[Any, Any, T]],
) -> Callable[Concatenate[S, P], Coroutine[Any, Any, T]]:
    """Mark a store method that only reads: it runs on a reader connection (see the module)."""

    @functools.wraps(method)
    async def read(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        async with cast(_Routed, self).reading():
            return await method(self, *args, **kwargs)

    return read


class PooledReads:
    """`conn` routing for `SqliteStore`: the writer, or the reader this task borrowed."""

    writer: aiosqlite.Connection
    readers: Readers | None
    _owner: asyncio.Task[object] | None

    @property
    def conn(self) -> aiosqlite.Connection:
        """The connection this task's statements go to."""
        borrowed = _BORROWED.get()
        if borrowed is not None and borrowed[0] is self:
            return borrowed[1]
        return self.writer

    @conn.setter
    def conn(self, value: aiosqlite.Connection) -> None:
        self.writer = value

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        """Run the block on a borrowed reader, unless there are none (a private in-memory
        database), this task is inside its own write transaction (it must see its writes),
        or it already holds one."""
        if self.readers is None or self._reads_in_place():
            yield
            return
        async with self.readers.borrowed() as conn:
            token = _BORROWED.set((self, conn))
            try:
                yield
            finally:
                _BORROWED.reset(token)

    def _reads_in_place(self) -> bool:
        """True when this task reads on the connection it has: inside its own write
        transaction (it must see its writes), or on a reader it already holds."""
        borrowed = _BORROWED.get()
        return self._owner is asyncio.current_task() or (
            borrowed is not None and borrowed[0] is self
        )

    @contextlib.contextmanager
    def on_writer(self) -> Iterator[None]:
        """While a task holds a reader and opens a write transaction, its statements go to
        the writer again."""
        token = _BORROWED.set(None)
        try:
            yield
        finally:
            _BORROWED.reset(token)
