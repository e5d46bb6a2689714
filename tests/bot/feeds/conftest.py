"""Fixtures: the loopback news site, a fetcher allowed to reach it, a poller on a fake clock."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.feeds.announcements import Announcement
from bot.feeds.fetcher import Fetcher, FetchPolicy
from bot.feeds.poller import FeedPoller
from bot.metrics import Metrics
from bot.store import Store
from tests import backends

from .newsroom import NewsSite

# Feed polling, story clusters and announcements must hold on both backends: `store` is each
# in turn (see tests/backends.py).
store = backends.both_stores
postgres_server = backends.postgres_server
postgres_template = backends.postgres_template
pytest_configure = backends.pytest_configure

# Loopback is refused by default (it guards a bot's own network); these tests live there.
TEST_POLICY = FetchPolicy(allow_private=True, timeout_seconds=0.5, max_bytes=2 * 1024 * 1024)


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """Harbour Times and Coastal Wire on 127.0.0.1."""
    async with NewsSite() as news:
        yield news


@pytest.fixture
async def fetcher(clock: FakeClock) -> AsyncIterator[Fetcher]:
    """A fetcher that may reach 127.0.0.1, with a short timeout and a 2 MB cap."""
    async with Fetcher(TEST_POLICY, clock=clock) as opened:
        yield opened


class Announced(list[Announcement]):
    """Every announcement the poller handed over, in order."""

    async def __call__(self, announcement: Announcement) -> None:
        self.append(announcement)

    def titles(self) -> list[str]:
        """Titles of all announced articles, in order."""
        return [item.article.title for a in self for item in a.articles]


@pytest.fixture
def announced() -> Announced:
    """The announce callback, recording what it was given."""
    return Announced()


@pytest.fixture
def poller(store: Store, fetcher: Fetcher, clock: FakeClock, announced: Announced) -> FeedPoller:
    """A poller on the fake clock (no background task: tests call run_due)."""
    return FeedPoller(
        store, fetcher, clock=clock, announce=announced, rng=random.Random(8), metrics=Metrics()
    )
