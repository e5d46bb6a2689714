"""The texts both old story rules were tested on: the feeds' storm pages (near-duplicate wire
copy, and other stories from the same site) and the digests' short reports."""

from __future__ import annotations

from bot.feeds.parse import extract_article
from tests.bot.digest.test_composer import FIRE, HARBOUR, VOTE
from tests.bot.feeds.newsroom import FIXTURES

__all__ = ["FIRE", "HARBOUR", "VOTE", "page_text"]


def page_text(name: str) -> tuple[str, str]:
    """A fixture page's headline and body as the feeds read them."""
    page = extract_article((FIXTURES / name).read_bytes())
    return page.title, page.body
