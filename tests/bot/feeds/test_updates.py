"""Story updates through the real poller on both backends: a later report of a story a channel
has is decided once — posted in the story's thread with only what it adds, sent to followers,
or "no new facts" — retried after a failure, resumed after a crash (the poster is told to look
first), and skipped when the story's post never went out or updates were turned off."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.clock import FakeClock
from bot.feeds.announcements import Announcement, AnnounceResult
from bot.feeds.fetcher import Fetcher
from bot.feeds.poller import FeedPoller
from bot.feeds.updates import FollowerUpdate, StoryUpdate
from bot.models.delivery import Failure, FailureKind, PostedMessage
from bot.store import DeliveryOutcome, Store, Subscription
from tests.bot.feeds.newsroom import NewsSite, Wire

GUILD, CHANNEL = 1, 10
HEADLINE = "Storm closes northern harbour ports at Greyhaven"
FIRST = (
    "A winter storm closed the northern harbour ports at Greyhaven on Monday. "
    "Harbour master Ellen Varga said ferries would stay in port until the gales eased."
)
SECOND = (
    "The northern harbour ports at Greyhaven were closed by a winter storm on Monday. "
    "The coastguard rescued 40 fishermen from the Kelby Point lighthouse overnight."
)
NOTHING_NEW = "Ferries will stay in port until the gales ease, harbour master Ellen Varga said."


@dataclass
class Desk:
    """The client's side of the poller: posts each announcement as message 5000 + its id,
    each update in its story's thread, and tells followers; `refuse` fails the next updates."""

    updates: list[StoryUpdate] = field(default_factory=list)
    told: list[FollowerUpdate] = field(default_factory=list)
    refuse: list[Failure] = field(default_factory=list)
    channel_gone: bool = False

    async def announce(self, announcement: Announcement) -> AnnounceResult:
        if self.channel_gone:
            return AnnounceResult(failure=Failure(FailureKind.MISSING_CHANNEL, status=404))
        ids = [item.announcement_id for item in announcement.articles]
        return AnnounceResult({i: PostedMessage(CHANNEL, 5000 + i, GUILD) for i in ids})

    async def post_update(self, update: StoryUpdate) -> PostedMessage | Failure:
        if self.refuse:
            return self.refuse.pop(0)
        self.updates.append(update)
        assert update.post.message_id is not None
        return PostedMessage(update.post.message_id, 9000 + update.id, GUILD)

    async def tell(self, follower: FollowerUpdate) -> Failure | None:
        self.told.append(follower)
        return None


async def following(
    store: Store, site: NewsSite, clock: FakeClock, fetcher: Fetcher, updates: str
) -> tuple[FeedPoller, Desk, list[Wire], list[Subscription]]:
    """Two outlets' feeds followed in one channel, sending updates as `updates` says."""
    desk = Desk()
    poller = FeedPoller(
        store,
        fetcher,
        clock=clock,
        announce=desk.announce,
        post_update=desk.post_update,
        tell_follower=desk.tell,
        rng=random.Random(8),
    )
    wires = [Wire(site, clock, "harbour"), Wire(site, clock, "coastal")]
    subscriptions = []
    for wire in wires:
        async with store.transaction():
            feed = await store.add_feed(wire.url, clock.now().isoformat(), 900)
            subscription, _ = await store.add_subscription(
                guild_id=GUILD, channel_id=CHANNEL, feed_id=feed.id, filter_text="",
                role_id=None, created_by=7, now=clock.now().isoformat(),
            )  # fmt: skip
            changed = await store.update_subscription(GUILD, subscription.id, updates=updates)
        assert changed is not None
        subscriptions.append(changed)
    await poller.run_due()  # the first polls: nothing listed yet
    return poller, desk, wires, subscriptions


async def polled(poller: FeedPoller, clock: FakeClock) -> None:
    clock.advance(minutes=20)
    await poller.run_due()


async def log_of(store: Store, subscription: Subscription) -> list[tuple[DeliveryOutcome, str]]:
    lines, _ = await store.delivery_log(GUILD, subscription.id, limit=10)
    return [(line.outcome, line.detail) for line in lines]


async def test_a_later_report_is_posted_once_with_only_what_it_adds(
    store: Store, site: NewsSite, clock: FakeClock, fetcher: Fetcher
) -> None:
    poller, desk, (harbour, coastal), (_, second) = await following(
        store, site, clock, fetcher, "thread"
    )
    harbour.report(HEADLINE, FIRST)
    await polled(poller, clock)
    coastal.report(HEADLINE, SECOND)
    await polled(poller, clock)
    [update] = desk.updates
    assert update.shown.sentences == (
        "The coastguard rescued 40 fishermen from the Kelby Point lighthouse overnight.",
    )
    assert (update.shown.outlet, update.shown.story_title) == ("Coastal Wire", HEADLINE)
    assert update.post.message_id == 5000 + update.post.announcement_id  # the story's post
    assert not update.resumed
    assert (await log_of(store, second))[0] == (
        DeliveryOutcome.UPDATE,
        "1 new sentence in the story's thread",
    )
    await polled(poller, clock)
    assert len(desk.updates) == 1  # decided once

    coastal.report(HEADLINE, NOTHING_NEW)
    await polled(poller, clock)
    assert len(desk.updates) == 1
    assert (await log_of(store, second))[0] == (
        DeliveryOutcome.NO_NEW_FACTS,
        "adds nothing the story's posts in this channel had not said",
    )


async def test_followers_get_updates_a_channel_does_not_post(
    store: Store, site: NewsSite, clock: FakeClock, fetcher: Fetcher
) -> None:
    poller, desk, (harbour, coastal), (_, second) = await following(
        store, site, clock, fetcher, "followers"
    )
    harbour.report(HEADLINE, FIRST)
    await polled(poller, clock)
    [story] = {s for s in (await store.stories_of(list(range(1, 5)))).values()}
    async with store.transaction():
        await store.add_story_follow(
            guild_id=GUILD, user_id=42, channel_id=CHANNEL, story_id=story, title=HEADLINE,
            now=clock.now().isoformat(),
        )  # fmt: skip
    coastal.report(HEADLINE, SECOND)
    await polled(poller, clock)
    await polled(poller, clock)
    assert desk.updates == []  # nothing in the channel
    [told] = desk.told  # once
    assert told.follow.user_id == 42
    assert told.shown.sentences == (
        "The coastguard rescued 40 fishermen from the Kelby Point lighthouse overnight.",
    )
    assert (await log_of(store, second))[0] == (
        DeliveryOutcome.UPDATE,
        "1 new sentence, to 1 follower by DM",
    )


async def test_a_failed_update_is_retried_and_a_cut_short_one_looked_for_first(
    store: Store, site: NewsSite, clock: FakeClock, fetcher: Fetcher
) -> None:
    poller, desk, (harbour, coastal), (_, second) = await following(
        store, site, clock, fetcher, "thread"
    )
    harbour.report(HEADLINE, FIRST)
    await polled(poller, clock)
    desk.refuse.append(Failure(FailureKind.HTTP_ERROR, status=503, detail="Service Unavailable"))
    coastal.report(HEADLINE, SECOND)
    await polled(poller, clock)
    assert desk.updates == []
    assert (await log_of(store, second))[0] == (
        DeliveryOutcome.FAILED,
        "Discord answered HTTP 503: Service Unavailable; will retry (attempt 1 of 5)",
    )
    # The bot dies while posting it: the next attempt is told to look in the thread first.
    [pending] = await store.pending_story_updates()
    async with store.transaction():
        await store.story_updates_posting([pending.id])
    await polled(poller, clock)
    [update] = desk.updates
    assert update.resumed
    assert (await log_of(store, second))[0][0] is DeliveryOutcome.UPDATE


async def test_no_update_once_updates_are_turned_off_or_when_the_storys_post_failed(
    store: Store, site: NewsSite, clock: FakeClock, fetcher: Fetcher
) -> None:
    poller, desk, (harbour, coastal), (first, second) = await following(
        store, site, clock, fetcher, "thread"
    )
    feeds = [await store.feed(s.feed_id) for s in (first, second)]
    harbour.report(HEADLINE, FIRST)
    coastal.report(HEADLINE, SECOND)
    clock.advance(minutes=20)
    for feed in feeds:  # polled in turn, nothing delivered yet: the update waits
        assert feed is not None
        await poller.poll_feed(feed)
    [waiting] = await store.pending_story_updates()
    assert waiting.post is not None and waiting.post.status == "pending"
    desk.channel_gone = True  # the story's own post fails for good
    await poller.delivery.deliver()
    assert desk.updates == []
    assert (await log_of(store, second))[0] == (
        DeliveryOutcome.DUPLICATE,
        "the same story is already in this channel (its post failed): no update",
    )

    desk.channel_gone = False
    budget = "Council passes harbour budget after a late session"
    harbour.report(budget, "The council passed the harbour budget at two in the morning.")
    clock.advance(minutes=20)
    await poller.run_due()
    coastal.report(budget, "Councillors passed the harbour budget by seven votes to four.")
    clock.advance(minutes=20)
    assert feeds[1] is not None
    await poller.poll_feed(feeds[1])
    async with store.transaction():
        await store.update_subscription(GUILD, second.id, updates="off")
    await poller.delivery.deliver()
    assert desk.updates == []
    assert (await log_of(store, second))[0] == (
        DeliveryOutcome.DUPLICATE,
        "the same story is already in this channel (updates are off)",
    )
