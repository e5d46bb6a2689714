"""The PostgreSQL store: the same interface as the SQLite `Store`, over an asyncpg pool, for
several bot and worker processes sharing one database (see docs/scaling.md)."""

from __future__ import annotations

from types import TracebackType

import asyncpg

from bot.store.postgres.articles import PgArticleQueries
from bot.store.postgres.db import connect_pool
from bot.store.postgres.digests import PgDigestQueries
from bot.store.postgres.entities import PgEntityQueries
from bot.store.postgres.feeds import PgFeedQueries
from bot.store.postgres.follows import PgFollowQueries
from bot.store.postgres.insights import PgInsightQueries
from bot.store.postgres.jobs import PgJobQueries

__all__ = ["PostgresStore"]


class PostgresStore(
    PgArticleQueries,
    PgEntityQueries,
    PgFeedQueries,
    PgDigestQueries,
    PgInsightQueries,
    PgFollowQueries,
    PgJobQueries,
):
    """An open Newsdesk database on PostgreSQL; `async with await PostgresStore.open(url)`."""

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self.pool = pool
        self.url = url

    @classmethod
    async def open(cls, url: str, *, pool_size: int = 10) -> PostgresStore:
        """Connect to `url` (postgresql://...), migrating the schema as needed."""
        return cls(await connect_pool(url, max_size=pool_size), url)

    @property
    def path(self) -> str:
        """Where the data lives, for messages: the URL without its password."""
        return redacted_url(self.url)

    async def close(self) -> None:
        """Close every pooled connection (idempotent)."""
        if not self.pool.is_closing():
            await self.pool.close()

    async def __aenter__(self) -> PostgresStore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def redacted_url(url: str) -> str:
    """`url` with any password replaced by asterisks, safe to print or log."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:********@{host}"
