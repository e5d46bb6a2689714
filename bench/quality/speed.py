"""NLP speed: articles/s vs raw nlp.pipe, and event-loop lag while the worker runs."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench.quality.common import (
    chunks,
    console,
    load_bbc,
)
from bot.nlp import analyze_texts, get_nlp
from bot.nlp.pipeline import MODEL_PACKAGE
from bot.nlp.service import NlpService


def run_speed(data: Path, n: int) -> dict:
    """Articles/s of the whole NLP step vs raw nlp.pipe, and event-loop lag while it runs."""
    import spacy

    articles = load_bbc(data / "bbc-news-summary" / "dev.jsonl")[:n]
    texts = [f"{a.title}\n\n{a.body}" for a in articles]
    raw_nlp = spacy.load(MODEL_PACKAGE)
    get_nlp()  # both pipelines loaded before timing
    list(raw_nlp.pipe(texts[:8]))
    analyze_texts(texts[:8])
    with console.status("Speed: raw nlp.pipe"):
        t0 = time.perf_counter()
        list(raw_nlp.pipe(texts, batch_size=64))
        raw_s = time.perf_counter() - t0
    with console.status("Speed: Newsdesk analyze_texts"):
        t0 = time.perf_counter()
        analyze_texts(texts)
        ours_s = time.perf_counter() - t0
    with console.status("Speed: event-loop lag during analyze() in the worker process"):
        lag = asyncio.run(_loop_lag(texts))
    return {
        "articles": len(texts),
        "raw_articles_per_s": round(len(texts) / raw_s, 1),
        "newsdesk_articles_per_s": round(len(texts) / ours_s, 1),
        "ratio": round(raw_s / ours_s, 2),
        "loop_lag_ms": lag,
    }


async def _loop_lag(texts: list[str], tick: float = 0.01) -> dict[str, float]:
    """Max and p99 lateness of a 10 ms ticker while the process worker analyses texts."""
    service = NlpService("process")
    try:
        await service.analyze(texts[:2])  # worker start-up and model load are not measured
        lags: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            loop = asyncio.get_running_loop()
            while not done.is_set():
                t = loop.time()
                await asyncio.sleep(tick)
                lags.append(max(0.0, loop.time() - t - tick) * 1000)

        task = asyncio.create_task(ticker())
        for chunk in chunks(texts, 32):
            await service.analyze(chunk)
        done.set()
        await task
    finally:
        service.close()
    lags.sort()
    return {
        "max": round(lags[-1], 1) if lags else 0.0,
        "p99": round(lags[int(0.99 * (len(lags) - 1))], 1) if lags else 0.0,
    }


# --- report ----------------------------------------------------------------------------
