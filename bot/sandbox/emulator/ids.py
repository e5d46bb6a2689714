"""Time and ids in the emulator: the clock it reads deadlines from and its snowflake ids."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from typing import Protocol

# Discord epoch plus a fixed offset keeps ids realistic (18-19 digits) and deterministic.
_FIRST_SNOWFLAKE = 1_300_000_000_000_000_000
DISCORD_EPOCH_MS = 1_420_070_400_000


class Clock(Protocol):
    """Where the emulator reads "now" for interaction deadlines.

    Either monotonic seconds (the default SystemClock) or an aware datetime, so the project's
    `bot.clock.FakeClock` can drive the emulator and the bot's schedulers together.
    """

    def now(self) -> float | datetime:
        """Return the current time."""
        ...


class SystemClock:
    """The real monotonic clock (the default)."""

    def now(self) -> float:
        """Return time.monotonic()."""
        return time.monotonic()


def seconds(clock: Clock) -> float:
    """Read a clock as seconds, whichever kind it is."""
    value = clock.now()
    return value.timestamp() if isinstance(value, datetime) else float(value)


class Snowflakes:
    """Hands out increasing snowflake ids, deterministic per emulator."""

    def __init__(self) -> None:
        self._counter = itertools.count(_FIRST_SNOWFLAKE, 4096)

    def next(self) -> int:
        """Return a fresh id."""
        return next(self._counter)

    def now(self) -> int:
        """Return a fresh id whose timestamp is the real present, as Discord's interaction ids
        are: discord.py treats an interaction older than 15 minutes by its id as expired."""
        present = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        upcoming = max(next(self._counter), present)
        self._counter = itertools.count(upcoming + 4096, 4096)
        return upcoming

    def tick(self, milliseconds: int = 1) -> None:
        """Make later ids look created `milliseconds` later (a snowflake's bits 22 and up are
        its time), e.g. so guilds created one after another land on different shards."""
        upcoming = next(self._counter) + (milliseconds << 22)
        self._counter = itertools.count(upcoming, 4096)


def iso_now() -> str:
    """Return the current UTC time in Discord's ISO-8601 form."""
    return datetime.now(UTC).isoformat()
