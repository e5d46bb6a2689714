"""Running NLP work off the event loop: `NlpService` (a worker process, a thread or inline)
and the shared default service that `analyze` uses."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models.analysis import Analysis, ArticleInput
from bot.nlp.analysis import analyze_texts
from bot.nlp.pipeline import get_nlp
from bot.workers.pool import Mode, WorkerPool

# How much lower the worker process's CPU priority is than the bot's (nice(2) increment):
# analysing a long article is a minute of CPU, and the users the bot answers meanwhile keep
# their pace on a busy machine.
WORKER_NICENESS = 10
# MB the worker may grow past its size after its first job (the model loaded) before it is
# replaced by a fresh one, once the jobs it was given are done: what a long-lived spaCy process
# keeps (caches, a heap fragmented by huge pages) is never given back any other way.
RECYCLE_MB = 96.0
# MB grown past that size after which an idle worker (no job for IDLE_SECONDS) is replaced by
# a fresh one, warmed at once: a load's huge articles left the worker 60 MB larger for good
# (found by the soak), under RECYCLE_MB, and nothing else would give it back.
IDLE_RECYCLE_MB = 24.0
IDLE_SECONDS = 10.0


def _analyze_in_worker(inputs: list[str | ArticleInput]) -> list[Analysis]:
    return analyze_texts(inputs)


class NlpService(WorkerPool):
    """Runs the CPU-bound NLP step where it cannot starve the Discord gateway heartbeat.

    `process` (default) uses one worker process that loads the model once (bot/workers/pool.py:
    it dies with its parent, gives back what each job freed and is replaced once it has grown
    `recycle_mb`, or IDLE_RECYCLE_MB once idle); `thread` a single worker thread (the model
    releases the GIL only partly, so prefer processes in the bot); `inline` runs on the
    calling thread, for tests and the CLI.
    """

    def __init__(self, mode: Mode = "process", *, recycle_mb: float = RECYCLE_MB) -> None:
        super().__init__(
            mode,
            warm=get_nlp,
            recycle_mb=recycle_mb,
            idle_recycle_mb=IDLE_RECYCLE_MB,
            idle_seconds=IDLE_SECONDS,
            niceness=WORKER_NICENESS,
            name="nlp",
        )

    async def analyze(self, texts: Sequence[str | ArticleInput]) -> list[Analysis]:
        """Analyse articles in the worker; see `bot.nlp.analysis.analyze_texts`."""
        return await self.run(_analyze_in_worker, list(texts))


async def analyze(
    texts: Sequence[str | ArticleInput], *, service: NlpService | None = None
) -> list[Analysis]:
    """Analyse articles off the event loop (a one-process pool unless a service is given)."""
    if service is None:
        service = default_service()
    return await service.analyze(texts)


_default: NlpService | None = None


def default_service() -> NlpService:
    """The shared process-pool service, created on first use; close with `close_default`."""
    global _default
    if _default is None:
        _default = NlpService("process")
    return _default


def close_default() -> None:
    """Stop the shared worker process (bot shutdown)."""
    global _default
    if _default is not None:
        _default.close()
        _default = None
