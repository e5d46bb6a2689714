"""Letting go, now and then, of the search index's file pages that searches mapped in."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.store import Store

# Seconds between two releases. Reopening the 100k index takes about a millisecond, and the
# next searches page back in, from the system's file cache, only what they read (a first
# search after a release ~1-2 ms more); every 20 s the soak's bot still regrew 50 MB of the
# index between releases under load, and its peak was one of those moments.
RELEASE_EVERY = 5.0


async def release_index_pages_every(
    store: Store, clock: Clock, seconds: float = RELEASE_EVERY
) -> None:
    """Have the store let go of its index's mapped pages every `seconds` on `clock`, for as
    long as the task runs (the bot's): the pages a search touches stay in the process until
    the index is opened again, so they otherwise only grow (80 MB in the soak's bot)."""
    while True:
        await clock.sleep_until(clock.now() + timedelta(seconds=seconds))
        await store.release_search_pages()
