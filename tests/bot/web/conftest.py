"""Fixtures for the web: a newsroom database built once per test process (the seed article,
analysed, plus the articles of tests/bot/web/newsroom.py), and a running web over a copy."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright

from bot.clock import FakeClock
from tests import backends
from tests.bot.web.newsroom import WebDesk, build_newsroom, running_web


@pytest.fixture(scope="session")
def newsroom_database(seeded_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded database with the newsroom's articles, built once per test process."""
    path = tmp_path_factory.mktemp("newsroom") / "newsdesk.db"
    shutil.copy(seeded_database, path)
    asyncio.run(build_newsroom(path, FakeClock(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))))
    return path


@pytest.fixture
def newsroom_copy(newsroom_database: Path, tmp_path: Path) -> Path:
    """A copy of the newsroom database for one test."""
    path = tmp_path / "newsdesk.db"
    shutil.copy(newsroom_database, path)
    return path


@pytest.fixture
async def web(newsroom_copy: Path, clock: FakeClock) -> AsyncIterator[WebDesk]:
    """The web (archive for members only) over a copy of the newsroom database."""
    async with running_web(newsroom_copy, clock) as desk:
        yield desk


@pytest.fixture
async def public_web(newsroom_copy: Path, clock: FakeClock) -> AsyncIterator[WebDesk]:
    """The web with WEB_PUBLIC_ARCHIVE=true."""
    async with running_web(newsroom_copy, clock, public=True) as desk:
        yield desk


# Sessions shared by web processes on one PostgreSQL (test_operators.py).
postgres_server = backends.postgres_server
postgres_template = backends.postgres_template
postgres_url = backends.postgres_url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole test process: Debian's `chromium` driven by
    Playwright (which never downloads a browser here). `make test` installs it when missing."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium (make test does)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()
