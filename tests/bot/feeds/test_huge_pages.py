"""A feed page's text is kept up to a bound (issue 16, class 1): a 9 MB page's cleaning,
hashing and story placing each held the GIL for up to half a second, stalling everyone."""

from __future__ import annotations

import dataclasses
import json

import lxml.html
import pytest

from bot.feeds import pages
from bot.feeds.fetcher import Fetcher
from bot.feeds.long_pages import first_part
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


def _long_page(paragraphs: int, charset: str = "utf-8") -> bytes:
    """A page with a head (title, a large JSON-LD script), a menu, an article of numbered
    paragraphs of ~100 characters each, and a footer."""
    data = json.dumps({"@type": "NewsArticle", "headline": "Long", "filler": "x" * 50_000})
    paragraph = "Officials in Doha said the harbour talks would go on, café owners waited."
    body = "".join(f"<p>Paragraph {n}. {paragraph}</p>\n" for n in range(paragraphs))
    return (
        f'<html><head><meta charset="{charset}"><title>Long</title>'
        f'<script type="application/ld+json">{data}</script></head><body>'
        '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>Long</h1>{body}</article><footer>Copyright Harbour Times</footer>"
        "</body></html>"
    ).encode(charset)


def test_the_extractor_is_given_a_huge_pages_first_part_only() -> None:
    """The soak's 9 MB page: trafilatura's memory and CPU grew with the whole page (233 MB
    in the NLP worker) for text cut off right after; now it reads the first part."""
    page = _long_page(1_000)  # ~90,000 characters of text

    part = first_part(page, 10_000)

    assert isinstance(part, str)
    tree = lxml.html.fromstring(part)
    assert tree.findtext(".//title") == "Long"
    assert "filler" in part  # the head is kept whole: its script is not the page's text
    text = tree.find(".//body").text_content()
    assert "Paragraph 0." in text and "Paragraph 100." in text
    assert 10_000 <= len(text) <= 10_400  # up to the paragraph that went past the bound
    assert "Paragraph 120." not in text and "Copyright" not in text


def test_a_page_within_the_read_bound_is_given_whole_and_unparsed() -> None:
    page = _long_page(50)
    assert first_part(page, 100_000) is page  # text within the bound: parsed once, later
    assert first_part(page, len(page)) is page  # no text is longer than its page


@pytest.mark.parametrize("charset", ["utf-8", "iso-8859-1"])
def test_a_huge_page_read_in_part_gives_the_article_the_whole_page_gave(
    monkeypatch: pytest.MonkeyPatch, charset: str
) -> None:
    page = _long_page(1_000, charset)
    monkeypatch.setattr(pages, "MAX_PAGE_CHARS", 20_000)
    monkeypatch.setattr(pages, "READ_CHARS", 10**9)
    whole = page_article(page, "https://news.example/long")
    monkeypatch.setattr(pages, "READ_CHARS", 40_000)

    article = page_article(page, "https://news.example/long")

    assert article == whole
    assert "café owners" in article.body
    assert article.body.endswith(CUT_NOTE.format(chars=20_000))


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
