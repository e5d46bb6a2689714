"""Feed entries to article drafts: each linked page's full text, fetched once per poll cycle."""

from __future__ import annotations

import asyncio
import logging

from bot.feeds.fetcher import Fetcher, FetchError
from bot.feeds.parse import FeedEntry, NoArticle, PageArticle, entry_draft, extract_article
from bot.ingest.urls import canonical_url
from bot.models import ArticleDraft
from bot.store import SeenItem, Store
from bot.tasks import BackgroundTasks

log = logging.getLogger(__name__)

# (entry, draft or None if already stored, whether full text was extracted)
PreparedEntry = tuple[FeedEntry, ArticleDraft | None, bool | None]


class EntryPages:
    """Prepares feed entries as drafts; feeds listing the same page share one fetch."""

    def __init__(self, store: Store, fetcher: Fetcher) -> None:
        self.store = store
        self.fetcher = fetcher
        self._extracting: dict[tuple[str, str], asyncio.Future[PageArticle]] = {}
        # Each page's fetch is a task the feeds listing it await together; the expected
        # failures are theirs to handle, anything else is logged here too.
        self._tasks = BackgroundTasks("feed-pages")

    def forget(self) -> None:
        """End of a cycle: pages are fetched anew in the next one."""
        self._extracting.clear()

    async def prepare(self, entry: FeedEntry, source: str, selector: str = "") -> PreparedEntry:
        """(entry, draft or None if already stored, whether full text was extracted); the
        feed's CSS `selector`, if it has one, picks the text on the page."""
        if entry.link:
            known = await self.store.article_id_for(canonical_url(entry.link), "")
            if known is not None:
                return entry, None, None  # another feed brought it: reuse, fetch nothing
        if entry.full_text or not entry.link:
            return entry, entry_draft(entry, source, None), entry.full_text or None
        try:
            article = await self._extract(entry.link, selector)
        except (FetchError, NoArticle) as exc:
            log.info("no full text for %s: %s", entry.link, exc)
            return entry, entry_draft(entry, source, None), False
        return entry, entry_draft(entry, source, article), True

    async def _extract(self, link: str, selector: str) -> PageArticle:
        """Fetch and extract a page; feeds listing it in the same cycle (with the same
        selector) share one fetch."""
        key = (canonical_url(link), selector)
        task = self._extracting.get(key)
        if task is None:

            async def work() -> PageArticle:
                page = await self.fetcher.fetch_page(link)
                return await asyncio.to_thread(extract_article, page.body, page.url, selector)

            task = self._extracting[key] = self._tasks.spawn(
                work(), name=key[0][:80], suppressed=(FetchError, NoArticle)
            )
        return await asyncio.shield(task)

    async def seen_item(self, entry: FeedEntry, draft: ArticleDraft | None) -> SeenItem:
        """The feed item as recorded: its guid, link and the article it is stored as."""
        if draft is None:
            assert entry.link is not None
            article_id = await self.store.article_id_for(canonical_url(entry.link), "")
        else:
            article_id = await self.store.article_id_for(draft.origin, draft.content_hash)
        return SeenItem(entry.guid, entry.link, article_id)
