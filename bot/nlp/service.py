"""Running NLP work off the event loop: `NlpService` (a worker process, a thread or inline)
and the shared default service that `analyze` uses."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Literal, TypeVar

from bot.models.analysis import Analysis, ArticleInput
from bot.nlp.analysis import analyze_texts
from bot.nlp.heap import resident_mb, then_give_back
from bot.nlp.lifeline import Lifeline, hold_on
from bot.nlp.pipeline import get_nlp

T = TypeVar("T")
Mode = Literal["process", "thread", "inline"]
# How much lower the worker process's CPU priority is than the bot's (nice(2) increment).
WORKER_NICENESS = 10
# MB the worker may grow past its size after its first job (the model loaded) before it is
# replaced by a fresh one, once the jobs it was given are done: what a long-lived spaCy process
# keeps (caches, a heap fragmented by huge pages) is never given back any other way.
RECYCLE_MB = 96.0


def _init_worker(lifeline: Connection, parent_pid: int, signal_on_death: bool) -> None:
    # First make sure the worker dies with its parent (kill -9 leaves no orphan); then load
    # the model at start so the first request does not pay for it.
    hold_on(lifeline, parent_pid, signal_on_death)
    # Analysing a long article is a minute of CPU: at a lower priority than the bot's own
    # process, so the users it answers meanwhile keep their pace on a busy machine.
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    get_nlp()


def _analyze_in_worker(inputs: list[str | ArticleInput]) -> list[Analysis]:
    return analyze_texts(inputs)


def _job(func: Callable[..., T], *args: object) -> tuple[T, float]:
    """In the worker: run the job, give back what it freed, say how large the worker is now."""
    result = then_give_back(func, *args)
    return result, resident_mb()


class NlpService:
    """Runs the CPU-bound NLP step where it cannot starve the Discord gateway heartbeat.

    `process` (default) uses one worker process that loads the model once; `thread` a
    single worker thread (the model releases the GIL only partly, so prefer processes in
    the bot); `inline` runs on the calling thread and is meant for tests and the CLI.
    """

    def __init__(self, mode: Mode = "process", *, recycle_mb: float = RECYCLE_MB) -> None:
        self.mode: Mode = mode
        self._executor: Executor | None = None
        self._lifeline: Lifeline | None = None
        # Batches handed to the worker and not yet back (the NLP queue operators watch).
        self.pending = 0
        self.recycle_mb = recycle_mb
        self._first_mb: float | None = None  # the worker's size after its first job
        self._outgrown = False  # replace the worker once its jobs are done
        self.recycled = 0  # workers replaced for their size

    def _get_executor(self) -> Executor | None:
        if self.mode == "inline":
            return None
        if self._executor is None:
            if self.mode == "process":
                # spawn: forking a process that runs an event loop and threads is unsafe.
                ctx = multiprocessing.get_context("spawn")
                self._lifeline = Lifeline()
                self._executor = ProcessPoolExecutor(
                    1,
                    mp_context=ctx,
                    initializer=_init_worker,
                    initargs=self._lifeline.worker_args(),
                )
            else:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="nlp")
        return self._executor

    async def run(self, func: Callable[..., T], *args: object) -> T:
        """Run a picklable function with arguments in the worker and await its result."""
        executor = self._get_executor()
        if executor is None:
            return func(*args)
        self.pending += 1
        loop = asyncio.get_running_loop()
        try:
            if self.mode != "process":
                return await loop.run_in_executor(executor, func, *args)
            # A process worker gives back what each job freed (its memory would otherwise stay
            # at the size of the largest input it ever had, bot/nlp/heap.py) and says its size.
            result, size = await loop.run_in_executor(executor, _job, func, *args)
            self._weigh(size)
            return result
        except BrokenProcessPool:
            # The worker died (killed, out of memory) and the pool is unusable: the next call
            # starts a new worker instead of failing every article after this one.
            self._discard(executor)
            raise
        finally:
            self.pending -= 1
            if self._outgrown and self.pending == 0 and self._executor is executor:
                self._retire(executor)

    def _weigh(self, size: float) -> None:
        """Note the worker's size after a job; past its first size + recycle_mb it is due."""
        if self._first_mb is None:
            self._first_mb = size
        elif size > self._first_mb + self.recycle_mb:
            self._outgrown = True

    def _retire(self, executor: Executor) -> None:
        """Replace an outgrown worker that has no work left: the next call starts a fresh one;
        this one exits once its queue (empty) is closed, then its lifeline is let go."""
        lifeline = self._lifeline
        self._executor, self._lifeline = None, None
        self._first_mb, self._outgrown = None, False
        self.recycled += 1

        def stop() -> None:
            executor.shutdown(wait=True)
            if lifeline is not None:
                lifeline.release()

        threading.Thread(target=stop, name="nlp-retire", daemon=True).start()

    def _discard(self, executor: Executor) -> None:
        if self._executor is executor:
            executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            self._first_mb, self._outgrown = None, False
            if self._lifeline is not None:
                self._lifeline.release()
                self._lifeline = None

    async def analyze(self, texts: Sequence[str | ArticleInput]) -> list[Analysis]:
        """Analyse articles in the worker; see `bot.nlp.analysis.analyze_texts`."""
        return await self.run(_analyze_in_worker, list(texts))

    def close(self) -> None:
        """Stop the worker at once; safe to call twice. A job it is running is given up (its
        article stays unanalysed and the next start resumes it): waiting for a long article
        held a stopping bot for minutes."""
        if self._lifeline is not None:
            self._lifeline.release()  # the worker exits at once, even mid-job
            self._lifeline = None
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


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
