"""One injectable source of time, so schedulers and tests agree on what "now" is."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time (timezone-aware, UTC) and can wait for a moment."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...

    async def sleep_until(self, when: datetime) -> None:
        """Return once `when` has been reached (or soon after)."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime) -> None:
        """Sleep on the event loop until `when`."""
        delay = (when - self.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)


class FakeClock:
    """A clock that only moves when told to; sleepers wake when time passes their deadline."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._changed = asyncio.Event()

    def now(self) -> datetime:
        """Return the fake current time."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` and wake every sleeper whose deadline has passed."""
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = when
        self._changed.set()
        self._changed = asyncio.Event()

    def advance(self, **delta: float) -> None:
        """Move time forward by a `timedelta(**delta)`."""
        self.set(self._now + timedelta(**delta))

    async def sleep_until(self, when: datetime) -> None:
        """Wait until the fake time reaches `when`."""
        while self._now < when:
            await self._changed.wait()


def utc_iso(when: datetime) -> str:
    """Format an aware datetime as the ISO-8601 UTC text the store keeps."""
    return when.astimezone(UTC).isoformat(timespec="seconds")
