"""Background tasks that cannot vanish: each is kept by reference, named, and its failure is
logged; every task the bot starts goes through this module.

asyncio keeps only a weak reference to a task, so a task nobody holds can be garbage-collected
mid-flight, and an exception nobody retrieves is reported late or never. `BackgroundTasks` holds
every task it starts until it finishes, logs the traceback of any that fails, and cancels them as
a group (modelled on python-discord bot-core's `scheduling.create_task`, without its module-level
set). The helpers below cover the shorter-lived shapes: `first_of` (wait for whichever happens
first), `while_kept` (work that stops when its lease is lost) and `alongside` (a heartbeat for
as long as a block runs). `meter_tasks` times every task's steps for bot/work.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from bot.work import Meter, metered

log = logging.getLogger(__name__)

T = TypeVar("T")


class LeaseLost(Exception):
    """The lease under which work ran ended (its keeper returned or failed) before the work."""


class BackgroundTasks:
    """A set of running tasks owned by one component (the bot, a cog, a pager, a poller)."""

    def __init__(self, owner: str = "newsdesk") -> None:
        self.owner = owner
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        name: str,
        suppressed: tuple[type[BaseException], ...] = (),
    ) -> asyncio.Task[T]:
        """Start `coro` as a task kept until done; its exception (unless `suppressed`) is logged."""
        task = asyncio.get_running_loop().create_task(coro, name=f"{self.owner}:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda done: _log_failure(done, suppressed))
        return task

    async def cancel_all(self, grace: float = 5.0) -> None:
        """Cancel every running task and wait (up to `grace` seconds) for them to finish."""
        current = asyncio.current_task()
        pending = [t for t in self._tasks if t is not current]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=grace)


async def first_of(*waits: Awaitable[Any]) -> int:
    """Wait until the first of `waits` finishes and return its position. Coroutines among
    them run as tasks that are cancelled, and awaited, as soon as this returns or is cancelled
    (e.g. by `asyncio.timeout`); a coroutine that failed first raises here. Tasks passed in
    are left running for their owner."""
    owned = [not isinstance(wait, asyncio.Future) for wait in waits]
    futures = [asyncio.ensure_future(wait) for wait in waits]
    started = [future for future, own in zip(futures, owned, strict=True) if own]
    try:
        done, _ = await asyncio.wait(futures, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for future in started:
            future.cancel()
        if started:
            await asyncio.wait(started)
    first = next(i for i, future in enumerate(futures) if future in done)
    if owned[first] and not futures[first].cancelled():
        futures[first].result()  # raises what the waiting coroutine raised
    return first


async def while_kept(
    work: Coroutine[Any, Any, T], keeper: Coroutine[Any, Any, Any], *, name: str
) -> T:
    """Run `work` while `keeper` (e.g. a lease's heartbeat, which returns once the lease is
    no longer ours) runs beside it; return what `work` returns or raise what it raises. If
    the keeper ends first, the work is cancelled and `LeaseLost` raised. Both stop with the
    caller."""
    loop = asyncio.get_running_loop()
    task = loop.create_task(work, name=f"{name}:work")
    keeping = loop.create_task(keeper, name=f"{name}:lease")
    lost = False
    try:
        await asyncio.wait((task, keeping), return_when=asyncio.FIRST_COMPLETED)
        lost = not task.done()
    finally:
        keeping.cancel()
        task.cancel()  # a no-op once it is done
        await asyncio.wait((task, keeping))
    failure = None if keeping.cancelled() else keeping.exception()
    if lost:
        raise LeaseLost(f"{name}: the lease ended before the work") from failure
    if failure is not None:
        log.warning("%s: keeping the lease failed after the work ended", name, exc_info=failure)
    return task.result()


@contextlib.asynccontextmanager
async def alongside(coro: Coroutine[Any, Any, Any], *, name: str) -> AsyncIterator[None]:
    """Run `coro` (e.g. a job's heartbeat) as a task for as long as the block runs, then
    cancel and await it; its failure is logged, never raised into the block."""
    task = asyncio.get_running_loop().create_task(coro, name=name)
    task.add_done_callback(lambda done: _log_failure(done, ()))
    try:
        yield
    finally:
        task.cancel()
        await asyncio.wait((task,))


def _log_failure(task: asyncio.Task[Any], suppressed: tuple[type[BaseException], ...]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        error = task.exception()
        if error is not None and not isinstance(error, suppressed):
            log.error("background task %s failed", task.get_name(), exc_info=error)


def meter_tasks(
    loop: asyncio.AbstractEventLoop, finished: Callable[[Meter], None]
) -> Callable[[], None]:
    """Meter every task started on `loop` from now on: each gets a `Meter` (bot/work.py)
    that times its steps, and `finished(meter)` is told when a task whose meter was labelled
    (a user's command) ends. Returns what puts the loop's previous task factory back."""
    previous = loop.get_task_factory()

    def factory(
        loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **options: Any
    ) -> asyncio.Future[Any]:
        meter = Meter()
        wrapped = metered(coro, meter)
        task = (
            previous(loop, wrapped, **options)
            if previous is not None
            else asyncio.Task(wrapped, loop=loop, **options)
        )
        task.add_done_callback(lambda _: finished(meter) if meter.label else None)
        return task

    loop.set_task_factory(factory)  # type: ignore[arg-type]
    return lambda: loop.set_task_factory(previous)
