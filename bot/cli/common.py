"""What several commands share: the configured database for one command, and the NLP step
that new articles go through."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.config import Settings
from bot.ingest import Enricher
from bot.nlp.enrichment import enrich_articles
from bot.store import Store
from bot.store.backend import open_store


def with_store(settings: Settings, work: Callable[[Store], Awaitable[int]]) -> int:
    """Open the configured database, run `work` on it, and close it."""

    async def runner() -> int:
        async with await open_store(settings.store_url) as store:
            return await work(store)

    return asyncio.run(runner())


def enricher_for(store: Store, enabled: bool) -> Enricher | None:
    """The NLP step to run on new articles, or None when NLP is disabled (`--no-nlp`)."""
    if not enabled:
        return None
    return lambda ids: enrich_articles(store, ids)
