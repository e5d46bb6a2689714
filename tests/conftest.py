"""Shared fixtures: a real temporary SQLite store, the seed article, a fake clock, and
`newsdesk`: the real bot with its cogs on the Discord emulator (see tests/newsdesk.py)."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.store import Store, open_store
from tests.newsdesk import Newsdesk, build_seeded_database, running_newsdesk

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILE = SEEDS / "000_e1310f153e144d16.txt"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Put the root logger back after each test: CLI tests configure logging on streams that
    pytest closes afterwards, which would make later tests print "--- Logging error ---"."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def seed_file() -> Path:
    """The seed article shipped in seeds/."""
    return SEED_FILE


@pytest.fixture
def clock() -> FakeClock:
    """A clock that starts at 2026-03-02 09:00 UTC and only moves when told."""
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh, migrated database in a temporary folder."""
    async with await open_store(tmp_path / "newsdesk.db") as opened:
        yield opened


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the seed article (analysed by the NLP step), built once
    per test process; `newsdesk` copies it, so the spaCy model loads once per session."""
    path = tmp_path_factory.mktemp("seeded") / "newsdesk.db"
    start = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    asyncio.run(build_seeded_database(path, [SEED_FILE], start))
    return path


@pytest.fixture
def newsdesk_factory(tmp_path: Path, clock: FakeClock, seeded_database: Path) -> Callable[..., Any]:
    """Start more bots: `async with newsdesk_factory(settings=..., discord=emu) as desk:`.

    Each gets the test's database (the seeded copy, shared between starts in one test), the
    test's `clock`, and a fresh emulator unless `discord` is given (e.g. to restart the bot
    against the same Discord). Extra keyword arguments go to `NewsBot`.
    """

    db_path = tmp_path / "newsdesk.db"

    def start(**options: Any) -> Any:
        if not db_path.exists():
            shutil.copy(seeded_database, db_path)
        return running_newsdesk(db_path, clock, **options)

    return start


@pytest.fixture
async def newsdesk(newsdesk_factory: Callable[..., Any]) -> AsyncIterator[Newsdesk]:
    """The real NewsBot with every cog, logged in to the Discord emulator, on a temporary copy
    of the seeded database, timed by the test's `clock`.

    Use `newsdesk.discord` to act as people in Discord (`slash`, `click`, `select`, `say`, ...),
    `newsdesk.bot` / `newsdesk.store` for the bot and its database, `newsdesk.ingest(drafts)`
    to add articles, `newsdesk.message_command(...)` / `newsdesk.slash_as(...)` for message
    menus and members without permissions.
    """
    async with newsdesk_factory() as desk:
        yield desk
