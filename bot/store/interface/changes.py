"""What the running bot plans by, and how it hears that another process changed it: the
digest schedules (the scheduler), the feeds with their subscriptions (the poller) and the
server settings (the prefix it caches)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

# Topic ("digests", "feeds", "settings") -> a version every write to its tables bumps.
ChangeMarks = dict[str, int]


class ChangeStore(Protocol):
    """Change marks every writer bumps, and (PostgreSQL) a push when they move."""

    async def change_marks(self) -> ChangeMarks:
        """Each topic's version now; a write from any connection or process (the web, the
        CLI, a restore) to its tables has bumped it, whoever wrote and however."""
        ...

    async def listen_for_changes(
        self, changed: Callable[[], None]
    ) -> Callable[[], Awaitable[None]] | None:
        """Call `changed` as soon as a change is committed anywhere (PostgreSQL: LISTEN on a
        connection of its own); return how to stop, or None where there is no such push
        (SQLite: callers read `change_marks` now and then, which costs one tiny query)."""
        ...
