"""The job queue several worker processes share (PostgreSQL only: on SQLite the bot and the
CLI do this work in-process)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Protocol

from bot.store.records.jobs import Job


class JobQueue(Protocol):
    """Enqueue, take (each job by one worker), heartbeat and finish jobs."""

    async def listen_for_jobs(
        self, wake: Callable[[], None]
    ) -> Callable[[], Awaitable[None]] | None:
        """Call `wake` whenever a job is queued (LISTEN, on a connection of its own); return
        how to stop listening, or None when that connection can't be made (callers poll)."""
        ...

    async def enqueue_jobs(self, kind: str, payloads: Iterable[object]) -> list[int]:
        """Queue one job per payload (JSON-serialisable); return their ids, in order."""
        ...

    async def take_jobs(self, owner: str, lease: timedelta, limit: int = 1) -> list[Job]:
        """Take up to `limit` due jobs for `owner`: queued ones, or running ones whose lease
        ran out (their worker died). Locked rows are skipped, never waited for."""
        ...

    async def extend_job(self, job_id: int, owner: str, lease: timedelta) -> bool:
        """Heartbeat: keep the job ours for another `lease`; False if we lost it."""
        ...

    async def finish_job(self, job_id: int, owner: str) -> bool:
        """Mark our job done; False when its lease had run out and another worker has it."""
        ...

    async def retry_job(
        self, job_id: int, owner: str, error: str, *, delay: timedelta, give_up: bool
    ) -> None:
        """Give a failed job back to be tried after `delay`, or fail it for good."""
        ...

    async def job_counts(self) -> dict[str, int]:
        """How many jobs are in each status (an operator's view of the queue)."""
        ...

    async def article_ids_with_origins(self, origins: Iterable[str]) -> list[int]:
        """Ids of the stored articles with these origins (what an ingest job stored)."""
        ...
