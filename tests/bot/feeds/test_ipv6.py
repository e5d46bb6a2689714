"""IPv6 hosts: `ingest feed http://[::1]:PORT/…` keeps the brackets, so the feed is fetched now
and polled again later; the bot's own policy still refuses IPv6 loopback (tests allow it, as
they allow 127.0.0.1, through `FetchPolicy(allow_private=True)`)."""

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.feeds.fetcher import Fetcher, FetchError, FetchPolicy
from bot.ingest.urls import canonical_url
from bot.store import open_store

from .conftest import TEST_POLICY
from .newsroom import NewsSite
from .test_cli import newsdesk


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")


@pytest.fixture
async def site6() -> AsyncIterator[NewsSite]:
    """The loopback news site on [::1]."""
    async with NewsSite("::1") as news:
        yield news


def test_canonical_url_keeps_the_brackets_of_an_ipv6_host() -> None:
    assert canonical_url("http://[::1]:18080/ok.xml") == "http://[::1]:18080/ok.xml"
    assert canonical_url("HTTPS://[2001:DB8::1]:443/a?utm_source=x") == "https://[2001:db8::1]/a"
    assert canonical_url("http://[fe80::1%25eth0]:80/") == "http://[fe80::1%25eth0]/"
    assert canonical_url("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080/a"


@needs_ipv6
async def test_ingest_feed_at_an_ipv6_address_is_stored_with_brackets_and_polled_again(
    site6: NewsSite, tmp_path: Path
) -> None:
    db = tmp_path / "news.db"
    url = site6.url("/harbour/rss.xml")
    assert url.startswith("http://[::1]:")

    code, output = await newsdesk(db, "ingest", "--no-nlp", "feed", url)
    assert code == 0, output
    assert "feed Harbour Times – Coast & Port: ok, 3 new item(s), 3 new article(s)" in output
    # Known by its stored address: polled again (a conditional GET), not "not a web address".
    code, output = await newsdesk(db, "ingest", "--no-nlp", url)
    assert code == 0, output
    assert "feed Harbour Times – Coast & Port: not modified, 0 new item(s)" in output

    async with await open_store(db) as store:
        assert [feed.url for feed, _ in await store.all_feeds()] == [url]
        urls = sorted(a.url or "" for a in await store.latest_articles(10))
    assert urls[0].startswith("http://[::1]:") and len(urls) == 3


@needs_ipv6
async def test_the_bots_policy_refuses_ipv6_loopback_unless_allowed(
    site6: NewsSite, clock: FakeClock
) -> None:
    url = site6.url("/harbour/rss.xml")
    port = url.split("]:", 1)[1].split("/", 1)[0]
    async with Fetcher(FetchPolicy(), clock=clock) as fetcher:
        for address in (url, f"http://[::ffff:127.0.0.1]:{port}/harbour/rss.xml"):
            with pytest.raises(FetchError, match="private and loopback") as caught:
                await fetcher.get(address)
            assert caught.value.kind == "blocked"
    assert site6.hits["/harbour/rss.xml"] == 0
    async with Fetcher(TEST_POLICY, clock=clock) as fetcher:
        fetched = await fetcher.get(url)
    assert b"Harbour Times" in fetched.body
