"""The poller end to end against the loopback site: priming, new items, 304s, clusters, restarts."""

import random
from datetime import datetime

from bot.clock import FakeClock
from bot.feeds.fetcher import Fetcher
from bot.feeds.parse import ParsedFeed, parse_feed
from bot.feeds.poller import FeedPoller
from bot.feeds.subscriptions import preview_feed, subscribe
from bot.store import Store, Subscription
from bot.store.backend import open_store

from .conftest import Announced
from .newsroom import ATOM, EMPTY_ATOM, EMPTY_RSS, REOPEN, RSS, NewsSite, Reply


async def follow(
    store: Store, fetcher: Fetcher, url: str, channel: int = 10, filter_text: str = ""
) -> Subscription:
    """Subscribe a channel of guild 1 the way /feeds add does."""
    preview = await preview_feed(fetcher, url)
    subscription, _, _ = await subscribe(
        store,
        preview,
        guild_id=1,
        channel_id=channel,
        created_by=7,
        filter_text=filter_text,
        clock=fetcher.clock,
    )
    return subscription


async def later(clock: FakeClock, store: Store, feed_id: int) -> None:
    """Move the clock to when the feed is next due."""
    feed = await store.feed(feed_id)
    assert feed is not None
    clock.set(max(clock.now(), datetime.fromisoformat(feed.next_poll_at)))


async def test_first_poll_records_the_backlog_then_new_items_are_announced_once(
    site: NewsSite,
    store: Store,
    fetcher: Fetcher,
    poller: FeedPoller,
    announced: Announced,
    clock: FakeClock,
) -> None:
    sub = await follow(store, fetcher, site.url("/harbour/rss.xml"))
    [first] = await poller.run_due()
    assert (first.status, first.new_items, len(first.added), first.queued) == ("ok", 3, 3, 0)
    assert announced == []  # what the feed listed before the subscription is not news
    # Feeds list newest first; items are stored oldest first so ids follow publication.
    budget, cafe, storm = await store.articles(first.added)
    assert storm.title == "Storm closes three ports along the northern coast"
    assert storm.metadata["text_from"] == "page"
    assert "harbour master Tom Reilly" in storm.body
    assert storm.published_at == "2026-03-02T06:40:00+00:00"
    assert storm.url == site.url("/harbour/news/storm-closes-ports")  # tracking stripped
    assert cafe.published_at is None  # no date in the feed or on the page
    assert budget.source == "Harbour Times – Coast & Port"

    site.publish_reopening()
    await later(clock, store, sub.feed_id)
    [second] = await poller.run_due()
    assert (second.status, second.new_items, second.queued) == ("ok", 1, 1)
    assert announced.titles() == [REOPEN]
    [item] = announced[0].articles
    assert item.summary == (
        "Greyhaven and Kelby Point reopened to shipping on Tuesday morning after inspectors "
        "cleared moorings and navigation lights, two days after a winter storm forced their "
        "closure."
    )
    assert announced[0].subscription.channel_id == 10
    assert announced[0].feed.title == "Harbour Times – Coast & Port"

    await later(clock, store, sub.feed_id)
    [third] = await poller.run_due()
    assert third.status == "not modified"
    # Operators see each poll by status in /metrics.
    assert poller.metrics is not None
    polls = poller.metrics.registry.get_sample_value
    assert polls("newsdesk_feed_polls_total", {"status": "ok"}) == 2
    assert polls("newsdesk_feed_polls_total", {"status": "not modified"}) == 1
    assert announced.titles() == [REOPEN]


async def test_a_304_does_no_parsing(
    site: NewsSite, store: Store, fetcher: Fetcher, clock: FakeClock
) -> None:
    parses: list[str] = []

    def counting(data: bytes, url: str, content_type: str | None) -> ParsedFeed:
        parses.append(url)
        return parse_feed(data, url, content_type)

    poller = FeedPoller(store, fetcher, clock=clock, parse=counting, rng=random.Random(1))
    sub = await follow(store, fetcher, site.url("/wire/atom.xml"))
    await poller.run_due()
    assert len(parses) == 1
    await later(clock, store, sub.feed_id)
    [result] = await poller.run_due()
    assert result.status == "not modified"
    assert site.seen[-1].status == 304 and "If-None-Match" in site.seen[-1].headers
    assert len(parses) == 1  # the 304 was not parsed
    feed = await store.feed(sub.feed_id)
    assert feed is not None and feed.last_success_at == feed.last_polled_at


async def test_one_story_from_two_feeds_is_two_articles_one_cluster_announced_once(
    site: NewsSite,
    store: Store,
    fetcher: Fetcher,
    poller: FeedPoller,
    announced: Announced,
    clock: FakeClock,
) -> None:
    site.serve("/harbour/rss.xml", Reply(EMPTY_RSS, content_type=RSS))
    site.serve("/wire/atom.xml", Reply(EMPTY_ATOM, content_type=ATOM))
    harbour = await follow(store, fetcher, site.url("/harbour/rss.xml"), channel=10)
    wire = await follow(store, fetcher, site.url("/wire/atom.xml"), channel=10)
    await follow(store, fetcher, site.url("/wire/atom.xml"), channel=20)
    await poller.run_due()  # both primed, empty
    site.newsroom()  # both feeds publish
    await later(clock, store, harbour.feed_id)
    await later(clock, store, wire.feed_id)
    results = {r.feed.title: r for r in await poller.run_due()}
    assert sorted(r.new_items for r in results.values()) == [3, 3]

    storms = [a for a in await store.latest_articles(20) if "ports" in a.title]
    assert sorted(a.source for a in storms) == ["Coastal Wire", "Harbour Times – Coast & Port"]
    stories = await store.stories_of([a.id for a in storms])
    assert len(set(stories.values())) == 1  # two articles, one story
    assert site.hits["/shared/budget-vote"] == 1  # listed by both feeds, fetched and stored once
    assert await store.count_articles() == 5

    in_ten = [i for a in announced if a.subscription.channel_id == 10 for i in a.articles]
    storm_items = [i for i in in_ten if "ports" in i.article.title]
    assert len(storm_items) == 1  # the story once per channel, whichever feed came first
    [storm] = storm_items
    assert len(storm.other_sources) == 1 and storm.other_sources[0] != storm.article.source
    assert len([i for i in in_ten if "budget" in i.article.title]) == 1
    assert len(in_ten) == 4  # storm, café, budget, ferry video
    in_twenty = [
        i.article.title for a in announced if a.subscription.channel_id == 20 for i in a.articles
    ]
    assert len(in_twenty) == 3  # its own feed's items, the shared story included


async def test_an_item_without_article_text_keeps_the_feed_summary(
    site: NewsSite, store: Store, fetcher: Fetcher, poller: FeedPoller
) -> None:
    sub = await follow(store, fetcher, site.url("/wire/atom.xml"))
    [result] = await poller.run_due()
    video = [a for a in await store.articles(result.added) if a.title.startswith("Video")]
    assert video[0].body == (
        "Our reporter explains what the winter timetable means for island commuters."
    )
    assert video[0].metadata["text_from"] == "feed"
    feed = await store.feed(sub.feed_id)
    assert feed is not None and (feed.pages_extracted, feed.pages_failed) == (2, 1)


async def test_robots_txt_forbidding_pages_leaves_the_feed_text(
    site: NewsSite, store: Store, fetcher: Fetcher, poller: FeedPoller
) -> None:
    site.serve("/robots.txt", Reply(b"User-agent: *\nDisallow: /harbour/news/\n"))
    await follow(store, fetcher, site.url("/harbour/rss.xml"))
    [result] = await poller.run_due()
    assert site.hits["/harbour/news/storm-closes-ports"] == 0
    assert site.hits["/shared/budget-vote"] == 1
    texts = {a.title: a.metadata["text_from"] for a in await store.articles(result.added)}
    assert texts["Storm closes three ports along the northern coast"] == "feed"
    assert texts["Council passes harbour budget after late-night session"] == "page"


async def test_a_filter_lets_only_matching_items_through(
    site: NewsSite,
    store: Store,
    fetcher: Fetcher,
    poller: FeedPoller,
    announced: Announced,
    clock: FakeClock,
) -> None:
    site.serve("/wire/atom.xml", Reply(EMPTY_ATOM, content_type=ATOM))
    sub = await follow(store, fetcher, site.url("/wire/atom.xml"), filter_text="ships OR ferry")
    await poller.run_due()
    site.newsroom()
    await later(clock, store, sub.feed_id)
    await poller.run_due()
    assert sorted(announced.titles()) == [
        "Storm shuts three northern ports, ships stranded",
        "Video: new ferry timetable explained",
    ]


async def test_a_source_filter_alone_matches_the_outlet(
    site: NewsSite,
    store: Store,
    fetcher: Fetcher,
    poller: FeedPoller,
    announced: Announced,
    clock: FakeClock,
) -> None:
    site.serve("/wire/atom.xml", Reply(EMPTY_ATOM, content_type=ATOM))
    url = site.url("/wire/atom.xml")
    sub = await follow(store, fetcher, url, channel=10, filter_text="source:coastal wire")
    await follow(store, fetcher, url, channel=11, filter_text='source:"Harbour Times"')
    await poller.run_due()
    site.newsroom()
    await later(clock, store, sub.feed_id)
    await poller.run_due()
    assert {a.subscription.channel_id for a in announced} == {10}
    assert len(announced.titles()) == 3


async def test_after_a_restart_nothing_is_announced_again(
    site: NewsSite, store: Store, fetcher: Fetcher, clock: FakeClock
) -> None:
    failing: list[str] = []

    async def broken(announcement: object) -> None:
        failing.append("tried")
        raise ConnectionError("Discord is down")

    poller = FeedPoller(store, fetcher, clock=clock, announce=broken, rng=random.Random(2))
    sub = await follow(store, fetcher, site.url("/harbour/rss.xml"))
    await poller.run_due()
    site.publish_reopening()
    await later(clock, store, sub.feed_id)
    await poller.run_due()
    assert failing == ["tried"]  # queued, not delivered: it stays pending

    # The bot restarts on the same database (a file, or PostgreSQL's URL).
    async with await open_store(getattr(store, "url", store.path)) as reopened:
        announced = Announced()
        again = FeedPoller(reopened, fetcher, clock=clock, announce=announced)
        await later(clock, reopened, sub.feed_id)
        [result] = await again.run_due()
        assert result.new_items == 0
        assert announced.titles() == [REOPEN]  # the pending one, once
        clock.advance(hours=1)
        await again.run_due()
        assert announced.titles() == [REOPEN]
        assert await reopened.announced_count(10) == 1
