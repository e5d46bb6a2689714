"""Feed health: failing for a day and quiet beyond its rhythm are each told once."""

import random
from datetime import datetime, timedelta

from bot.clock import FakeClock
from bot.feeds.fetcher import Fetcher
from bot.feeds.health import FeedAlert, assess, extraction_rate
from bot.feeds.poller import FeedPoller
from bot.store import Store

from .newsroom import RSS, NewsSite, Reply
from .test_faults import subscribe_raw


class Alerts(list[FeedAlert]):
    """The notify callback, recording alerts."""

    async def __call__(self, alert: FeedAlert) -> None:
        self.append(alert)


async def poll_when_due(poller: FeedPoller, store: Store, clock: FakeClock, feed_id: int) -> None:
    feed = await store.feed(feed_id)
    assert feed is not None
    clock.set(max(clock.now(), datetime.fromisoformat(feed.next_poll_at)))
    await poller.run_due()


async def test_a_feed_failing_for_a_day_is_reported_once_and_clears_on_recovery(
    site: NewsSite, store: Store, fetcher: Fetcher, clock: FakeClock
) -> None:
    site.serve("/down.xml", Reply(status=500))
    alerts = Alerts()
    poller = FeedPoller(store, fetcher, clock=clock, notify=alerts, rng=random.Random(4))
    feed_id = await subscribe_raw(store, site.url("/down.xml"), 10, clock)
    start = clock.now()
    while clock.now() < start + timedelta(days=2):
        await poll_when_due(poller, store, clock, feed_id)
    assert [a.kind for a in alerts] == ["failing"]
    assert alerts[0].message.startswith(f"The feed {site.url('/down.xml')} has been failing for")
    assert "http 500" in alerts[0].message
    feed = await store.feed(feed_id)
    assert feed is not None
    assert assess(feed, clock.now()).state == "failing"
    assert feed.failures >= 8  # it kept trying, every 6 hours at most once backed off

    site.serve("/down.xml", Reply(site.fixture("harbour_cp1252.rss"), content_type=RSS))
    await poll_when_due(poller, store, clock, feed_id)
    feed = await store.feed(feed_id)
    assert feed is not None
    assert (feed.alert, assess(feed, clock.now()).state) == (None, "ok")
    assert len(alerts) == 1


async def test_a_feed_quiet_far_beyond_its_rhythm_is_reported_once(
    site: NewsSite, store: Store, fetcher: Fetcher, clock: FakeClock
) -> None:
    alerts = Alerts()
    poller = FeedPoller(store, fetcher, clock=clock, notify=alerts, rng=random.Random(5))
    feed_id = await subscribe_raw(store, site.url("/harbour/rss.xml"), 10, clock)
    await poller.run_due()  # primes
    for hour in range(1, 5):  # a new item every hour: the rhythm is learnt
        clock.advance(hours=1)
        site.add_rss_item(
            "/harbour/rss.xml",
            f"Hourly bulletin {hour}",
            "/shared/budget-vote",
            f"bulletin-{hour}",
            "Tue, 03 Mar 2026 09:10:00 GMT",
        )
        await poller.run_due()
    feed = await store.feed(feed_id)
    assert feed is not None and feed.rhythm_samples == 4
    assert round(feed.rhythm_seconds or 0) == 3600
    quiet_since = clock.now()
    while clock.now() < quiet_since + timedelta(days=2):
        await poll_when_due(poller, store, clock, feed_id)  # 304s: alive but silent
    assert [a.kind for a in alerts] == ["quiet"]
    assert "published nothing new for" in alerts[0].message
    assert "usually does every 60 minutes" in alerts[0].message
    feed = await store.feed(feed_id)
    assert feed is not None and feed.last_status == "not modified"
    assert assess(feed, clock.now()).state == "quiet"


async def test_the_extraction_rate_counts_items_with_full_text(
    site: NewsSite, store: Store, fetcher: Fetcher, poller: FeedPoller, clock: FakeClock
) -> None:
    feed_id = await subscribe_raw(store, site.url("/wire/atom.xml"), 10, clock)
    await poller.run_due()
    feed = await store.feed(feed_id)
    assert feed is not None
    # the video page has no article; the status says why when the poll itself failed
    assert extraction_rate(feed) == 2 / 3, (feed.last_status, feed.last_error)
    health = assess(feed, clock.now())
    assert (health.state, health.status, health.http_status) == ("ok", "ok", 200)
    assert health.last_success_at == clock.now().isoformat(timespec="seconds")
