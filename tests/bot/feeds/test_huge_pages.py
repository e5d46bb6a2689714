"""A feed page's text is kept up to a bound (issue 16, class 1): a 9 MB page's cleaning,
hashing and story placing each held the GIL for up to half a second, stalling everyone."""

from __future__ import annotations

import dataclasses

from bot.feeds.fetcher import Fetcher
from bot.feeds.pages import CUT_NOTE, MAX_PAGE_CHARS, EntryPages, page_article
from bot.feeds.parse import FeedEntry
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.store import Store

from .conftest import TEST_POLICY


def test_a_huge_pages_text_is_cut_at_a_paragraph_and_says_so() -> None:
    paragraph = "Officials said the harbour talks would go on through the night. " * 10
    html = "".join(f"<p>{paragraph} {n}</p>" for n in range(2_000))
    page = f"<html><body><article><h1>Long</h1>{html}</article></body></html>".encode()

    article = page_article(page, "https://news.example/long")

    note = CUT_NOTE.format(chars=MAX_PAGE_CHARS)
    assert article.body.endswith("\n\n" + note)
    kept = article.body[: -len(note)].rstrip()
    assert len(kept) <= MAX_PAGE_CHARS
    assert kept[-1].isdigit()  # a whole paragraph ends the text kept


def test_a_page_within_the_bound_is_kept_whole() -> None:
    paragraph = "Officials said the harbour talks would go on through the night. " * 5
    html = "".join(f"<p>{paragraph}</p>" for _ in range(20))
    page = f"<html><body><article><h1>Short</h1>{html}</article></body></html>".encode()
    assert "not kept" not in page_article(page, "https://news.example/short").body


async def test_a_stored_page_is_recognised_without_hashing_its_text_on_the_event_loop(
    store: Store,
) -> None:
    """After ingest, the poller records which article each item became: by its address, not
    by hashing a million characters again on the event loop (found by the soak: a 290 ms
    stall); the same text from another address is still found, by its hash."""
    body = "Officials said the harbour talks would go on through the night.\n\n" * 2_000
    page = ArticleDraft(title="Long", body=body, origin="https://news.example/long")
    copy = dataclasses.replace(page, origin="https://other.example/copy")
    report = await ingest_drafts(store, [dataclasses.replace(page)])
    entry = FeedEntry("g1", page.origin, "Long", "", "", "", None)

    async with Fetcher(TEST_POLICY) as fetcher:
        pages = EntryPages(store, fetcher)
        seen = await pages.seen_item(entry, page)
        seen_copy = await pages.seen_item(entry, copy)

    assert seen.article_id == seen_copy.article_id == report.added[0]
    assert "content_hash" not in vars(page)  # never worked out for the page stored as itself
    assert "content_hash" in vars(copy)
