"""`WorkerPool`: CPU-heavy work off the bot's event loop and out of its GIL, in one worker
process that dies with its parent, gives back what each job freed and is replaced when it has
grown (or in a thread, or inline, for tests and the CLI). The NLP worker and the chart renderer
are both one of these, each warmed up by its own initializer.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Literal, TypeVar

from bot.workers.heap import freeze_start_up, map_large_blocks, resident_mb, then_give_back
from bot.workers.lifeline import Lifeline, hold_on

T = TypeVar("T")
Mode = Literal["process", "thread", "inline"]


def _init_worker(
    lifeline: Connection,
    parent_pid: int,
    signal_on_death: bool,
    niceness: int,
    warm: Callable[[], object] | None,
) -> None:
    # First make sure the worker dies with its parent (kill -9 leaves no orphan); then warm it
    # up (load the model, fill the font caches) so the first request does not pay for it.
    hold_on(lifeline, parent_pid, signal_on_death)
    map_large_blocks()  # a huge input's buffers go back to the system when freed
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)
    if warm is not None:
        warm()
    # What warming up built (the NLP model: some 100,000 objects) lives as long as the worker:
    # frozen, the full collection after each job (`then_give_back`) walks only what the job
    # made, 0.1 ms instead of 60 ms, seven times for 200 articles.
    freeze_start_up()


def _job(func: Callable[..., T], *args: object) -> tuple[T, float, int]:
    """In the worker: run the job, give back what it freed, say how large the worker is now
    and which process it is."""
    result = then_give_back(func, *args)
    return result, resident_mb(), os.getpid()


def _noop() -> None:
    """A job that only starts (and so warms up) a fresh worker."""


class WorkerPool:
    """One worker, started on first use: `process` (spawned, warmed by `warm`, a picklable
    function, at `niceness` below the parent's priority, replaced once it has grown
    `recycle_mb` past its size warmed up, or `idle_recycle_mb` once it has had no
    work for `idle_seconds`; with `stop_when_idle`, stopped after `idle_seconds` without work
    and started again by the next job), `thread` or `inline` (on the caller)."""

    def __init__(
        self,
        mode: Mode = "process",
        *,
        warm: Callable[[], object] | None = None,
        recycle_mb: float = 96.0,
        idle_recycle_mb: float | None = None,
        idle_seconds: float = 10.0,
        stop_when_idle: bool = False,
        niceness: int = 0,
        name: str = "worker",
    ) -> None:
        self.mode: Mode = mode
        self.warm = warm
        self.recycle_mb = recycle_mb
        self.idle_recycle_mb = idle_recycle_mb
        self.idle_seconds = idle_seconds
        self.stop_when_idle = stop_when_idle
        self.niceness = niceness
        self.name = name
        self._executor: Executor | None = None
        self._lifeline: Lifeline | None = None
        # Jobs handed to the worker and not yet back (operators watch the NLP queue).
        self.pending = 0
        self._first_mb: float | None = None  # the worker's size warmed up, before any job
        self._outgrown = False  # replace the worker once its jobs are done
        self._grown = False  # replace it once it has been idle for idle_seconds
        self._idle_timer: asyncio.TimerHandle | None = None
        self.recycled = 0  # workers replaced for their size
        self.stopped_idle = 0  # workers stopped for want of work
        self.worker_pid: int | None = None  # the process that ran the latest job

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
                    initargs=(*self._lifeline.worker_args(), self.niceness, self.warm),
                )
            else:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix=self.name)
        return self._executor

    async def run(self, func: Callable[..., T], *args: object) -> T:
        """Run a picklable function with arguments in the worker and await its result."""
        executor = self._get_executor()
        if executor is None:
            return func(*args)
        self.pending += 1
        loop = asyncio.get_running_loop()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        try:
            if self.mode != "process":
                return await loop.run_in_executor(executor, func, *args)
            if self._first_mb is None:
                # Its size warmed up, before any job: what it grows past is measured from
                # there (weighed after its first job, a huge article first after a start or
                # a replacement hid that job's growth, and the worker was never replaced).
                _, self._first_mb, _ = await loop.run_in_executor(executor, _job, _noop)
            # A process worker gives back what each job freed (its memory would otherwise stay
            # at the size of the largest input it ever had, bot/workers/heap.py), says its size.
            result, size, pid = await loop.run_in_executor(executor, _job, func, *args)
            self.worker_pid = pid
            self._weigh(size)
            return result
        except BrokenProcessPool:
            # The worker died (killed, out of memory) and the pool is unusable: the next call
            # starts a new worker instead of failing every job after this one.
            self._discard(executor)
            raise
        finally:
            self.pending -= 1
            if self.pending == 0 and self._executor is executor:
                if self._outgrown:
                    self._retire(executor)
                elif self.stop_when_idle:
                    self._idle_timer = loop.call_later(self.idle_seconds, self._stop_idle, executor)
                elif self._grown:
                    self._idle_timer = loop.call_later(
                        self.idle_seconds, self._retire_idle, executor
                    )

    def _weigh(self, size: float) -> None:
        """Note the worker's size after a job; past its warmed size + recycle_mb it is due."""
        if self._first_mb is None:
            self._first_mb = size
        elif size > self._first_mb + self.recycle_mb:
            self._outgrown = True
        elif self.idle_recycle_mb is not None and size > self._first_mb + self.idle_recycle_mb:
            self._grown = True

    def _retire_idle(self, executor: Executor) -> None:
        """A worker that grew under a load and has had no work since is replaced by a fresh
        one, warmed up now (what it kept would otherwise stay until the next load)."""
        self._idle_timer = None
        if self.pending or self._executor is not executor:
            return
        self._retire(executor)
        fresh = self._get_executor()
        if fresh is not None:
            # Started and warmed now; the next job weighs it first (`run`), warmed, idle.
            fresh.submit(_noop)

    def _stop_idle(self, executor: Executor) -> None:
        """A worker with no work for `idle_seconds` is stopped, not replaced: the next job
        starts (and warms) a new one (the chart renderer: 70 MB held for charts that come
        seldom)."""
        self._idle_timer = None
        if self.pending or self._executor is not executor:
            return
        self._retire(executor)
        self.recycled -= 1  # stopped for want of work, not replaced for its size
        self.stopped_idle += 1

    def _retire(self, executor: Executor) -> None:
        """Replace an outgrown worker that has no work left: the next call starts a fresh one;
        this one exits once its queue (empty) is closed, then its lifeline is let go."""
        lifeline = self._lifeline
        self._executor, self._lifeline = None, None
        self._first_mb, self._outgrown, self._grown = None, False, False
        self.recycled += 1

        def stop() -> None:
            executor.shutdown(wait=True)
            if lifeline is not None:
                lifeline.release()

        threading.Thread(target=stop, name=f"{self.name}-retire", daemon=True).start()

    def _discard(self, executor: Executor) -> None:
        if self._executor is executor:
            executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            self._first_mb, self._outgrown, self._grown = None, False, False
            if self._lifeline is not None:
                self._lifeline.release()
                self._lifeline = None

    def close(self) -> None:
        """Stop the worker at once; safe to call twice. A job it is running is given up
        (waiting for a long article held a stopping bot for minutes)."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if self._lifeline is not None:
            self._lifeline.release()  # the worker exits at once, even mid-job
            self._lifeline = None
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
