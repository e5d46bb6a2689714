"""What several commands share: the configured database for one command, and the NLP step
that new articles go through."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

from bot.config import Settings
from bot.ingest import Enricher
from bot.nlp.enrichment import NlpFailure, enrich_articles
from bot.store import Store
from bot.store.backend import open_store
from bot.terminal import shown


async def open_settings_store(settings: Settings) -> Store:
    """Open the configured database, its search index where the settings say."""
    return await open_store(settings.store_url, index_dir=settings.search_index_dir or None)


def with_store(settings: Settings, work: Callable[[Store], Awaitable[int]]) -> int:
    """Open the configured database, run `work` on it, and close it."""

    async def runner() -> int:
        async with await open_settings_store(settings) as store:
            return await work(store)

    return asyncio.run(runner())


def enricher_for(
    store: Store, enabled: bool, failed: list[NlpFailure] | None = None
) -> Enricher | None:
    """The NLP step to run on new articles, or None when NLP is disabled (`--no-nlp`).
    Articles it cannot analyse go to `failed` (to be said once, in `not_analysed` lines)."""
    if not enabled:
        return None
    told = failed.append if failed is not None else None
    return lambda ids: enrich_articles(store, ids, on_failure=told)


def not_analysed(failures: Iterable[NlpFailure]) -> list[str]:
    """One rich markup line per article the NLP step could not analyse, with the reason."""
    return [f"[yellow]not analysed[/] #{f.article_id}: {shown(f.reason)}" for f in failures]
