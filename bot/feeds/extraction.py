"""A feed's own CSS selector for its articles' text, when trafilatura picks the wrong part of the
page (a teaser, a comment thread): setting it on a subscription, trying it on the feed's latest
article page, and saying where an article's text came from (the delivery log's "text source").
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.feeds.fetcher import Fetcher, FetchError
from bot.feeds.parse import NoArticle, extract_article
from bot.feeds.selectors import check_selector
from bot.store import FeedOptions, Store


def text_source(metadata: Mapping[str, Any]) -> str:
    """Where an article's text came from, for the delivery log: its page as trafilatura read
    it, its page through the feed's CSS selector, the feed's own text, or its title alone."""
    how = metadata.get("text_from")
    if how == "page":
        selector = metadata.get("selector")
        return f"page, CSS selector {selector}" if selector else "page, trafilatura"
    if how == "feed":
        return "the feed's own text"
    if how == "title":
        return "the title only"
    return "a file or page ingested by hand"


async def text_sources(store: Store, article_ids: Sequence[int]) -> dict[int, str]:
    """Where each of these articles' text came from (see `text_source`), by article id."""
    return {a.id: text_source(a.metadata) for a in await store.articles(list(article_ids))}


async def set_selector(
    store: Store, guild_id: int, subscription_id: int, text: str | None
) -> FeedOptions | None:
    """Set (or with '' / "none", clear) the CSS selector of one of this guild's subscriptions,
    checked first; None when the guild has no such subscription. New articles use it."""
    selector = check_selector(text)
    async with store.transaction():
        if selector is None:
            return await store.set_feed_options(guild_id, subscription_id)
        return await store.set_feed_options(guild_id, subscription_id, selector=selector)


@dataclass(frozen=True)
class SelectorTrial:
    """What a selector picks on a feed's latest article page (or why nothing could be read)."""

    url: str | None
    text: str = ""  # the text it selected ('' when too little: trafilatura's text is kept)
    problem: str = ""

    @property
    def words(self) -> int:
        """How many words the selector picked."""
        return len(self.text.split())


async def try_selector(
    store: Store, fetcher: Fetcher, feed_id: int, selector: str
) -> SelectorTrial:
    """Read the feed's latest article page with `selector`, to show the admin what it picks."""
    latest = next((a for a in await store.feed_articles(feed_id, 5) if a.url), None)
    if latest is None or latest.url is None:
        return SelectorTrial(None, problem="the feed has no article page yet")
    try:
        page = await fetcher.fetch_page(latest.url)
        article = await asyncio.to_thread(extract_article, page.body, page.url, selector)
    except (FetchError, NoArticle) as exc:
        return SelectorTrial(latest.url, problem=str(exc))
    if not article.selector:
        return SelectorTrial(latest.url, problem="it selects too little there")
    return SelectorTrial(latest.url, article.body)
