"""PostgreSQL SQL for digest schedules and runs: the claims that make posts exactly-once
across every process of a cluster.

Contract: bot/store/interface/digests.py. What makes it hold with many processes: a claim is
`INSERT ... ON CONFLICT (schedule_id, slot) DO NOTHING` (one winner, atomically), and taking
over is one conditional UPDATE (`owner = me OR lease_until <= now`), which PostgreSQL
re-checks on the locked row, so two processes whose leases both look expired can't both win.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Unpack

from bot.clock import utc_iso
from bot.models import Article
from bot.store.postgres.base import PgBase
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


class PgDigestQueries(PgBase):
    """Digest schedule and run statements for `PostgresStore` (guild-scoped like SQLite's)."""

    async def add_digest_schedule(self, draft: ScheduleDraft, now: datetime) -> Schedule:
        at = utc_iso(now)
        schedule_id = await self._fetchval(
            "INSERT INTO digest_schedules (guild_id, channel_id, target, local_time, timezone,"
            " every, weekday, cron, filter, max_items, nothing_new, created_by, created_at,"
            " active_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"
            " RETURNING id",
            *schedule_values(draft),
            at,
        )
        stored = await self.digest_schedule(draft.guild_id, schedule_id)
        assert stored is not None
        return stored

    async def digest_schedule(self, guild_id: int, schedule_id: int) -> Schedule | None:
        row = await self._fetchrow(
            f"SELECT {SCHEDULE_COLUMNS} FROM digest_schedules s"
            " WHERE s.guild_id = $1 AND s.id = $2",
            guild_id,
            schedule_id,
        )
        return schedule_from_row(row) if row else None

    async def digest_schedules(self, guild_id: int) -> list[Schedule]:
        rows = await self._fetch(
            f"SELECT {SCHEDULE_COLUMNS} FROM digest_schedules s WHERE s.guild_id = $1"
            " ORDER BY s.id",
            guild_id,
        )
        return [schedule_from_row(row) for row in rows]

    async def remove_digest_schedule(self, guild_id: int, schedule_id: int) -> bool:
        return bool(
            await self._execute(
                "DELETE FROM digest_schedules WHERE guild_id = $1 AND id = $2",
                guild_id,
                schedule_id,
            )
        )

    async def pause_digest_schedule(
        self, guild_id: int, schedule_id: int, reason: str, now: datetime
    ) -> Schedule | None:
        async with self.transaction():
            if await self._execute(
                "UPDATE digest_schedules SET paused = 1, paused_reason = $1"
                " WHERE guild_id = $2 AND id = $3",
                reason,
                guild_id,
                schedule_id,
            ):
                await self._execute(
                    "UPDATE digest_runs SET status = 'failed', finished_at = $1,"
                    " error = 'schedule paused: ' || $2 WHERE guild_id = $3 AND schedule_id = $4"
                    " AND status = 'claimed'",
                    utc_iso(now),
                    reason,
                    guild_id,
                    schedule_id,
                )
        return await self.digest_schedule(guild_id, schedule_id)

    async def resume_digest_schedule(
        self, guild_id: int, schedule_id: int, now: datetime
    ) -> Schedule | None:
        await self._execute(
            "UPDATE digest_schedules SET paused = 0, paused_reason = '', active_from = $1"
            " WHERE guild_id = $2 AND id = $3",
            utc_iso(now),
            guild_id,
            schedule_id,
        )
        return await self.digest_schedule(guild_id, schedule_id)

    async def digest_runs(self, guild_id: int, schedule_id: int, limit: int = 5) -> list[Run]:
        rows = await self._fetch(
            f"SELECT {RUN_COLUMNS} FROM digest_runs r WHERE r.guild_id = $1"
            " AND r.schedule_id = $2 ORDER BY r.slot DESC, r.id DESC LIMIT $3",
            guild_id,
            schedule_id,
            limit,
        )
        return [run_from_row(row) for row in rows]

    async def active_digest_schedules(self) -> list[Schedule]:
        rows = await self._fetch(
            f"SELECT {SCHEDULE_COLUMNS}, (SELECT max(slot) FROM digest_runs"
            " WHERE schedule_id = s.id AND manual = 0) AS last_slot"
            " FROM digest_schedules s WHERE s.paused = 0 ORDER BY s.id"
        )
        return [schedule_from_row(row) for row in rows]

    async def open_digest_runs(self) -> list[Run]:
        rows = await self._fetch(
            f"SELECT {RUN_COLUMNS} FROM digest_runs r JOIN digest_schedules s"
            " ON s.id = r.schedule_id AND s.guild_id = r.guild_id"
            " WHERE r.status = 'claimed' AND s.paused = 0 ORDER BY r.slot, r.id"
        )
        return [run_from_row(row) for row in rows]

    async def digest_run(self, guild_id: int, run_id: int) -> Run | None:
        row = await self._fetchrow(
            f"SELECT {RUN_COLUMNS} FROM digest_runs r WHERE r.guild_id = $1 AND r.id = $2",
            guild_id,
            run_id,
        )
        return run_from_row(row) if row else None

    async def claim_digest_run(
        self, schedule: Schedule, slot: datetime, **claim: Unpack[RunClaim]
    ) -> Run | None:
        owner, now, lease = claim["owner"], claim["now"], claim["lease"]
        manual, late = claim.get("manual", False), claim.get("late", False)
        missed = claim.get("missed", 0)
        run_id = await self._fetchval(
            "INSERT INTO digest_runs (schedule_id, guild_id, slot, manual, late, missed,"
            " owner, lease_until, next_attempt_at, claimed_at)"
            " SELECT id, guild_id, $1, $2, $3, $4, $5, $6, $7, $7 FROM digest_schedules"
            " WHERE guild_id = $8 AND id = $9 AND paused = 0"
            " ON CONFLICT (schedule_id, slot) DO NOTHING RETURNING id",
            utc_iso(slot),
            int(manual),
            int(late),
            missed,
            owner,
            utc_iso(now + lease),
            utc_iso(now),
            schedule.guild_id,
            schedule.id,
        )
        if run_id is None:
            return None
        return await self.digest_run(schedule.guild_id, run_id)

    async def take_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, lease: timedelta
    ) -> Run | None:
        at = utc_iso(now)
        taken = await self._execute(
            "UPDATE digest_runs SET owner = $1, lease_until = $2, attempts = attempts + 1"
            " WHERE guild_id = $3 AND id = $4 AND status = 'claimed' AND next_attempt_at <= $5"
            " AND (owner = $1 OR lease_until <= $5)",
            owner,
            utc_iso(now + lease),
            guild_id,
            run_id,
            at,
        )
        return await self.digest_run(guild_id, run_id) if taken else None

    async def renew_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        return bool(
            await self._execute(
                "UPDATE digest_runs SET lease_until = $1"
                " WHERE guild_id = $2 AND id = $3 AND owner = $4 AND status = 'claimed'",
                utc_iso(now + lease),
                guild_id,
                run_id,
                owner,
            )
        )

    async def finish_digest_run(
        self, guild_id: int, run_id: int, status: str, **outcome: Unpack[RunOutcome]
    ) -> bool:
        owner, now, window = outcome["owner"], outcome["now"], outcome["window"]
        message_ids = outcome.get("message_ids", ())
        assert status in ("posted", "skipped")
        start, end = utc_iso(window[0]), utc_iso(window[1])
        async with self.transaction():
            # The row lock taken by this UPDATE orders it against a concurrent take-over.
            if not await self._execute(
                "UPDATE digest_runs SET status = $1, finished_at = $2, window_start = $3,"
                " window_end = $4, message_ids = $5, error = '' WHERE guild_id = $6 AND id = $7"
                " AND owner = $8 AND status = 'claimed'",
                status,
                utc_iso(now),
                start,
                end,
                json.dumps(list(message_ids)),
                guild_id,
                run_id,
                owner,
            ):
                return False
            await self._execute(
                "UPDATE digest_schedules SET last_success_at = $1 WHERE guild_id = $2 AND id ="
                " (SELECT schedule_id FROM digest_runs WHERE guild_id = $2 AND id = $3)"
                " AND (last_success_at IS NULL OR last_success_at < $1)",
                end,
                guild_id,
                run_id,
            )
        return True

    async def retry_digest_run(self, guild_id: int, run_id: int, **retry: Unpack[RunRetry]) -> None:
        owner, now, error = retry["owner"], retry["now"], retry["error"]
        next_attempt_at = retry["next_attempt_at"]
        await self._execute(
            "UPDATE digest_runs SET lease_until = $1, next_attempt_at = $2, error = $3"
            " WHERE guild_id = $4 AND id = $5 AND owner = $6 AND status = 'claimed'",
            utc_iso(now),
            utc_iso(next_attempt_at),
            error[:500],
            guild_id,
            run_id,
            owner,
        )

    async def fail_digest_run(
        self, guild_id: int, run_id: int, *, owner: str, now: datetime, error: str
    ) -> bool:
        return bool(
            await self._execute(
                "UPDATE digest_runs SET status = 'failed', finished_at = $1, error = $2"
                " WHERE guild_id = $3 AND id = $4 AND owner = $5 AND status = 'claimed'",
                utc_iso(now),
                error[:500],
                guild_id,
                run_id,
                owner,
            )
        )

    async def release_digest_runs(self, owner: str, now: datetime) -> int:
        return await self._execute(
            "UPDATE digest_runs SET lease_until = $1 WHERE owner = $2 AND status = 'claimed'"
            " AND lease_until > $1",
            utc_iso(now),
            owner,
        )

    async def articles_in_window(
        self, since: datetime, until: datetime, limit: int = 500, *, body_chars: int | None = None
    ) -> list[Article]:
        columns = ARTICLE_COLUMNS
        if body_chars is not None:
            columns = ARTICLE_PART_COLUMNS.format(start=1, length=max(int(body_chars), 0))
        rows = await self._fetch(
            f"SELECT {columns} FROM articles WHERE updated_at >= $1 AND updated_at < $2"
            " ORDER BY updated_at DESC, id DESC LIMIT $3",
            utc_iso(since),
            utc_iso(until),
            limit,
        )
        return await articles_from_rows(rows)
