"""Feed entries to article drafts: each linked page's full text, fetched once per poll cycle."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable

from bot.feeds.fetcher import Fetcher, FetchError
from bot.feeds.long_pages import first_part
from bot.feeds.parse import FeedEntry, NoArticle, PageArticle, entry_draft, extract_article
from bot.ingest.urls import canonical_url
from bot.models import ArticleDraft
from bot.store import SeenItem, Store
from bot.tasks import BackgroundTasks

log = logging.getLogger(__name__)

# (entry, draft or None if already stored, whether full text was extracted)
PreparedEntry = tuple[FeedEntry, ArticleDraft | None, bool | None]


# Runs `page_article(body, url, selector)` away from the event loop. A 9 MB page takes trafilatura
# seconds of CPU, holding the GIL much of it: the bot runs it in its NLP worker process
# (bot/client/feeds.py), so the loop it shares with every user keeps its pace.
Extractor = Callable[[bytes, str, str], Awaitable[PageArticle]]
# A page's text is kept up to this many characters (cut at a paragraph, and said): past it,
# cleaning, hashing and placing the article in a story each held the GIL for up to half a
# second at a time (a 9 MB page), stalling every user's command meanwhile.
MAX_PAGE_CHARS = 1_000_000
CUT_NOTE = "[The page's text goes on past {chars:,} characters; the rest was not kept.]"
# Characters of a page's text the extractor reads: twice what is kept, room for menus and
# other boilerplate before the article. The extractor's work (its memory, in the NLP worker,
# beside the bot's) grew with the whole page: the soak's 9 MB page took 233 MB and 6.7 s of
# CPU to extract text cut off right after; its first 2,000,000 characters, 55 MB and 1.1 s.
READ_CHARS = 2 * MAX_PAGE_CHARS


def page_article(body: bytes, url: str, selector: str = "") -> PageArticle:
    """`extract_article` (through the feed's CSS `selector`, if any) of the page's first
    READ_CHARS characters of text (`first_part`), its text cut at the last paragraph before
    MAX_PAGE_CHARS."""
    article = extract_article(first_part(body, READ_CHARS), url, selector)
    if len(article.body) <= MAX_PAGE_CHARS:
        return article
    cut = article.body.rfind("\n\n", 0, MAX_PAGE_CHARS)
    kept = article.body[: cut if cut > 0 else MAX_PAGE_CHARS].rstrip()
    note = CUT_NOTE.format(chars=MAX_PAGE_CHARS)
    return dataclasses.replace(article, body=f"{kept}\n\n{note}")


async def in_thread(body: bytes, url: str, selector: str = "") -> PageArticle:
    """Extract in a worker thread of this process (the default, for tools and tests)."""
    return await asyncio.to_thread(page_article, body, url, selector)


class EntryPages:
    """Prepares feed entries as drafts; feeds listing the same page share one fetch."""

    def __init__(self, store: Store, fetcher: Fetcher, extract: Extractor | None = None) -> None:
        self.store = store
        self.fetcher = fetcher
        self.extract = extract or in_thread
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
                return await self.extract(page.body, page.url, selector)

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
            # Ingest stored it under its own address: found without its text's hash (a
            # million-character page's is a third of a second of the event loop under load).
            article_id = await self.store.article_id_for(draft.origin, "")
            if article_id is None:
                # Stored as the same text from elsewhere: found by the hash, worked out (once:
                # a cached property) in a thread.
                digest = await asyncio.to_thread(lambda: draft.content_hash)
                article_id = await self.store.article_id_for(draft.origin, digest)
        return SeenItem(entry.guid, entry.link, article_id)
