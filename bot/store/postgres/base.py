"""The PostgreSQL store's plumbing: a pool, and the one connection a transaction runs on.

Outside `transaction()` each statement borrows a pooled connection and commits on its own.
Inside, every statement the same task issues runs on the transaction's connection, which is
what makes "all of it lands, or none of it" hold across the domain mixins.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import asyncpg

from bot.errors import StoreError

# A connection of its own or one borrowed from the pool: the statements are the same.
Connection: TypeAlias = (
    "asyncpg.Connection[asyncpg.Record] | asyncpg.pool.PoolConnectionProxy[asyncpg.Record]"
)


@dataclass
class _Transaction:
    """The transaction a task is in: its store, task and connection, and articles whose
    words go into the vocabulary once it commits."""

    store: object
    task: asyncio.Task[Any] | None
    conn: Connection
    indexed: set[int] = field(default_factory=set)


# A task spawned inside a transaction inherits the context, so the owning task is checked
# too: a connection runs one statement at a time.
_CURRENT: ContextVar[_Transaction | None] = ContextVar("newsdesk_pg_transaction", default=None)


def rowcount(status: str) -> int:
    """Rows touched, from a command status such as "UPDATE 3" or "INSERT 0 1"."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class PgBase:
    """Pool, transactions and statement helpers shared by the PostgreSQL query mixins."""

    pool: asyncpg.Pool[asyncpg.Record]

    def _tx(self) -> _Transaction | None:
        current = _CURRENT.get()
        if current is None or current.store is not self:
            return None
        return current if current.task is asyncio.current_task() else None

    def _tx_connection(self) -> Connection | None:
        current = self._tx()
        return current.conn if current else None

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[Connection]:
        conn = self._tx_connection()
        if conn is not None:
            yield conn
            return
        async with self.pool.acquire() as pooled:
            yield pooled

    @contextlib.asynccontextmanager
    async def _indexed_reads(self) -> AsyncIterator[Connection]:
        """A connection whose statements reach articles through an index, never a seq scan.

        The planner charges `@@` like any operator, not for detoasting each article's vector,
        so it priced a seq scan of 10k articles (33 ms) below a GIN bitmap scan (2.6 ms).
        Every search has an index to use (GIN on the vector, the date index), so forbidding
        seq scans for these statements only removes the mispriced choice."""
        async with self._connection() as conn, conn.transaction():
            await conn.execute("SET LOCAL enable_seqscan = off")
            yield conn

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        # Nested inside another transaction of this task: a savepoint.
        conn = self._tx_connection()
        if conn is not None:
            async with conn.transaction():
                yield
            return
        state: _Transaction | None = None
        try:
            async with self.pool.acquire() as conn:
                async with conn.transaction():
                    state = _Transaction(self, asyncio.current_task(), conn)
                    token = _CURRENT.set(state)
                    try:
                        yield
                    finally:
                        _CURRENT.reset(token)
                if state.indexed:
                    await self._add_search_terms(conn, sorted(state.indexed))
            if state is not None and state.indexed:
                # Committed: the search index takes the transaction's articles now, or at the
                # end of a bulk ingest (index/pacing.py); a kill before this is caught up by
                # the next open, or the next search.
                await self._index_written()
        except (asyncpg.PostgresConnectionError, OSError) as exc:
            raise StoreError(f"could not save to the database: {exc}") from exc

    async def _index_written(self) -> None:
        """Articles were written and committed: the search index catches up (index/pacing.py)."""
        raise NotImplementedError

    async def _index_words(self, article_id: int) -> None:
        """Add an article's words to the vocabulary once its transaction commits (at once
        outside one): after commit, in one sorted statement, so concurrent writers take the
        vocabulary's row locks in one order and never deadlock on a shared new word."""
        current = self._tx()
        if current is not None:
            current.indexed.add(article_id)
            return
        async with self.pool.acquire() as conn:
            await self._add_search_terms(conn, [article_id])
        await self._index_written()

    @staticmethod
    async def _add_search_terms(conn: Connection, ids: list[int]) -> None:
        await conn.execute(
            "INSERT INTO search_terms (term) SELECT DISTINCT w FROM articles,"
            " unnest(tsvector_to_array(search)) AS w WHERE id = ANY($1::bigint[])"
            " ORDER BY w ON CONFLICT DO NOTHING",
            ids,
        )

    async def _fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        async with self._connection() as conn:
            return list(await conn.fetch(sql, *args))

    async def _fetchrow(self, sql: str, *args: object) -> asyncpg.Record | None:
        async with self._connection() as conn:
            return await conn.fetchrow(sql, *args)

    async def _fetchval(self, sql: str, *args: object) -> Any:
        async with self._connection() as conn:
            return await conn.fetchval(sql, *args)

    async def _fetch_count(self, sql: str, *args: object) -> int:
        """The one integer a statement returns (a count: never NULL)."""
        return int(await self._fetchval(sql, *args))

    async def _fetch_id(self, sql: str, *args: object) -> int | None:
        """The one integer a statement returns, or None (no row, or NULL)."""
        value = await self._fetchval(sql, *args)
        return None if value is None else int(value)

    async def _fetch_text(self, sql: str, *args: object) -> str | None:
        """The one text a statement returns, or None (no row, or NULL)."""
        value = await self._fetchval(sql, *args)
        return None if value is None else str(value)

    async def _execute(self, sql: str, *args: object) -> int:
        """Run one statement; return how many rows it touched."""
        async with self._connection() as conn:
            return rowcount(await conn.execute(sql, *args))

    async def _executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        rows = list(rows)
        if not rows:
            return
        async with self._connection() as conn:
            await conn.executemany(sql, rows)
