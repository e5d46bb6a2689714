"""Faults: each gives its feed a clear status, backs it off, and loses nothing of the others."""

import random
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.feeds.fetcher import Fetcher
from bot.feeds.poller import FeedPoller
from bot.store import Store

from .newsroom import RSS, NewsSite, Reply

MALFORMED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bad</title><item><title>x &nope; y'
)


@pytest.fixture
async def broken() -> AsyncIterator[NewsSite]:
    """A second site (its own host, so its 429s pause only itself) for the faulty feed."""
    async with NewsSite() as news:
        yield news


FAULTS: dict[str, tuple[Callable[[NewsSite], None], str, str]] = {
    "timeout": (lambda s: s.serve("/feed", s.hang), "timeout", "timed out after 0.5 s"),
    "404": (lambda s: None, "http 404", "HTTP 404 Not Found"),
    "500": (lambda s: s.serve("/feed", Reply(status=500)), "http 500", "HTTP 500"),
    "429": (
        lambda s: s.serve("/feed", Reply(status=429, headers={"Retry-After": "7200"})),
        "http 429",
        "HTTP 429 Too Many Requests",
    ),
    "malformed": (
        lambda s: s.serve("/feed", Reply(MALFORMED, content_type=RSS)),
        "malformed",
        "malformed XML (line 1, column",
    ),
    "30 MB": (lambda s: s.serve("/feed", s.huge), "too large", "over the 2 MB cap"),
    "redirect loop": (
        lambda s: (
            s.serve("/feed", s.redirect_to("/feed2")),
            s.serve("/feed2", s.redirect_to("/feed")),
        ),
        "redirects",
        "redirect loop",
    ),
    "web page": (
        lambda s: s.serve("/feed", Reply(s.fixture("homepage.html"))),
        "not a feed",
        "serves a web page, not RSS or Atom",
    ),
}


async def subscribe_raw(store: Store, url: str, channel: int, clock: FakeClock) -> int:
    """Subscribe without the validating fetch (a feed that broke after it was added)."""
    now = clock.now().isoformat(timespec="seconds")
    async with store.transaction():
        feed = await store.add_feed(url, now, 900)
        await store.add_subscription(
            guild_id=1,
            channel_id=channel,
            feed_id=feed.id,
            filter_text="",
            role_id=None,
            created_by=7,
            now=now,
        )
    return feed.id


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_fault_is_one_feeds_status_and_the_other_feed_still_lands(
    fault: str,
    site: NewsSite,
    broken: NewsSite,
    store: Store,
    fetcher: Fetcher,
    poller: FeedPoller,
    clock: FakeClock,
) -> None:
    arrange, status, error = FAULTS[fault]
    arrange(broken)
    bad = await subscribe_raw(store, broken.url("/feed"), 10, clock)
    good = await subscribe_raw(store, site.url("/harbour/rss.xml"), 11, clock)
    results = {r.feed.id: r for r in await poller.run_due()}
    assert results[bad].status == status
    assert results[bad].error is not None and error in results[bad].error
    assert results[good].status == "ok" and len(results[good].added) == 3
    feed = await store.feed(bad)
    assert feed is not None
    assert (feed.last_status, feed.failures) == (status, 1)
    assert feed.failing_since == clock.now().isoformat(timespec="seconds")
    assert error in (feed.last_error or "")
    assert feed.last_success_at is None
    delay = datetime.fromisoformat(feed.next_poll_at) - clock.now()
    if fault == "429":
        assert timedelta(hours=2) <= delay <= timedelta(hours=2.2)  # Retry-After honoured
    else:
        assert timedelta(minutes=15) <= delay <= timedelta(minutes=16.5)


async def test_500_then_recovery_backs_off_then_resets(
    broken: NewsSite, store: Store, fetcher: Fetcher, clock: FakeClock
) -> None:
    broken.serve(
        "/harbour/rss.xml",
        Reply(status=500),
        Reply(status=502),
        Reply(status=503),
        Reply(broken.fixture("harbour_cp1252.rss"), content_type=RSS),
    )
    poller = FeedPoller(store, fetcher, clock=clock, rng=random.Random(3))
    feed_id = await subscribe_raw(store, broken.url("/harbour/rss.xml"), 10, clock)
    delays = []
    for _ in range(3):
        feed = await store.feed(feed_id)
        assert feed is not None
        clock.set(max(clock.now(), datetime.fromisoformat(feed.next_poll_at)))
        [result] = await poller.run_due()
        assert not result.ok
        delays.append(datetime.fromisoformat(result.feed.next_poll_at) - clock.now())
    assert [round(d / timedelta(minutes=15)) for d in delays] == [1, 2, 4]  # exponential
    clock.set(datetime.fromisoformat(result.feed.next_poll_at))
    [result] = await poller.run_due()
    assert (result.status, result.feed.failures, result.feed.failing_since) == ("ok", 0, None)
    assert len(result.added) == 3


async def test_a_bug_in_one_feed_does_not_stop_the_others(
    site: NewsSite, store: Store, fetcher: Fetcher, clock: FakeClock
) -> None:
    from bot.feeds.parse import parse_feed

    def fragile(data: bytes, url: str, content_type: str | None):  # type: ignore[no-untyped-def]
        if "wire" in url:
            raise RuntimeError("parser bug")
        return parse_feed(data, url, content_type)

    poller = FeedPoller(store, fetcher, clock=clock, parse=fragile)
    wire = await subscribe_raw(store, site.url("/wire/atom.xml"), 10, clock)
    harbour = await subscribe_raw(store, site.url("/harbour/rss.xml"), 10, clock)
    results = {r.feed.id: r for r in await poller.run_due()}
    assert results[wire].status == "error"
    assert results[wire].error == "internal error: parser bug"
    assert results[harbour].status == "ok"
