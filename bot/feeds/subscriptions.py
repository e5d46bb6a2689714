"""Subscribing channels to feeds: address checks, one validating fetch, filters as searches."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.clock import Clock, SystemClock, utc_iso
from bot.errors import NewsdeskError, TooBroad
from bot.feeds.fetcher import Fetched, Fetcher, FetchError
from bot.feeds.parse import FeedFormatError, ParsedFeed, discover_feed_link, parse_feed
from bot.feeds.shortcuts import SITES, ShortcutSites, feed_address
from bot.ingest.urls import canonical_url
from bot.search import matching, resolve_entities
from bot.search.cost import check_search
from bot.search.query import clean, parse_query
from bot.store import Feed, Store, Subscription

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 15 * 60
MAX_URL_CHARS = 2000
MAX_FILTER_CHARS = 300

# A filter that is one `entity:` or `source:` and no words (the search language needs a word).
_ONLY_FILTER = re.compile(r'^(entity|source):\s*(?:"([^"]+)"|(.+))$', re.IGNORECASE)
# Looks up the article ids that mention an entity (bot.nlp.lookup.entity_article_ids).
EntityResolver = Callable[[str], Awaitable[Sequence[int]]]


class FeedUrlError(NewsdeskError):
    """The text given is not a web address a feed could live at."""


@dataclass(frozen=True)
class FeedPreview:
    """A feed as fetched once: where it really lives, its title and entries."""

    url: str  # canonical URL after redirects and discovery: the feed's identity
    feed: ParsedFeed

    @property
    def title(self) -> str:
        """The feed's title, else its address."""
        return self.feed.title or self.url


def normalise_feed_url(text: str) -> str:
    """Check a user-typed feed address; add https:// when no scheme was typed."""
    text = clean(text).strip().strip("<>")
    if not text or len(text) > MAX_URL_CHARS or any(ch.isspace() for ch in text):
        raise FeedUrlError("Give the feed's web address, e.g. https://example.com/rss.xml")
    if "://" not in text:
        text = "https://" + text
    scheme = text.split("://", 1)[0].lower()
    if scheme not in {"http", "https"}:
        raise FeedUrlError("Only http:// and https:// feeds can be followed.")
    return text


async def preview_feed(fetcher: Fetcher, url: str, *, sites: ShortcutSites = SITES) -> FeedPreview:
    """Fetch and parse a feed once: a YouTube, Reddit or Mastodon address becomes its feed
    (bot.feeds.shortcuts), a web page is read for the link to its feed, if it has one.

    Raises FetchError or FeedFormatError with a message fit for the user.
    """
    address = normalise_feed_url(url)
    shortcut = feed_address(address, sites)
    if shortcut is not None and shortcut != address:
        try:
            return await _read_feed(await fetcher.get(shortcut))
        except (FetchError, FeedFormatError):
            pass  # not what the address looked like (a site that is not Mastodon): read it
    fetched = await fetcher.get(address)
    try:
        return await _read_feed(fetched)
    except FeedFormatError:
        # People paste the site's address; pages announce their feed with <link rel=alternate>.
        link = await asyncio.to_thread(discover_feed_link, fetched.body, fetched.url)
        if link is None or canonical_url(link) == canonical_url(fetched.url):
            raise
        return await _read_feed(await fetcher.get(link))


async def _read_feed(fetched: Fetched) -> FeedPreview:
    content_type = fetched.headers.get("content-type")
    parsed = await asyncio.to_thread(parse_feed, fetched.body, fetched.url, content_type)
    return FeedPreview(url=canonical_url(fetched.url), feed=parsed)


def _only_filter(text: str) -> tuple[str, str] | None:
    """("entity" | "source", value) when the filter is that one filter and no words."""
    match = _ONLY_FILTER.match(text)
    if not match:
        return None
    value = (match[2] or match[3] or "").strip()
    return (match[1].lower(), value) if value else None


def check_filter(text: str | None, *, entities_available: bool) -> str:
    """Validate a subscription filter (search language, or just `entity:` / `source:`);
    return it cleaned, '' for none."""
    text = " ".join(clean(text or "").split())
    if not text:
        return ""
    if len(text) > MAX_FILTER_CHARS:
        raise FeedUrlError(f"Keep the filter under {MAX_FILTER_CHARS} characters.")
    only = _only_filter(text)
    entities = [only[1]] if only and only[0] == "entity" else []
    if only is None:
        entities = list(parse_query(text).filters.entities)  # QueryError: a friendly message
    if entities and not entities_available:
        raise FeedUrlError("`entity:` filters need the entity index, which isn't loaded.")
    return text


async def check_filter_cost(store: Store, text: str) -> None:
    """Refuse (TooBroad, one line) a filter whose search would cost more than a search may:
    it runs on every batch of new items."""
    if text and _only_filter(text) is None:
        await check_search(store, parse_query(text))


async def subscribe(
    store: Store,
    preview: FeedPreview,
    *,
    guild_id: int,
    channel_id: int,
    created_by: int,
    filter_text: str = "",
    role_id: int | None = None,
    clock: Clock | None = None,
    interval_seconds: int = DEFAULT_INTERVAL_SECONDS,
    backfill: int = 0,
) -> tuple[Subscription, Feed, bool]:
    """Subscribe a channel to a previewed feed; return the subscription, feed, and if it is new.

    A feed new to Newsdesk is due at once; its first poll records what it already lists, so
    a channel only hears of items published after it subscribed (and, with `backfill`, of the
    latest few, once).
    """
    now = utc_iso((clock or SystemClock()).now())
    async with store.transaction():
        feed = await store.add_feed(preview.url, now, interval_seconds)
        if not feed.title and preview.feed.title:
            feed = dataclasses.replace(feed, title=preview.feed.title)
            await store.save_feed(feed)
        subscription, created = await store.add_subscription(
            guild_id=guild_id,
            channel_id=channel_id,
            feed_id=feed.id,
            filter_text=filter_text,
            role_id=role_id,
            created_by=created_by,
            now=now,
            backfill=backfill,
        )
    return subscription, feed, created


async def matching_articles(
    store: Store,
    filter_text: str,
    article_ids: Sequence[int],
    entity_articles: EntityResolver | None = None,
) -> set[int]:
    """Which of these articles a subscription filter lets through (all, when it has none)."""
    if not filter_text or not article_ids:
        return set(article_ids)
    only = _only_filter(filter_text)
    if only is not None:
        kind, value = only
        if kind == "source":
            wanted = value.casefold()
            return {
                a.id for a in await store.articles(article_ids) if a.source.casefold() == wanted
            }
        if entity_articles is None:
            return set()
        return set(article_ids) & set(await entity_articles(value))
    query = parse_query(filter_text)
    if query.filters.entities and entity_articles is None:
        return set()  # an entity filter without the entity index lets nothing through
    try:
        return await matching(store, await resolve_entities(query, entity_articles), article_ids)
    except TooBroad:
        # Saved before the archive grew past its budget: it lets nothing through rather than
        # holding up the feed's other subscriptions (its channel can narrow it).
        log.warning("feed filter %r is too broad to run; nothing passes it", filter_text)
        return set()
