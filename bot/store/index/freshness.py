"""One freshness read for the searches that arrive together: before a search the database's
highest `search_seq` is read to see whether the index is behind it (searching.py). In a burst
of 50 searches that was 50 reads queueing for the read connections beside the page rows they
also wait for; now one read runs at a time, and the searches that arrive while it runs share
the next one. Every read a search is answered by was sent after the search arrived, so it
sees every commit made before then (another process's too), as a read of its own would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class SharedCheck:
    """Runs a check for the searches waiting on it: at most one at a time, the searches that
    arrive meanwhile batched behind it and served by one more."""

    def __init__(self) -> None:
        # The batch still taking searches (its check not yet sent), and the last one sent.
        self._open: asyncio.Future[bool] | None = None
        self._sent: asyncio.Future[bool] | None = None

    async def run(self, check: Callable[[], Awaitable[None]]) -> None:
        """Run `check`, or wait for a run of it that starts after this call."""
        loop = asyncio.get_running_loop()
        batch = self._open
        if batch is not None and not batch.done() and batch.get_loop() is loop:
            if await asyncio.shield(batch):
                return
            await check()  # its leader failed or was cancelled with its search: check alone
            return
        batch = self._open = loop.create_future()
        checked = False
        try:
            sent = self._sent
            if sent is not None and not sent.done() and sent.get_loop() is loop:
                # The check running now may have read before this search arrived.
                await asyncio.wait([sent])
            self._open, self._sent = None, batch  # later arrivals wait for the next one
            await check()
            checked = True
        finally:
            if self._open is batch:
                self._open = None
            if not batch.done():
                batch.set_result(checked)
