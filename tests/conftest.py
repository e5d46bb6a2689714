"""Shared fixtures: a real temporary SQLite store, the seed article, a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILE = SEEDS / "000_e1310f153e144d16.txt"


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
    async with await Store.open(tmp_path / "newsdesk.db") as opened:
        yield opened
