"""`python -m bot worker`: take ingest and NLP jobs from PostgreSQL's queue until stopped.

NLP is the CPU-heavy part of Newsdesk; workers let it scale by adding processes (or machines)
independently of the gateway shards. Each worker takes one job at a time with
`FOR UPDATE SKIP LOCKED`, extends the job's lease while it works (a heartbeat task), and
marks it done. A worker killed mid-job stops heartbeating; once the lease runs out another
worker takes the job again. Jobs are idempotent — ingest dedupes by origin and text, NLP only
analyses articles whose analysis is missing or outdated — so a job redone after a crash adds
nothing twice. On SQLite there is no queue: the bot and the CLI do this work in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import socket
import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta

from bot.clock import Clock, SystemClock
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.nlp.service import NlpService
from bot.store import ClusterStore, Job
from bot.tasks import alongside

log = logging.getLogger(__name__)

# How long a taken job is ours without a heartbeat; a dead worker's job waits this long.
LEASE = timedelta(seconds=30)
# Articles per ingest job: small enough that a retried job redoes little.
DRAFTS_PER_JOB = 50
# After the 1st, 2nd, ... failure; the attempt after the last one is final.
BACKOFF = (timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5))


def worker_name() -> str:
    """A name unique to this worker process: host, pid and a random part."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


async def enqueue_drafts(
    store: ClusterStore, drafts: Iterable[ArticleDraft], per_job: int = DRAFTS_PER_JOB
) -> list[int]:
    """Queue drafts for the workers as ingest jobs of `per_job` each; return the job ids."""
    payloads: list[dict[str, object]] = []
    batch: list[dict[str, object]] = []
    for draft in drafts:
        batch.append(dataclasses.asdict(draft))
        if len(batch) >= per_job:
            payloads.append({"drafts": batch})
            batch = []
    if batch:
        payloads.append({"drafts": batch})
    return await store.enqueue_jobs("ingest", payloads)


async def enqueue_analysis(store: ClusterStore, article_ids: Sequence[int]) -> list[int]:
    """Queue NLP for these articles (e.g. after a model change), 32 articles per job."""
    ids = list(article_ids)
    chunks = [{"article_ids": ids[n : n + 32]} for n in range(0, len(ids), 32)]
    return await store.enqueue_jobs("nlp", chunks)


class Worker:
    """Takes jobs from the queue and does them; `run()` until `stop()`."""

    def __init__(
        self,
        store: ClusterStore,
        service: NlpService | None = None,
        *,
        owner: str | None = None,
        lease: timedelta = LEASE,
        clock: Clock | None = None,
        nlp: bool = True,
    ) -> None:
        self.store = store
        self.service = service
        self.owner = owner or worker_name()
        self.lease = lease
        self.clock: Clock = clock or SystemClock()
        self.nlp = nlp
        self.done = 0
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Finish the job in hand, then return from `run()`."""
        self._stopping.set()
        self._wake.set()

    async def run(self, *, until_idle: bool = False) -> int:
        """Do jobs until stopped (or, with `until_idle`, until none is left); return how many."""
        stop_listening = await self.store.listen_for_jobs(self._wake.set)
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                jobs = await self.store.take_jobs(self.owner, self.lease)
                if jobs:
                    await self.do(jobs[0])
                    continue
                if until_idle:
                    break
                # Woken by NOTIFY for new jobs; the timeout catches dead workers' leases.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.lease.total_seconds() / 2)
        finally:
            if stop_listening is not None:
                await stop_listening()
        return self.done

    async def do(self, job: Job) -> bool:
        """Do one taken job with a heartbeat; record the outcome. True when it succeeded."""
        try:
            async with alongside(self._heartbeat(job), name=f"job-{job.id}-heartbeat"):
                await self._work(job)
        except Exception as exc:
            give_up = job.attempts > len(BACKOFF)
            delay = BACKOFF[min(job.attempts, len(BACKOFF)) - 1]
            log.exception("job %s (%s) attempt %d failed", job.id, job.kind, job.attempts)
            error = f"{type(exc).__name__}: {exc}"
            await self.store.retry_job(job.id, self.owner, error, delay=delay, give_up=give_up)
            return False
        if not await self.store.finish_job(job.id, self.owner):
            log.warning("job %s finished after its lease ran out; another worker redid it", job.id)
        self.done += 1
        return True

    async def _heartbeat(self, job: Job) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            if not await self.store.extend_job(job.id, self.owner, self.lease):
                log.warning("lost the lease on job %s", job.id)
                return

    async def _work(self, job: Job) -> None:
        from bot.nlp.enrichment import enrich_articles

        if job.kind == "ingest":
            drafts = [ArticleDraft(**fields) for fields in job.payload["drafts"]]
            await ingest_drafts(self.store, drafts, clock=self.clock)
            # Every article of the job, not only the changed ones: a retry after a crash
            # between storing and NLP finds them unchanged but still unanalysed.
            ids = await self.store.article_ids_with_origins([d.origin for d in drafts])
        elif job.kind == "nlp":
            ids = list(job.payload["article_ids"])
        else:
            raise ValueError(f"unknown job kind {job.kind!r}")
        if self.nlp and ids:
            await enrich_articles(self.store, ids, self.service, clock=self.clock)
