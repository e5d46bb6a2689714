"""Background tasks that cannot vanish: each is kept by reference and its failure is logged.

asyncio keeps only a weak reference to a task, so a task nobody holds can be garbage-collected
mid-flight, and an exception nobody retrieves is reported late or never. `BackgroundTasks` holds
every task it starts until it finishes and logs the traceback of any that fails (modelled on
python-discord bot-core's `scheduling.create_task`, without its module-level set).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class BackgroundTasks:
    """A set of running tasks owned by one component (the bot, a cog, a pager)."""

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


def _log_failure(task: asyncio.Task[Any], suppressed: tuple[type[BaseException], ...]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        error = task.exception()
        if error is not None and not isinstance(error, suppressed):
            log.error("background task %s failed", task.get_name(), exc_info=error)
