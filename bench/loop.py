"""Event-loop lag while the bot ingests articles (with NLP, as it runs: the model in a worker
process) and answers searches at the same time; the baseline is the same ingest with the
model run on the event loop itself (NLP mode "inline"), on a slice of the articles."""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.corpus import console, drafts, label, scratch
from bench.database import bench_db, copy_db
from bench.report import Figure, Goal
from bench.timing import Stopwatch, percentile
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.search import search
from bot.store import open_store

LAG_GOAL = Goal("≤ 50 ms", max_value=50.0)
TICK = 0.01
# Searches readers send while the ingest runs (one every SEARCH_EVERY seconds).
SEARCHES = ("Qatar", "government talks", "election source:Reuters", '"prime minister"')
SEARCH_EVERY = 0.05


async def _lag_while(work: asyncio.Task[object]) -> list[float]:
    """Lateness (ms) of a 10 ms ticker until `work` finishes."""
    loop = asyncio.get_running_loop()
    lags: list[float] = []

    async def ticker() -> None:
        while not work.done():
            started = loop.time()
            await asyncio.sleep(TICK)
            lags.append(max(0.0, loop.time() - started - TICK) * 1000)

    tick = asyncio.create_task(ticker())
    await work
    await tick
    return lags


async def _ingest_and_answer(
    db: Path, batch: Sequence[ArticleDraft], mode: str
) -> tuple[list[float], list[float]]:
    """Ingest `batch` with NLP in `mode` while answering searches; (lags, search ms)."""
    from bot.nlp import NlpService
    from bot.nlp.enrichment import enrich_articles

    service = NlpService(mode)  # type: ignore[arg-type]
    answered: list[float] = []
    try:
        await service.analyze(["Warm-up text about Qatar."])  # model loaded, not measured
        async with await open_store(db) as store:

            async def enrich(ids: Sequence[int]) -> None:
                await enrich_articles(store, ids, service)

            work = asyncio.create_task(ingest_drafts(store, batch, enrich=enrich))

            async def reader() -> None:
                for text in itertools.cycle(SEARCHES):
                    if work.done():
                        return
                    with Stopwatch() as sw:
                        await search(store, text)
                    answered.append(sw.ms)
                    await asyncio.sleep(SEARCH_EVERY)

            readers = asyncio.create_task(reader())
            lags = await _lag_while(work)
            await readers
    finally:
        service.close()
    return lags, answered


def measure(size: int, baseline_size: int, *, base_size: int = 10_000) -> list[Figure]:
    """p99 loop lag ingesting `size` new articles (process worker) into a `base_size`
    database while answering searches, vs `baseline_size` articles with NLP on the loop."""
    fresh = list(drafts(base_size + size, start=base_size, quiet=True))
    with tempfile.TemporaryDirectory(dir=scratch()) as tmp:
        ours_db = copy_db(bench_db(base_size), Path(tmp) / "ours.db")
        raw_db = copy_db(bench_db(base_size), Path(tmp) / "raw.db")
        with console.status(f"loop lag: ingesting {label(size)} articles with NLP"):
            lags, answered = asyncio.run(_ingest_and_answer(ours_db, fresh, "process"))
        with console.status(f"loop lag baseline: NLP on the loop, {baseline_size} articles"):
            raw_lags, _ = asyncio.run(_ingest_and_answer(raw_db, fresh[:baseline_size], "inline"))
    return [
        Figure(
            f"event-loop lag p99 ingesting {label(size)} + searching",
            percentile(lags, 99),
            "ms",
            percentile(raw_lags, 99),
            LAG_GOAL,
            note="baseline: NLP on the loop",
        ),
        Figure(
            "search p99 during that ingest",
            percentile(answered, 99),
            "ms",
            note=f"{len(answered)} searches",
        ),
    ]
