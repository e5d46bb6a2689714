"""Workers on the PostgreSQL queue: every job done once in effect, a dead worker's job taken
over when its lease runs out, failures retried then given up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.cluster.worker import Worker, enqueue_analysis, enqueue_drafts
from bot.models import ArticleDraft
from bot.nlp.enrichment import NLP_VERSION
from bot.nlp.service import NlpService
from bot.store import ClusterStore, open_cluster_store


def wire(n: int) -> ArticleDraft:
    """A short wire story naming a person and a place."""
    return ArticleDraft(
        title=f"Harbour {n} reopens",
        body=f"Mayor Ada Lovelace reopened harbour {n} in Lisbon on Monday. Ships returned.",
        origin=f"wire:{n}",
    )


@pytest.fixture
async def store(postgres_url: str) -> AsyncIterator[ClusterStore]:
    """A fresh PostgreSQL store."""
    async with await open_cluster_store(postgres_url, pool_size=4) as opened:
        yield opened


@pytest.fixture(scope="module")
def nlp() -> NlpService:
    """NLP on the calling thread (the worker has nothing else to do meanwhile)."""
    service = NlpService("inline")
    yield service
    service.close()


async def test_two_workers_share_the_queue_and_a_dead_workers_job_is_taken_over(
    store: ClusterStore, nlp: NlpService
) -> None:
    jobs = await enqueue_drafts(store, [wire(n) for n in range(6)], per_job=2)
    assert len(jobs) == 3
    # A worker takes the first job and dies at once (no heartbeat: its lease is already over).
    dead = await store.take_jobs("dead-worker", timedelta(0))
    assert [job.id for job in dead] == [jobs[0]]
    one = Worker(store, nlp, owner="one")
    two = Worker(store, nlp, owner="two")
    done = await asyncio.gather(one.run(until_idle=True), two.run(until_idle=True))
    assert sum(done) == 3
    assert await store.job_counts() == {"done": 3}
    assert await store.count_articles() == 6
    assert await store.articles_needing_analysis(NLP_VERSION) == []
    lovelace = await store.entities_named("Ada Lovelace")
    assert [(e.article_count, e.mention_count) for e in lovelace] == [(6, 6)]
    # The dead worker wakes up late: its finish is refused, nothing is counted twice.
    assert not await store.finish_job(jobs[0], "dead-worker")


async def test_a_failing_job_is_retried_then_given_up(store: ClusterStore) -> None:
    (job_id,) = await store.enqueue_jobs("nlp", [{"article_ids": "not a list of ids"}])
    worker = Worker(store, owner="w")
    for attempt in range(4):
        (job,) = await store.take_jobs("w", timedelta(minutes=1))
        assert (job.id, job.attempts) == (job_id, attempt + 1)
        assert not await worker.do(job)
        await store._execute("UPDATE jobs SET run_after = now()")  # skip the backoff wait
    assert await store.job_counts() == {"failed": 1}


async def test_analysis_jobs_for_stored_articles(store: ClusterStore, nlp: NlpService) -> None:
    await enqueue_drafts(store, [wire(1)])
    await Worker(store, nlp, owner="w", nlp=False).run(until_idle=True)
    ids = await store.articles_needing_analysis(NLP_VERSION)
    assert len(ids) == 1
    await enqueue_analysis(store, ids)
    assert await Worker(store, nlp, owner="w").run(until_idle=True) == 1
    assert await store.articles_needing_analysis(NLP_VERSION) == []
