"""The PostgreSQL store: the `Store` interface over an asyncpg pool, for
several bot and worker processes sharing one database (see docs/scaling.md)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from bot.store.interface import ClusterStore, Store
from bot.store.postgres.articles import PgArticleQueries
from bot.store.postgres.changes import PgChangeQueries
from bot.store.postgres.db import connect_pool
from bot.store.postgres.digests import PgDigestQueries
from bot.store.postgres.entities import PgEntityQueries
from bot.store.postgres.feed_delivery import PgFeedDeliveryQueries
from bot.store.postgres.feed_options import PgFeedOptionQueries
from bot.store.postgres.feeds import PgFeedQueries
from bot.store.postgres.follows import PgFollowQueries
from bot.store.postgres.insights import PgInsightQueries
from bot.store.postgres.jobs import PgJobQueries
from bot.store.postgres.mutes import PgMuteQueries
from bot.store.postgres.outlets import PgOutletQueries
from bot.store.postgres.quotes import PgQuoteQueries
from bot.store.postgres.sessions import PgSessionQueries
from bot.store.postgres.stories import PgStoryQueries
from bot.store.postgres.story_updates import PgStoryUpdateQueries
from bot.store.urls import redacted_url

__all__ = ["PostgresStore"]


class PostgresStore(
    PgArticleQueries,
    PgEntityQueries,
    PgQuoteQueries,
    PgFeedQueries,
    PgFeedOptionQueries,
    PgFeedDeliveryQueries,
    PgStoryQueries,
    PgStoryUpdateQueries,
    PgOutletQueries,
    PgDigestQueries,
    PgInsightQueries,
    PgFollowQueries,
    PgMuteQueries,
    PgJobQueries,
    PgSessionQueries,
    PgChangeQueries,
    ClusterStore,
):
    """An open Newsdesk database on PostgreSQL, shared by any number of bot and worker
    processes; callers get it from `open_store` (or `open_cluster_store`)."""

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], url: str) -> None:
        self.pool = pool
        self.url = url

    @classmethod
    async def open(cls, url: str, *, pool_size: int = 10) -> PostgresStore:
        """Connect to `url` (postgresql://...), migrating the schema as needed."""
        # The class by name, not `cls`: so mypy checks it implements every method of the
        # interface.
        return PostgresStore(await connect_pool(url, max_size=pool_size), url)

    @property
    def path(self) -> str:
        return redacted_url(self.url)

    @contextlib.asynccontextmanager
    async def opened_again(self) -> AsyncIterator[Store]:
        yield self  # the pool already serves callers side by side

    async def close(self) -> None:
        if not self.pool.is_closing():
            await self.pool.close()
