"""What the store keeps for digests: schedules and their runs (the per-slot claims that make
posts exactly-once).

Every method a guild can reach takes its guild_id, so a forged schedule id from another guild
matches nothing. Only the scheduler lists across guilds (`active_digest_schedules`,
`open_digest_runs`), and it writes back with the guild_id it read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol, Unpack

from bot.models import Article
from bot.store.records.digests import (
    Run,
    RunClaim,
    RunOutcome,
    RunRetry,
    Schedule,
    ScheduleDraft,
)


class DigestStore(Protocol):
    """Digest schedules and runs."""

    async def add_digest_schedule(self, draft: ScheduleDraft, now: datetime) -> Schedule:
        """Store a new schedule; its first slot is the first one after `now`."""
        ...

    async def digest_schedule(self, guild_id: int, schedule_id: int) -> Schedule | None:
        """The guild's schedule with this id, or None (also for another guild's id)."""
        ...

    async def digest_schedules(self, guild_id: int) -> list[Schedule]:
        """Every schedule of one guild, oldest first."""
        ...

    async def remove_digest_schedule(self, guild_id: int, schedule_id: int) -> bool:
        """Delete the guild's schedule (and its runs); False when it has no such schedule."""
        ...

    async def pause_digest_schedule(
        self, guild_id: int, schedule_id: int, reason: str, now: datetime
    ) -> Schedule | None:
        """Pause a schedule (why, for the admins) and drop its unposted claims; None if absent."""
        ...

    async def resume_digest_schedule(
        self, guild_id: int, schedule_id: int, now: datetime
    ) -> Schedule | None:
        """Resume a schedule from `now` on: slots missed while paused are not owed."""
        ...

    async def digest_runs(self, guild_id: int, schedule_id: int, limit: int = 5) -> list[Run]:
        """The schedule's latest runs, newest slot first."""
        ...

    async def active_digest_schedules(self) -> list[Schedule]:
        """Every unpaused schedule of every guild, with the latest scheduled slot claimed."""
        ...

    async def open_digest_runs(self) -> list[Run]:
        """Claimed runs not yet posted, skipped or failed, of unpaused schedules."""
        ...

    async def digest_run(self, guild_id: int, run_id: int) -> Run | None:
        """One run of the guild, or None."""
        ...

    async def claim_digest_run(
        self, schedule: Schedule, slot: datetime, **claim: Unpack[RunClaim]
    ) -> Run | None:
        """Claim a slot for `owner` in one transaction; None if it was already claimed (by
        anyone, ever) or the schedule is gone or paused. Only a claimed slot may be posted."""
        ...

    async def take_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, lease: timedelta
    ) -> Run | None:
        """Start another attempt at an open run: only if it is due and its lease is ours or
        has run out. Counts the attempt; None when someone else holds it or it is done."""
        ...

    async def renew_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        """Extend `owner`'s lease on an open run to `now + lease` (the attempt's heartbeat);
        False when the claim is no longer its own (taken over, or finished)."""
        ...

    async def finish_digest_run(
        self, guild_id: int, run_id: int, status: str, **outcome: Unpack[RunOutcome]
    ) -> bool:
        """Record `owner`'s run as posted or skipped (nothing new) and move the schedule's
        last success to the end of the window it covered, in one transaction. False (and
        nothing changed) when the claim is no longer `owner`'s: a stale owner never finishes."""
        ...

    async def retry_digest_run(self, guild_id: int, run_id: int, **retry: Unpack[RunRetry]) -> None:
        """Give a failed attempt's run back (lease released) to be tried at `next_attempt_at`."""
        ...

    async def fail_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, error: str
    ) -> bool:
        """Give up on `owner`'s run for good (the error is kept for `/digest list`); False
        when the claim is no longer `owner`'s."""
        ...

    async def release_digest_runs(self, owner: str, now: datetime) -> int:
        """End `owner`'s leases (clean shutdown) so another process, or this bot restarted,
        resumes at once."""
        ...

    async def articles_in_window(
        self, since: datetime, until: datetime, limit: int = 500, *, body_chars: int | None = None
    ) -> list[Article]:
        """Articles stored or changed in [since, until), newest first: what is new to readers.
        With `body_chars`, each body holds only its first `body_chars` characters (a digest
        reads leads: a window's 9 MB page never reaches the bot whole)."""
        ...
