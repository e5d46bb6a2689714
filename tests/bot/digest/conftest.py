"""Helpers for digest tests: a schedule draft and articles stored at chosen times."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from bot.clock import FakeClock
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.store import ScheduleDraft, Store
from tests import backends

if TYPE_CHECKING:
    from .newsroom import Newsroom

# Digest claims must hold on both backends: `store` is each in turn (see tests/backends.py).
store = backends.both_stores
postgres_server = backends.postgres_server
postgres_template = backends.postgres_template
pytest_configure = backends.pytest_configure

GUILD_A = 1001
GUILD_B = 2002


def draft_schedule(guild_id: int = GUILD_A, **changes: object) -> ScheduleDraft:
    """A daily 08:00 America/New_York digest into channel 55, with any field changed."""
    fields: dict[str, object] = {
        "guild_id": guild_id,
        "channel_id": 55,
        "local_time": "08:00",
        "timezone": "America/New_York",
        "every": "daily",
        "created_by": 7,
    }
    fields.update(changes)
    return ScheduleDraft(**fields)  # type: ignore[arg-type]


def article(n: int, title: str, body: str, **extra: str) -> ArticleDraft:
    """An article draft with a stable origin."""
    return ArticleDraft(title=title, body=body, origin=f"test:{n}", **extra)


async def store_at(store: Store, when: datetime, drafts: Sequence[ArticleDraft]) -> list[int]:
    """Ingest drafts as if at `when` (their ingested/updated time); return the new ids."""
    report = await ingest_drafts(store, drafts, clock=FakeClock(when))
    return report.added


@pytest.fixture
def draft() -> type[ScheduleDraft]:
    """The ScheduleDraft type, for tests that build their own."""
    return ScheduleDraft


@pytest.fixture
def clock() -> FakeClock:
    """Friday 6 March 2026, 12:00 in New York."""
    return FakeClock(datetime(2026, 3, 6, 17, 0, tzinfo=UTC))


@pytest.fixture
async def newsroom(store: Store, clock: FakeClock) -> AsyncIterator[Newsroom]:
    """A running scheduler that records its posts (see newsroom.py)."""
    from .newsroom import Newsroom  # newsroom.py imports this module's helpers

    room = Newsroom(store, clock)
    room.scheduler.start()
    yield room
    await room.scheduler.stop()
