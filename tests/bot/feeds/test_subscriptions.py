"""Subscribing: address checks, filters, and finding a site's feed from its home page."""

from pathlib import Path

import pytest

from bot.errors import QueryError, TooBroad
from bot.feeds.fetcher import Fetcher
from bot.feeds.subscriptions import (
    FeedUrlError,
    check_filter,
    check_filter_cost,
    matching_articles,
    normalise_feed_url,
    preview_feed,
)
from bot.ingest import ingest_paths
from bot.store import Store

from .newsroom import NewsSite, Reply


def test_addresses_get_a_scheme_and_odd_ones_are_refused() -> None:
    assert normalise_feed_url(" example.com/rss ") == "https://example.com/rss"
    assert normalise_feed_url("<http://example.com/feed>") == "http://example.com/feed"
    for bad in ("", "ftp://example.com/rss", "two words", "x" * 3000):
        with pytest.raises(FeedUrlError):
            normalise_feed_url(bad)


def test_filters_are_searches_or_one_entity_or_source() -> None:
    assert check_filter("  storm   OR flood ", entities_available=False) == "storm OR flood"
    assert check_filter(None, entities_available=False) == ""
    assert check_filter('source:"Coastal Wire"', entities_available=False)
    assert check_filter("entity:Hamas", entities_available=True) == "entity:Hamas"
    with pytest.raises(FeedUrlError, match="entity index"):
        check_filter("entity:Hamas", entities_available=False)
    with pytest.raises(QueryError):
        check_filter("-storm", entities_available=True)


async def test_a_site_address_finds_the_feed_it_links_to(site: NewsSite, fetcher: Fetcher) -> None:
    home = b'<html><head><link rel="alternate" type="application/rss+xml" '
    home += b'href="/harbour/rss.xml"></head><body>Harbour Times</body></html>'
    site.serve("/harbour/", Reply(home))
    preview = await preview_feed(fetcher, site.url("/harbour/"))
    assert preview.url == site.url("/harbour/rss.xml")
    assert preview.title == "Harbour Times – Coast & Port"
    assert len(preview.feed.entries) == 3


async def test_a_filter_too_broad_to_run_is_refused_and_a_saved_one_passes_nothing(
    store: Store, seed_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 16, class 1: a filter runs on every batch of new items, and a prefix is merged
    over the whole index each time. One too broad is refused when typed; one saved before the
    archive grew lets nothing through (logged) instead of failing the feed's poll for every
    channel that follows it."""
    report = await ingest_paths(store, [seed_file])
    flood = " OR ".join(f"{letter}*" for letter in "abcdefghijklmnopqrstuvwxyz" * 2)[:200]

    with pytest.raises(TooBroad):
        await check_filter_cost(store, flood)
    await check_filter_cost(store, "Qatar OR Egypt")
    await check_filter_cost(store, "entity:Hamas")

    assert await matching_articles(store, flood, report.added) == set()
    assert "too broad to run" in caplog.text
    assert await matching_articles(store, "Qatar", report.added) == set(report.added)
