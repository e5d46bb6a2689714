"""SQL for digest schedules and their runs (the per-slot claims that make posts exactly-once).

Every statement a guild can reach names its guild_id, so a forged schedule id from another
guild matches nothing. Only the scheduler lists across guilds (`active_digest_schedules`,
`open_digest_runs`), and it writes back with the guild_id it read.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.clock import utc_iso
from bot.models import Article
from bot.store.articles import _ARTICLE_COLUMNS, _article

# What each digest schedule row holds, in order (plus `last_slot` for the scheduler).
_SCHEDULE_COLUMNS = (
    "s.id, s.guild_id, s.channel_id, s.target, s.local_time, s.timezone, s.every, s.weekday,"
    " s.cron, s.filter, s.max_items, s.nothing_new, s.paused, s.paused_reason, s.created_by,"
    " s.created_at, s.active_from, s.last_success_at"
)
_RUN_COLUMNS = (
    "r.id, r.schedule_id, r.guild_id, r.slot, r.manual, r.late, r.missed, r.status,"
    " r.attempts, r.owner, r.lease_until, r.next_attempt_at, r.claimed_at, r.finished_at,"
    " r.window_start, r.window_end, r.message_ids, r.error"
)
# A guild can hold this many schedules: enough for a newsroom, few enough to list in one reply.
MAX_SCHEDULES_PER_GUILD = 25


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class ScheduleDraft:
    """A digest schedule as an admin asked for it, before it is stored."""

    guild_id: int
    channel_id: int
    local_time: str
    timezone: str
    every: str
    created_by: int
    target: str = "text"
    weekday: int | None = None
    cron: str | None = None
    filter: str = ""
    max_items: int = 5
    nothing_new: str = "skip"


@dataclass(frozen=True)
class Schedule(ScheduleDraft):
    """A stored digest schedule with its bookkeeping times (aware UTC datetimes)."""

    id: int = 0
    paused: bool = False
    paused_reason: str = ""
    created_at: datetime | None = None
    active_from: datetime | None = None
    last_success_at: datetime | None = None
    # The latest scheduled (not manual) slot ever claimed; the scheduler counts on from it.
    last_slot: datetime | None = None


@dataclass(frozen=True)
class Run:
    """One claimed slot of a schedule and what became of it."""

    id: int
    schedule_id: int
    guild_id: int
    slot: datetime
    manual: bool
    late: bool
    missed: int
    status: str  # claimed | posted | skipped | failed
    attempts: int
    owner: str
    lease_until: datetime
    next_attempt_at: datetime
    claimed_at: datetime
    finished_at: datetime | None
    window_start: datetime | None
    window_end: datetime | None
    message_ids: tuple[int, ...]
    error: str


def _schedule(row: aiosqlite.Row) -> Schedule:
    keys = row.keys()
    return Schedule(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        target=row["target"],
        local_time=row["local_time"],
        timezone=row["timezone"],
        every=row["every"],
        weekday=row["weekday"],
        cron=row["cron"],
        filter=row["filter"],
        max_items=row["max_items"],
        nothing_new=row["nothing_new"],
        paused=bool(row["paused"]),
        paused_reason=row["paused_reason"],
        created_by=row["created_by"],
        created_at=_when(row["created_at"]),
        active_from=_when(row["active_from"]),
        last_success_at=_when(row["last_success_at"]),
        last_slot=_when(row["last_slot"]) if "last_slot" in keys else None,
    )


def _run(row: aiosqlite.Row) -> Run:
    return Run(
        id=row["id"],
        schedule_id=row["schedule_id"],
        guild_id=row["guild_id"],
        slot=datetime.fromisoformat(row["slot"]),
        manual=bool(row["manual"]),
        late=bool(row["late"]),
        missed=row["missed"],
        status=row["status"],
        attempts=row["attempts"],
        owner=row["owner"],
        lease_until=datetime.fromisoformat(row["lease_until"]),
        next_attempt_at=datetime.fromisoformat(row["next_attempt_at"]),
        claimed_at=datetime.fromisoformat(row["claimed_at"]),
        finished_at=_when(row["finished_at"]),
        window_start=_when(row["window_start"]),
        window_end=_when(row["window_end"]),
        message_ids=tuple(json.loads(row["message_ids"])),
        error=row["error"],
    )


class DigestQueries:
    """Digest schedule and run statements; mixed into `Store`, which owns `conn`."""

    conn: aiosqlite.Connection
    transaction: Callable[[], contextlib.AbstractAsyncContextManager[None]]

    # -- schedules (guild-scoped) -----------------------------------------------------------

    async def add_digest_schedule(self, draft: ScheduleDraft, now: datetime) -> Schedule:
        """Store a new schedule; its first slot is the first one after `now`."""
        at = utc_iso(now)
        cursor = await self.conn.execute(
            "INSERT INTO digest_schedules (guild_id, channel_id, target, local_time, timezone,"
            " every, weekday, cron, filter, max_items, nothing_new, created_by, created_at,"
            " active_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                draft.guild_id,
                draft.channel_id,
                draft.target,
                draft.local_time,
                draft.timezone,
                draft.every,
                draft.weekday,
                draft.cron,
                draft.filter,
                draft.max_items,
                draft.nothing_new,
                draft.created_by,
                at,
                at,
            ),
        )
        assert cursor.lastrowid is not None
        stored = await self.digest_schedule(draft.guild_id, cursor.lastrowid)
        assert stored is not None
        return stored

    async def digest_schedule(self, guild_id: int, schedule_id: int) -> Schedule | None:
        """The guild's schedule with this id, or None (also for another guild's id)."""
        async with self.conn.execute(
            f"SELECT {_SCHEDULE_COLUMNS} FROM digest_schedules s WHERE s.guild_id = ? AND s.id = ?",
            (guild_id, schedule_id),
        ) as cur:
            row = await cur.fetchone()
        return _schedule(row) if row else None

    async def digest_schedules(self, guild_id: int) -> list[Schedule]:
        """Every schedule of one guild, oldest first."""
        async with self.conn.execute(
            f"SELECT {_SCHEDULE_COLUMNS} FROM digest_schedules s WHERE s.guild_id = ?"
            " ORDER BY s.id",
            (guild_id,),
        ) as cur:
            return [_schedule(row) for row in await cur.fetchall()]

    async def remove_digest_schedule(self, guild_id: int, schedule_id: int) -> bool:
        """Delete the guild's schedule (and its runs); False when it has no such schedule."""
        cursor = await self.conn.execute(
            "DELETE FROM digest_schedules WHERE guild_id = ? AND id = ?", (guild_id, schedule_id)
        )
        return cursor.rowcount > 0

    async def pause_digest_schedule(
        self, guild_id: int, schedule_id: int, reason: str, now: datetime
    ) -> Schedule | None:
        """Pause a schedule (why, for the admins) and drop its unposted claims; None if absent."""
        async with self.transaction():
            cursor = await self.conn.execute(
                "UPDATE digest_schedules SET paused = 1, paused_reason = ?"
                " WHERE guild_id = ? AND id = ?",
                (reason, guild_id, schedule_id),
            )
            if cursor.rowcount:
                await self.conn.execute(
                    "UPDATE digest_runs SET status = 'failed', finished_at = ?,"
                    " error = 'schedule paused: ' || ? WHERE guild_id = ? AND schedule_id = ?"
                    " AND status = 'claimed'",
                    (utc_iso(now), reason, guild_id, schedule_id),
                )
        return await self.digest_schedule(guild_id, schedule_id)

    async def resume_digest_schedule(
        self, guild_id: int, schedule_id: int, now: datetime
    ) -> Schedule | None:
        """Resume a schedule from `now` on: slots missed while paused are not owed."""
        await self.conn.execute(
            "UPDATE digest_schedules SET paused = 0, paused_reason = '', active_from = ?"
            " WHERE guild_id = ? AND id = ?",
            (utc_iso(now), guild_id, schedule_id),
        )
        return await self.digest_schedule(guild_id, schedule_id)

    async def digest_runs(self, guild_id: int, schedule_id: int, limit: int = 5) -> list[Run]:
        """The schedule's latest runs, newest slot first."""
        async with self.conn.execute(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs r WHERE r.guild_id = ? AND r.schedule_id = ?"
            " ORDER BY r.slot DESC, r.id DESC LIMIT ?",
            (guild_id, schedule_id, limit),
        ) as cur:
            return [_run(row) for row in await cur.fetchall()]

    # -- the scheduler's view ---------------------------------------------------------------

    async def active_digest_schedules(self) -> list[Schedule]:
        """Every unpaused schedule of every guild, with the latest scheduled slot claimed."""
        async with self.conn.execute(
            f"SELECT {_SCHEDULE_COLUMNS}, (SELECT max(slot) FROM digest_runs"
            " WHERE schedule_id = s.id AND manual = 0) AS last_slot"
            " FROM digest_schedules s WHERE s.paused = 0 ORDER BY s.id"
        ) as cur:
            return [_schedule(row) for row in await cur.fetchall()]

    async def open_digest_runs(self) -> list[Run]:
        """Claimed runs not yet posted, skipped or failed, of unpaused schedules."""
        async with self.conn.execute(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs r JOIN digest_schedules s"
            " ON s.id = r.schedule_id AND s.guild_id = r.guild_id"
            " WHERE r.status = 'claimed' AND s.paused = 0 ORDER BY r.slot, r.id"
        ) as cur:
            return [_run(row) for row in await cur.fetchall()]

    async def digest_run(self, guild_id: int, run_id: int) -> Run | None:
        """One run of the guild, or None."""
        async with self.conn.execute(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs r WHERE r.guild_id = ? AND r.id = ?",
            (guild_id, run_id),
        ) as cur:
            row = await cur.fetchone()
        return _run(row) if row else None

    async def claim_digest_run(
        self,
        schedule: Schedule,
        slot: datetime,
        *,
        owner: str,
        now: datetime,
        lease: timedelta,
        manual: bool = False,
        late: bool = False,
        missed: int = 0,
    ) -> Run | None:
        """Claim a slot for `owner` in one transaction; None if it was already claimed (by
        anyone, ever) or the schedule is gone or paused. Only a claimed slot may be posted."""
        async with self.transaction():
            cursor = await self.conn.execute(
                "INSERT INTO digest_runs (schedule_id, guild_id, slot, manual, late, missed,"
                " owner, lease_until, next_attempt_at, claimed_at)"
                " SELECT id, guild_id, ?, ?, ?, ?, ?, ?, ?, ? FROM digest_schedules"
                " WHERE guild_id = ? AND id = ? AND paused = 0"
                " ON CONFLICT (schedule_id, slot) DO NOTHING",
                (
                    utc_iso(slot),
                    int(manual),
                    int(late),
                    missed,
                    owner,
                    utc_iso(now + lease),
                    utc_iso(now),
                    utc_iso(now),
                    schedule.guild_id,
                    schedule.id,
                ),
            )
            claimed = cursor.rowcount == 1
            run_id = cursor.lastrowid
        if not claimed or run_id is None:
            return None
        return await self.digest_run(schedule.guild_id, run_id)

    async def take_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, lease: timedelta
    ) -> Run | None:
        """Start another attempt at an open run: only if it is due and its lease is ours or
        has run out. Counts the attempt; None when someone else holds it or it is done."""
        at = utc_iso(now)
        cursor = await self.conn.execute(
            "UPDATE digest_runs SET owner = ?, lease_until = ?, attempts = attempts + 1"
            " WHERE guild_id = ? AND id = ? AND status = 'claimed' AND next_attempt_at <= ?"
            " AND (owner = ? OR lease_until <= ?)",
            (owner, utc_iso(now + lease), guild_id, run_id, at, owner, at),
        )
        return await self.digest_run(guild_id, run_id) if cursor.rowcount else None

    async def renew_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        """Extend `owner`'s lease on an open run to `now + lease` (the attempt's heartbeat);
        False when the claim is no longer its own (taken over, or finished)."""
        cursor = await self.conn.execute(
            "UPDATE digest_runs SET lease_until = ?"
            " WHERE guild_id = ? AND id = ? AND owner = ? AND status = 'claimed'",
            (utc_iso(now + lease), guild_id, run_id, owner),
        )
        return cursor.rowcount > 0

    async def finish_digest_run(
        self,
        guild_id: int,
        run_id: int,
        status: str,
        *,
        owner: str,
        now: datetime,
        window: tuple[datetime, datetime],
        message_ids: Sequence[int] = (),
    ) -> bool:
        """Record `owner`'s run as posted or skipped (nothing new) and move the schedule's
        last success to the end of the window it covered, in one transaction. False (and
        nothing changed) when the claim is no longer `owner`'s: a stale owner never finishes."""
        assert status in ("posted", "skipped")
        start, end = utc_iso(window[0]), utc_iso(window[1])
        async with self.transaction():
            cursor = await self.conn.execute(
                "UPDATE digest_runs SET status = ?, finished_at = ?, window_start = ?,"
                " window_end = ?, message_ids = ?, error = '' WHERE guild_id = ? AND id = ?"
                " AND owner = ? AND status = 'claimed'",
                (
                    status,
                    utc_iso(now),
                    start,
                    end,
                    json.dumps(list(message_ids)),
                    guild_id,
                    run_id,
                    owner,
                ),
            )
            if not cursor.rowcount:
                return False
            await self.conn.execute(
                "UPDATE digest_schedules SET last_success_at = ? WHERE guild_id = ? AND id ="
                " (SELECT schedule_id FROM digest_runs WHERE guild_id = ? AND id = ?)"
                " AND (last_success_at IS NULL OR last_success_at < ?)",
                (end, guild_id, guild_id, run_id, end),
            )
        return True

    async def retry_digest_run(
        self,
        guild_id: int,
        run_id: int,
        *,
        owner: str,
        now: datetime,
        next_attempt_at: datetime,
        error: str,
    ) -> None:
        """Give a failed attempt's run back (lease released) to be tried at `next_attempt_at`."""
        await self.conn.execute(
            "UPDATE digest_runs SET lease_until = ?, next_attempt_at = ?, error = ?"
            " WHERE guild_id = ? AND id = ? AND owner = ? AND status = 'claimed'",
            (utc_iso(now), utc_iso(next_attempt_at), error[:500], guild_id, run_id, owner),
        )

    async def fail_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, error: str
    ) -> bool:
        """Give up on `owner`'s run for good (the error is kept for `/digest list`); False
        when the claim is no longer `owner`'s."""
        cursor = await self.conn.execute(
            "UPDATE digest_runs SET status = 'failed', finished_at = ?, error = ?"
            " WHERE guild_id = ? AND id = ? AND owner = ? AND status = 'claimed'",
            (utc_iso(now), error[:500], guild_id, run_id, owner),
        )
        return cursor.rowcount > 0

    async def release_digest_runs(self, owner: str, now: datetime) -> int:
        """End `owner`'s leases (clean shutdown) so a restarted bot resumes at once."""
        cursor = await self.conn.execute(
            "UPDATE digest_runs SET lease_until = ? WHERE owner = ? AND status = 'claimed'"
            " AND lease_until > ?",
            (utc_iso(now), owner, utc_iso(now)),
        )
        return cursor.rowcount

    # -- what a digest covers ---------------------------------------------------------------

    async def articles_in_window(
        self, since: datetime, until: datetime, limit: int = 500
    ) -> list[Article]:
        """Articles stored or changed in [since, until), newest first: what is new to readers."""
        async with self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE updated_at >= ? AND updated_at < ?"
            " ORDER BY updated_at DESC, id DESC LIMIT ?",
            (utc_iso(since), utc_iso(until), limit),
        ) as cur:
            return [_article(row) for row in await cur.fetchall()]
