"""The store's one interface: a Protocol per domain, composed into `Store`.

Each method's contract (parameters, result, docstring) is written here once; the backends in
bot/store/sqlite/ and bot/store/postgres/ implement every one of them (mypy checks that: both
backend classes are declared as implementing `Store`). Callers only ever see these types.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol, Self

from bot.store.interface.articles import ArticleStore
from bot.store.interface.changes import ChangeMarks, ChangeStore
from bot.store.interface.digests import DigestStore
from bot.store.interface.entities import EntityStore
from bot.store.interface.feed_delivery import FeedDeliveryStore
from bot.store.interface.feed_options import FeedOptionStore
from bot.store.interface.feeds import FeedStore
from bot.store.interface.follows import FollowStore
from bot.store.interface.insights import InsightStore
from bot.store.interface.jobs import JobQueue
from bot.store.interface.mutes import MuteStore
from bot.store.interface.outlets import OutletStore
from bot.store.interface.quotes import QuoteStore
from bot.store.interface.search import SearchStore
from bot.store.interface.sessions import ServerStore, SessionStore
from bot.store.interface.settings import SettingsStore
from bot.store.interface.stories import StoryStore
from bot.store.interface.story_updates import StoryUpdateStore

__all__ = [
    "ArticleStore",
    "ChangeMarks",
    "ChangeStore",
    "ClusterStore",
    "Database",
    "DigestStore",
    "EntityStore",
    "FeedDeliveryStore",
    "FeedOptionStore",
    "FeedStore",
    "FollowStore",
    "InsightStore",
    "JobQueue",
    "MuteStore",
    "OutletStore",
    "QuoteStore",
    "SearchStore",
    "ServerStore",
    "SessionStore",
    "SettingsStore",
    "Store",
    "StoryStore",
    "StoryUpdateStore",
]


class Database(Protocol):
    """An open database: where it is, its transactions, and closing it."""

    @property
    def path(self) -> str:
        """Where the data lives, for messages (a URL without its password)."""
        ...

    def opened_again(self) -> AbstractAsyncContextManager[Store]:
        """The same database for another part of this process that must not queue behind
        this store's callers (the web served inside the bot): SQLite opens the file again (a
        writer and read connections of its own, each on its own thread), closed on exit;
        PostgreSQL's pool already serves callers side by side, so it is this store."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Run the block in one write transaction: all of it lands, or none of it. Opened
        again by the same task inside it (a store method that opens one, called within a
        caller's), it is a savepoint: a failure there undoes only that inner block."""
        ...

    async def close(self) -> None:
        """Close the database (idempotent)."""
        ...

    # Written here, not in each backend: `async with await open_store(...) as store` closes it.
    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class Store(
    Database,
    ArticleStore,
    SearchStore,
    EntityStore,
    QuoteStore,
    FeedStore,
    FeedOptionStore,
    FeedDeliveryStore,
    StoryStore,
    StoryUpdateStore,
    OutletStore,
    DigestStore,
    FollowStore,
    InsightStore,
    MuteStore,
    SettingsStore,
    SessionStore,
    ServerStore,
    ChangeStore,
    Protocol,
):
    """An open Newsdesk database, whichever backend holds it: open one with
    `async with await open_store(target) as store` (bot/store/backend.py)."""


class ClusterStore(Store, JobQueue, Protocol):
    """A store several processes share, with a job queue for the workers (PostgreSQL)."""
