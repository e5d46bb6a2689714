"""Fixtures for the feed editor's tests: the loopback news site and a NewsBot that may read it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from tests.bot.feeds.newsroom import NewsSite
from tests.cogs.test_feeds import fresh_newsdesk
from tests.newsdesk import Newsdesk


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """The loopback news site."""
    async with NewsSite() as news:
        yield news


@pytest.fixture
async def desk(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Newsdesk]:
    """A NewsBot on a fresh database that may read the loopback site."""
    async with fresh_newsdesk(tmp_path, clock) as opened:
        yield opened
