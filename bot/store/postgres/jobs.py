"""PostgreSQL SQL for the job queue: enqueue, take with SKIP LOCKED, heartbeat, finish."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta

import asyncpg

from bot.store.postgres.base import PgBase
from bot.store.records.jobs import Job

log = logging.getLogger(__name__)

# The channel workers LISTEN on: a new job wakes an idle worker at once.
JOBS_CHANNEL = "newsdesk_jobs"


class PgJobQueries(PgBase):
    """Job-queue statements for `PostgresStore` (the queue exists on PostgreSQL only)."""

    url: str

    async def listen_for_jobs(
        self, wake: Callable[[], None]
    ) -> Callable[[], Awaitable[None]] | None:
        try:
            conn = await asyncpg.connect(self.url)
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("cannot LISTEN for new jobs (polling instead): %s", exc)
            return None
        await conn.add_listener(JOBS_CHANNEL, lambda *_: wake())
        return conn.close

    async def enqueue_jobs(self, kind: str, payloads: Iterable[object]) -> list[int]:
        texts = [json.dumps(p, ensure_ascii=False) for p in payloads]
        if not texts:
            return []
        rows = await self._fetch(
            "WITH added AS (INSERT INTO jobs (kind, payload)"
            " SELECT $1, p::jsonb FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n)"
            " ORDER BY n RETURNING id), woken AS (SELECT pg_notify($3, ''))"
            " SELECT id FROM added, woken ORDER BY id",
            kind,
            texts,
            JOBS_CHANNEL,
        )
        return [row[0] for row in rows]

    async def take_jobs(self, owner: str, lease: timedelta, limit: int = 1) -> list[Job]:
        rows = await self._fetch(
            "UPDATE jobs SET status = 'running', owner = $1, lease_until = now() + $2,"
            " attempts = attempts + 1"
            " WHERE id IN (SELECT id FROM jobs"
            "   WHERE (status = 'queued' AND run_after <= now())"
            "      OR (status = 'running' AND lease_until < now())"
            "   ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)"
            " RETURNING id, kind, payload, attempts",
            owner,
            lease,
            limit,
        )
        jobs = [Job(r["id"], r["kind"], json.loads(r["payload"]), r["attempts"]) for r in rows]
        return sorted(jobs, key=lambda job: job.id)

    async def extend_job(self, job_id: int, owner: str, lease: timedelta) -> bool:
        return bool(
            await self._execute(
                "UPDATE jobs SET lease_until = now() + $3"
                " WHERE id = $1 AND owner = $2 AND status = 'running'",
                job_id,
                owner,
                lease,
            )
        )

    async def finish_job(self, job_id: int, owner: str) -> bool:
        return bool(
            await self._execute(
                "UPDATE jobs SET status = 'done', finished_at = now(), lease_until = NULL"
                " WHERE id = $1 AND owner = $2 AND status = 'running'",
                job_id,
                owner,
            )
        )

    async def retry_job(
        self, job_id: int, owner: str, error: str, *, delay: timedelta, give_up: bool
    ) -> None:
        await self._execute(
            "UPDATE jobs SET status = CASE WHEN $4 THEN 'failed' ELSE 'queued' END,"
            " run_after = now() + $5, lease_until = NULL, error = $3,"
            " finished_at = CASE WHEN $4 THEN now() END"
            " WHERE id = $1 AND owner = $2 AND status = 'running'",
            job_id,
            owner,
            error[:500],
            give_up,
            delay,
        )

    async def job_counts(self) -> dict[str, int]:
        rows = await self._fetch("SELECT status, count(*) FROM jobs GROUP BY status")
        return {row[0]: row[1] for row in rows}

    async def article_ids_with_origins(self, origins: Iterable[str]) -> list[int]:
        rows = await self._fetch(
            "SELECT id FROM articles WHERE origin = ANY($1::text[]) ORDER BY id", list(origins)
        )
        return [row[0] for row in rows]
