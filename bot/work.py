"""What one operation spent: CPU on the event loop and in the worker threads it used, and
deterministic units of work (index lists and postings a search was estimated to read,
searches run, article pages built, ...).

    meter = Meter("/search")
    await metered(handler(), meter)        # every step of the coroutine timed on its thread
    meter.units["pages"], meter.cpu_ms     # what it did, what it cost

Code doing work calls `spend("pages")`, and runs blocking work with `to_thread` (or wraps a
function another thread will run with `on_meter`) so that thread's CPU time counts for the
operation that asked for it. The bot meters each task it runs (bot/tasks.py `meter_tasks`)
and keeps what its commands spent (bot/client); tests read the units, the soak the CPU. The
budgets each operation is held to are in bot/budget.py. Imports nothing of the project, so
the store can attribute its database thread's work too.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Coroutine, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_CURRENT: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("meter", default=None)


@dataclass
class Meter:
    """What one operation spent so far; `label` names it (e.g. "/search") once it is known."""

    label: str = ""
    loop_seconds: float = 0.0
    thread_seconds: float = 0.0
    units: Counter[str] = field(default_factory=Counter)
    began: float = field(default_factory=time.monotonic)  # when the operation started

    @property
    def elapsed(self) -> float:
        """Seconds since the operation started (its whole time, once it has ended)."""
        return time.monotonic() - self.began

    @property
    def cpu_ms(self) -> float:
        """CPU time in milliseconds: its steps on the event loop plus its worker threads'."""
        return (self.loop_seconds + self.thread_seconds) * 1000


def current() -> Meter | None:
    """The meter of the operation running now, if it is metered."""
    return _CURRENT.get()


def spend(unit: str, amount: int = 1) -> None:
    """Count `amount` of `unit` against the operation running now (nothing if unmetered)."""
    meter = _CURRENT.get()
    if meter is not None:
        meter.units[unit] += amount


class _Metered(Coroutine[Any, Any, T]):
    """A coroutine whose every step is timed with the thread's CPU clock."""

    def __init__(self, coro: Coroutine[Any, Any, T], meter: Meter) -> None:
        self._coro = coro
        self._meter = meter

    def _step(self, advance: Callable[[], Any]) -> Any:
        # The meter is current for the step only (and for the threads it starts, which copy
        # the context), so awaiting a metered coroutine inside another leaves no trace.
        token = _CURRENT.set(self._meter)
        began = time.thread_time()
        try:
            return advance()
        finally:
            self._meter.loop_seconds += time.thread_time() - began
            _CURRENT.reset(token)

    def send(self, value: Any) -> Any:
        """Resume the coroutine with `value`, timed."""
        return self._step(lambda: self._coro.send(value))

    def throw(self, *error: Any) -> Any:
        """Raise into the coroutine, timed."""
        return self._step(lambda: self._coro.throw(*error))

    def close(self) -> None:
        """Close the wrapped coroutine."""
        self._coro.close()

    def __await__(self) -> Generator[Any, None, T]:
        return self  # type: ignore[return-value]

    def __iter__(self) -> _Metered[T]:
        return self

    def __next__(self) -> Any:
        return self.send(None)

    def __repr__(self) -> str:
        return f"<metered {self._coro!r}>"


def metered(coro: Coroutine[Any, Any, T], meter: Meter) -> Coroutine[Any, Any, T]:
    """`coro`, with the CPU time of each of its steps added to `meter`."""
    return _Metered(coro, meter)


def on_meter(function: Callable[[], T]) -> Callable[[], T]:
    """`function`, to be run on another thread, with that thread's CPU time counted for the
    operation running now (the one that hands it over)."""
    meter = _CURRENT.get()
    if meter is None:
        return function

    def timed() -> T:
        began = time.thread_time()
        try:
            return function()
        finally:
            meter.thread_seconds += time.thread_time() - began

    return timed


def started(function: Callable[..., T], /, *args: Any) -> asyncio.Future[T]:
    """`function` started now on a worker thread, its CPU counted for this operation like
    `to_thread`'s, for the caller to await later (a thread's future, not a task)."""
    call = on_meter(functools.partial(function, *args))
    return asyncio.get_running_loop().run_in_executor(None, contextvars.copy_context().run, call)


async def to_thread(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """`asyncio.to_thread`, with the worker thread's CPU time counted for this operation."""
    return await asyncio.to_thread(on_meter(functools.partial(function, *args, **kwargs)))


class Ledger:
    """What finished operations spent: the latest `keep` meters, the costliest of each label,
    and a warning in the log for any over `warn_ms` of CPU."""

    def __init__(self, *, keep: int = 256, warn_ms: float | None = None) -> None:
        self.recent: deque[Meter] = deque(maxlen=keep)
        self.worst: dict[str, Meter] = {}
        self.count: Counter[str] = Counter()
        self._warn_ms = warn_ms
        self._waiting: set[asyncio.Event] = set()

    def record(self, meter: Meter) -> None:
        """Keep a finished operation's meter."""
        self.recent.append(meter)
        self.count[meter.label] += 1
        known = self.worst.get(meter.label)
        if known is None or meter.cpu_ms > known.cpu_ms:
            self.worst[meter.label] = meter
        for waiter in self._waiting:
            waiter.set()
        if self._warn_ms is not None and meter.cpu_ms > self._warn_ms:
            log.warning(
                "%s used %.0f ms of CPU (over %.0f ms) in %.1f s: %s",
                meter.label,
                meter.cpu_ms,
                self._warn_ms,
                meter.elapsed,
                dict(meter.units),
            )

    def last(self, label: str) -> Meter | None:
        """The latest finished operation with this label."""
        return next((m for m in reversed(self.recent) if m.label == label), None)

    async def finished(self, label: str, count: int = 1) -> Meter:
        """Wait until `count` operations labelled `label` have finished; the latest one (a
        command's task ends a moment after its answer is sent)."""
        while self.count[label] < count:
            waiter = asyncio.Event()
            self._waiting.add(waiter)
            try:
                await waiter.wait()
            finally:
                self._waiting.discard(waiter)
        found = self.last(label)
        assert found is not None
        return found


def label_current(label: str) -> None:
    """Name the operation running now (its first name sticks), e.g. "/search"."""
    meter = _CURRENT.get()
    if meter is not None and not meter.label:
        meter.label = label
