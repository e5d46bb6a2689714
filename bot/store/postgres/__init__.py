"""The PostgreSQL store: the `Store` interface over an asyncpg pool, for
several bot and worker processes sharing one database (see docs/scaling.md)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

from bot.store.index import SearchIndex
from bot.store.interface import ClusterStore, Store
from bot.store.postgres.analyses import PgAnalysisQueries
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
    PgAnalysisQueries,
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

    def __init__(
        self,
        pool: asyncpg.Pool[asyncpg.Record],
        url: str,
        search_index: SearchIndex | None = None,
    ) -> None:
        self.pool = pool
        self.url = url
        self.search_index = search_index or SearchIndex(None)

    @classmethod
    async def open(
        cls, url: str, *, pool_size: int = 10, index_dir: str | Path | None = None
    ) -> PostgresStore:
        """Connect to `url` (postgresql://...), migrating the schema as needed, with the
        search index in `index_dir` (SEARCH_INDEX_DIR; without one it is kept in memory and
        built from the database at each start), caught up with the database."""
        pool = await connect_pool(url, max_size=pool_size)
        try:
            where = Path(index_dir) if index_dir else None
            index = await asyncio.to_thread(SearchIndex, where)
            # The class by name, not `cls`: so mypy checks it implements every method of the
            # interface.
            store = PostgresStore(pool, url, index)
            await store.catch_up_search_index()
        except BaseException:
            await pool.close()
            raise
        return store

    @property
    def path(self) -> str:
        return redacted_url(self.url)

    @contextlib.asynccontextmanager
    async def opened_again(self) -> AsyncIterator[Store]:
        yield self  # the pool already serves callers side by side

    async def close(self) -> None:
        if not self.pool.is_closing():
            await self.pool.close()
