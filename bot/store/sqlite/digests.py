"""SQL for digest schedules and their runs (the per-slot claims that make posts exactly-once).

Every statement a guild can reach names its guild_id, so a forged schedule id from another
guild matches nothing. Only the scheduler lists across guilds (`active_digest_schedules`,
`open_digest_runs`), and it writes back with the guild_id it read.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Unpack

import aiosqlite

from bot.clock import utc_iso
from bot.models import Article
from bot.store.records.articles import ARTICLE_COLUMNS, ARTICLE_PART_COLUMNS, articles_from_rows
from bot.store.records.digests import (
    RUN_COLUMNS,
    SCHEDULE_COLUMNS,
    Run,
    RunClaim,
    RunOutcome,
    RunRetry,
    Schedule,
    ScheduleDraft,
    run_from_row,
    schedule_from_row,
    schedule_values,
)
from bot.store.sqlite.readers import pooled


class DigestQueries:
    """Digest schedule and run statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection
    transaction: Callable[[], contextlib.AbstractAsyncContextManager[None]]

    # -- schedules (guild-scoped) -----------------------------------------------------------

    async def add_digest_schedule(self, draft: ScheduleDraft, now: datetime) -> Schedule:
        at = utc_iso(now)
        cursor = await self.conn.execute(
            "INSERT INTO digest_schedules (guild_id, channel_id, target, local_time, timezone,"
            " every, weekday, cron, filter, max_items, nothing_new, created_by, created_at,"
            " active_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*schedule_values(draft), at, at),
        )
        assert cursor.lastrowid is not None
        stored = await self.digest_schedule(draft.guild_id, cursor.lastrowid)
        assert stored is not None
        return stored

    async def digest_schedule(self, guild_id: int, schedule_id: int) -> Schedule | None:
        async with self.conn.execute(
            f"SELECT {SCHEDULE_COLUMNS} FROM digest_schedules s WHERE s.guild_id = ? AND s.id = ?",
            (guild_id, schedule_id),
        ) as cur:
            row = await cur.fetchone()
        return schedule_from_row(row) if row else None

    async def digest_schedules(self, guild_id: int) -> list[Schedule]:
        async with self.conn.execute(
            f"SELECT {SCHEDULE_COLUMNS} FROM digest_schedules s WHERE s.guild_id = ? ORDER BY s.id",
            (guild_id,),
        ) as cur:
            return [schedule_from_row(row) for row in await cur.fetchall()]

    async def remove_digest_schedule(self, guild_id: int, schedule_id: int) -> bool:
        cursor = await self.conn.execute(
            "DELETE FROM digest_schedules WHERE guild_id = ? AND id = ?", (guild_id, schedule_id)
        )
        return cursor.rowcount > 0

    async def pause_digest_schedule(
        self, guild_id: int, schedule_id: int, reason: str, now: datetime
    ) -> Schedule | None:
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
        await self.conn.execute(
            "UPDATE digest_schedules SET paused = 0, paused_reason = '', active_from = ?"
            " WHERE guild_id = ? AND id = ?",
            (utc_iso(now), guild_id, schedule_id),
        )
        return await self.digest_schedule(guild_id, schedule_id)

    async def digest_runs(self, guild_id: int, schedule_id: int, limit: int = 5) -> list[Run]:
        async with self.conn.execute(
            f"SELECT {RUN_COLUMNS} FROM digest_runs r WHERE r.guild_id = ? AND r.schedule_id = ?"
            " ORDER BY r.slot DESC, r.id DESC LIMIT ?",
            (guild_id, schedule_id, limit),
        ) as cur:
            return [run_from_row(row) for row in await cur.fetchall()]

    # -- the scheduler's view ---------------------------------------------------------------

    async def active_digest_schedules(self) -> list[Schedule]:
        async with self.conn.execute(
            f"SELECT {SCHEDULE_COLUMNS}, (SELECT max(slot) FROM digest_runs"
            " WHERE schedule_id = s.id AND manual = 0) AS last_slot"
            " FROM digest_schedules s WHERE s.paused = 0 ORDER BY s.id"
        ) as cur:
            return [schedule_from_row(row) for row in await cur.fetchall()]

    async def open_digest_runs(self) -> list[Run]:
        async with self.conn.execute(
            f"SELECT {RUN_COLUMNS} FROM digest_runs r JOIN digest_schedules s"
            " ON s.id = r.schedule_id AND s.guild_id = r.guild_id"
            " WHERE r.status = 'claimed' AND s.paused = 0 ORDER BY r.slot, r.id"
        ) as cur:
            return [run_from_row(row) for row in await cur.fetchall()]

    async def digest_run(self, guild_id: int, run_id: int) -> Run | None:
        async with self.conn.execute(
            f"SELECT {RUN_COLUMNS} FROM digest_runs r WHERE r.guild_id = ? AND r.id = ?",
            (guild_id, run_id),
        ) as cur:
            row = await cur.fetchone()
        return run_from_row(row) if row else None

    async def claim_digest_run(
        self, schedule: Schedule, slot: datetime, **claim: Unpack[RunClaim]
    ) -> Run | None:
        owner, now, lease = claim["owner"], claim["now"], claim["lease"]
        manual, late = claim.get("manual", False), claim.get("late", False)
        missed = claim.get("missed", 0)
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
        cursor = await self.conn.execute(
            "UPDATE digest_runs SET lease_until = ?"
            " WHERE guild_id = ? AND id = ? AND owner = ? AND status = 'claimed'",
            (utc_iso(now + lease), guild_id, run_id, owner),
        )
        return cursor.rowcount > 0

    async def finish_digest_run(
        self, guild_id: int, run_id: int, status: str, **outcome: Unpack[RunOutcome]
    ) -> bool:
        owner, now, window = outcome["owner"], outcome["now"], outcome["window"]
        message_ids = outcome.get("message_ids", ())
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

    async def retry_digest_run(self, guild_id: int, run_id: int, **retry: Unpack[RunRetry]) -> None:
        owner, now, error = retry["owner"], retry["now"], retry["error"]
        next_attempt_at = retry["next_attempt_at"]
        await self.conn.execute(
            "UPDATE digest_runs SET lease_until = ?, next_attempt_at = ?, error = ?"
            " WHERE guild_id = ? AND id = ? AND owner = ? AND status = 'claimed'",
            (utc_iso(now), utc_iso(next_attempt_at), error[:500], guild_id, run_id, owner),
        )

    async def fail_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, error: str
    ) -> bool:
        cursor = await self.conn.execute(
            "UPDATE digest_runs SET status = 'failed', finished_at = ?, error = ?"
            " WHERE guild_id = ? AND id = ? AND owner = ? AND status = 'claimed'",
            (utc_iso(now), error[:500], guild_id, run_id, owner),
        )
        return cursor.rowcount > 0

    async def release_digest_runs(self, owner: str, now: datetime) -> int:
        cursor = await self.conn.execute(
            "UPDATE digest_runs SET lease_until = ? WHERE owner = ? AND status = 'claimed'"
            " AND lease_until > ?",
            (utc_iso(now), owner, utc_iso(now)),
        )
        return cursor.rowcount

    # -- what a digest covers ---------------------------------------------------------------

    @pooled
    async def articles_in_window(
        self, since: datetime, until: datetime, limit: int = 500, *, body_chars: int | None = None
    ) -> list[Article]:
        columns = ARTICLE_COLUMNS
        if body_chars is not None:
            columns = ARTICLE_PART_COLUMNS.format(start=1, length=max(int(body_chars), 0))
        async with self.conn.execute(
            f"SELECT {columns} FROM articles WHERE updated_at >= ? AND updated_at < ?"
            " ORDER BY updated_at DESC, id DESC LIMIT ?",
            (utc_iso(since), utc_iso(until), limit),
        ) as cur:
            return await articles_from_rows(await cur.fetchall())
