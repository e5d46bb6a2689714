"""Changes made elsewhere, acted on: the web (or the CLI, or another process) writes a digest
schedule, a feed or a server setting, and the running bot's cogs hear which (`store_changed`):
the digest scheduler replans and the prefix cache forgets, without a restart.

The store counts every write to what they plan by (`Store.change_marks`, kept by triggers);
on PostgreSQL a NOTIFY wakes the watcher at once, on SQLite it reads the marks every
`every` (one tiny query). Time comes from the injected clock.

    watcher = ChangeWatcher(store, changed=lambda topics: ..., clock=clock)
    tasks.spawn(watcher.run(), name="store-changes")
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from bot.clock import Clock
from bot.errors import StoreError
from bot.store import ChangeMarks, Store
from bot.tasks import first_of

log = logging.getLogger(__name__)

# How often the marks are read: SQLite has no push, so this is how late a change can be seen.
POLL = timedelta(seconds=5)
# With LISTEN a change arrives at once; the marks are still read now and then in case a
# notification was lost (a dropped connection).
POLL_WITH_PUSH = timedelta(minutes=5)


class ChangeWatcher:
    """Calls `changed(topics)` ("digests", "feeds", "settings") when a writer changed them."""

    def __init__(self, store: Store, changed: Callable[[set[str]], None], *, clock: Clock) -> None:
        self.store = store
        self.changed = changed
        self.clock = clock
        self._pushed = asyncio.Event()
        self.marks: ChangeMarks | None = None
        # Set once the marks were first read: changes after that are reported.
        self.watching = asyncio.Event()

    async def run(self) -> None:
        """Watch until cancelled."""
        stop = await self.store.listen_for_changes(self._pushed.set)
        every = POLL if stop is None else POLL_WITH_PUSH
        try:
            self.marks = await self.store.change_marks()
            self.watching.set()
            while True:
                await first_of(
                    self._pushed.wait(), self.clock.sleep_until(self.clock.now() + every)
                )
                self._pushed.clear()
                await self.look()
        finally:
            if stop is not None:
                await stop()

    async def look(self) -> set[str]:
        """Read the marks once; tell `changed` which topics moved (and return them)."""
        try:
            marks = await self.store.change_marks()
        except StoreError as exc:
            log.warning("could not read the change marks: %s", exc)
            return set()
        before = self.marks or {}
        moved = {topic for topic, version in marks.items() if before.get(topic) != version}
        self.marks = marks
        if moved:
            log.info("changed elsewhere: %s", ", ".join(sorted(moved)))
            self.changed(moved)
        return moved
