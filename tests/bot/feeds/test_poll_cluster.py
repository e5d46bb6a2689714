"""Two pollers (two bots) on one database: each due feed fetched once, a dead owner taken over."""

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.feeds.fetcher import Fetcher
from bot.feeds.poller import FeedPoller
from bot.store import Store
from bot.store.backend import open_store

from .newsroom import NewsSite
from .test_poller import follow

FEEDS = ("/harbour/rss.xml", "/wire/atom.xml")
LEASE = timedelta(minutes=5)


@pytest.fixture
async def other_store(store: Store) -> AsyncIterator[Store]:
    """A second connection to the same database: another bot process's store."""
    async with await open_store(getattr(store, "url", store.path)) as opened:
        yield opened


def feed_fetches(site: NewsSite) -> dict[str, int]:
    """How often each feed document was requested from the site so far."""
    return {path: site.hits[path] for path in FEEDS}


async def next_due(store: Store, clock: FakeClock) -> None:
    """Move the clock to when every feed is due again."""
    feeds = [feed for feed, _ in await store.all_feeds()]
    clock.set(max(datetime.fromisoformat(f.next_poll_at) for f in feeds))


async def test_two_bots_fetch_each_due_feed_once(
    site: NewsSite, store: Store, other_store: Store, fetcher: Fetcher, clock: FakeClock
) -> None:
    for path in FEEDS:
        await follow(store, fetcher, site.url(path))
    shard_a = FeedPoller(store, fetcher, clock=clock, owner="shard-a", rng=random.Random(1))
    shard_b = FeedPoller(other_store, fetcher, clock=clock, owner="shard-b", rng=random.Random(2))
    before = feed_fetches(site)  # subscribing fetched each feed once to validate it
    for due_time in range(3):
        a, b = await asyncio.gather(shard_a.run_due(), shard_b.run_due())
        polled = sorted(r.feed.url for r in a + b)
        assert polled == sorted(site.url(p) for p in FEEDS), due_time
        assert [(r.status, r.error) for r in a + b if not r.ok] == []
        assert feed_fetches(site) == {p: before[p] + due_time + 1 for p in FEEDS}
        await next_due(store, clock)
    for feed, _ in await store.all_feeds():
        assert feed.last_status in ("ok", "not modified")


async def test_a_dead_bots_poll_is_taken_over_after_its_lease(
    site: NewsSite, store: Store, other_store: Store, fetcher: Fetcher, clock: FakeClock
) -> None:
    harbour = await follow(store, fetcher, site.url("/harbour/rss.xml"))
    before = feed_fetches(site)
    feed = await store.feed(harbour.feed_id)
    assert feed is not None
    # A bot claimed the due poll and was killed before fetching: its claim stays behind.
    assert await store.claim_feed_poll(
        feed.id, owner="killed-shard", now=clock.now(), lease=LEASE, due=feed.next_poll_at
    )
    survivor = FeedPoller(other_store, fetcher, clock=clock, owner="shard-b")
    assert await survivor.run_due() == []
    assert feed_fetches(site) == before
    clock.advance(minutes=4)
    assert await survivor.run_due() == []  # the lease still runs: the owner may be alive
    clock.advance(minutes=1)
    [result] = await survivor.run_due()
    assert (result.status, result.new_items) == ("ok", 3)
    assert feed_fetches(site)["/harbour/rss.xml"] == before["/harbour/rss.xml"] + 1
    # The killed bot's late result, had it only stalled, is not recorded over the new one.
    assert not await store.save_feed(feed, owner="killed-shard")
    stored = await store.feed(feed.id)
    assert stored is not None and stored.last_status == "ok"
    assert await survivor.run_due() == []  # polled for this due time: not again
    assert feed_fetches(site)["/harbour/rss.xml"] == before["/harbour/rss.xml"] + 1
