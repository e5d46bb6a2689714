"""The store's feed editing and delivery records, on both backends: subscriptions changed in
place, the delivery log (guild-scoped, pruned), holds, posts counted per channel, pacing."""

from __future__ import annotations

import dataclasses

import pytest

from bot.errors import StoreError
from bot.models import ArticleDraft
from bot.models.delivery import PostedMessage
from bot.store import (
    ChannelPacing,
    DeliveryOutcome,
    LogUpdate,
    NewLogEntry,
    SeenItem,
    Store,
    Subscription,
)
from bot.store.records.feed_delivery import LOG_KEEP

NOW = "2026-03-02T09:00:00+00:00"
GUILD, OTHER_GUILD = 100, 200


async def subscribed(store: Store, channel_id: int = 10) -> tuple[Subscription, list[int]]:
    """A feed with three stored articles, each a seen item, and a subscription to it."""
    ids = []
    async with store.transaction():
        feed = await store.add_feed("https://news.example/rss", NOW, 900)
        for n in range(3):
            draft = ArticleDraft(
                title=f"Story {n}", body=f"Body {n}.", origin=f"https://n.example/{n}"
            )
            stored = await store.store_article(draft, NOW)
            ids.append(stored.article_id)
        subscription, _ = await store.add_subscription(
            guild_id=GUILD,
            channel_id=channel_id,
            feed_id=feed.id,
            filter_text="",
            role_id=None,
            created_by=1,
            now=NOW,
        )
    return subscription, ids


async def test_a_subscription_changes_in_place_and_resumes_from_now(store: Store) -> None:
    subscription, ids = await subscribed(store)
    async with store.transaction():
        changed = await store.update_subscription(
            GUILD, subscription.id, channel_id=11, filter_text="storm", role_id=5, paused=True
        )
        foreign = await store.update_subscription(OTHER_GUILD, subscription.id, paused=False)
    assert foreign is None
    assert changed is not None
    assert (changed.id, changed.channel_id, changed.filter, changed.role_id, changed.paused) == (
        subscription.id,
        11,
        "storm",
        5,
        True,
    )
    async with store.transaction():
        items = [SeenItem(f"g{n}", None, a) for n, a in enumerate(ids)]
        await store.add_feed_items(subscription.feed_id, items, backlog=False, now=NOW)
        resumed = await store.update_subscription(
            GUILD, subscription.id, paused=False, role_id=None
        )
    assert resumed is not None and not resumed.paused and resumed.role_id is None
    # What the feed listed while paused is behind the subscription: never owed.
    assert resumed.after_item_id > subscription.after_item_id


async def test_moving_a_subscription_takes_its_queue_but_not_a_story_twice(store: Store) -> None:
    subscription, ids = await subscribed(store)
    async with store.transaction():
        other, _ = await store.add_subscription(
            guild_id=GUILD,
            channel_id=11,
            feed_id=subscription.feed_id,
            filter_text="",
            role_id=None,
            created_by=1,
            now=NOW,
        )
        await store.queue_announcement(other, 1, ids[0], NOW)  # channel 11 has story 1
        first = await store.queue_announcement(subscription, 1, ids[0], NOW)
        second = await store.queue_announcement(subscription, 2, ids[1], NOW)
        assert first and second
        with pytest.raises(StoreError, match="already follows"):
            await store.update_subscription(GUILD, other.id, channel_id=10)
    async with store.transaction():
        await store.remove_subscription(GUILD, other.id)
        await store.update_subscription(GUILD, subscription.id, channel_id=12)
    pending = await store.pending_announcements()
    assert [(p.id, p.channel_id) for p in pending] == [(first, 12), (second, 12)]


async def test_the_delivery_log_is_guild_scoped_updated_in_place_and_pruned(store: Store) -> None:
    subscription, ids = await subscribed(store)
    async with store.transaction():
        announcement = await store.queue_announcement(subscription, ids[0], ids[0], NOW)
        assert announcement is not None
        queued = NewLogEntry(
            subscription.id,
            "Story 0",
            "https://n.example/0",
            DeliveryOutcome.QUEUED,
            article_id=ids[0],
            announcement_id=announcement,
        )
        why = "doesn't match the filter “storm”"
        filtered = NewLogEntry(
            subscription.id, "Story 1", None, DeliveryOutcome.FILTERED, why, article_id=ids[1]
        )
        await store.log_deliveries([queued, filtered], NOW)
        posted = PostedMessage(10, 555, GUILD)
        await store.mark_announced({announcement: posted}, NOW)
        update = LogUpdate(announcement, DeliveryOutcome.POSTED, link=posted.link)
        await store.update_delivery_log([update], NOW)
    lines, total = await store.delivery_log(GUILD, subscription.id, limit=10)
    assert total == 2
    assert [(e.title, e.outcome, e.link) for e in lines] == [
        ("Story 1", DeliveryOutcome.FILTERED, None),
        ("Story 0", DeliveryOutcome.POSTED, "https://discord.com/channels/100/10/555"),
    ]
    assert await store.delivery_log(OTHER_GUILD, subscription.id, limit=10) == ([], 0)
    assert await store.story_post(10, ids[0]) == (announcement, "posted", posted.link)
    assert await store.story_post(11, ids[0]) is None

    many = [
        NewLogEntry(subscription.id, f"Item {n}", None, DeliveryOutcome.PAUSED)
        for n in range(LOG_KEEP + 5)
    ]
    async with store.transaction():
        await store.log_deliveries(many, NOW)
    lines, total = await store.delivery_log(GUILD, subscription.id, limit=3)
    assert total == LOG_KEEP
    assert [e.title for e in lines] == [
        f"Item {LOG_KEEP + 4}",
        f"Item {LOG_KEEP + 3}",
        f"Item {LOG_KEEP + 2}",
    ]


async def test_holds_release_times_and_posts_per_window(store: Store) -> None:
    subscription, ids = await subscribed(store)
    async with store.transaction():
        queued = [await store.queue_announcement(subscription, a, a, NOW) for a in ids]
    first, second, third = [q for q in queued if q is not None]
    async with store.transaction():
        await store.hold_announcements([second, third], "flood", "2026-03-02T09:10:00+00:00")
        await store.mark_announced({first: PostedMessage(10, 1, GUILD)}, NOW)
    assert [p.id for p in await store.pending_announcements()] == []
    held = await store.held_announcements()
    assert [(h.id, h.hold_reason, h.hold_until) for h in held] == [
        (second, "flood", "2026-03-02T09:10:00+00:00"),
        (third, "flood", "2026-03-02T09:10:00+00:00"),
    ]
    assert await store.next_hold_release() == "2026-03-02T09:10:00+00:00"
    assert await store.queued_announcements(subscription.id) == [second, third]
    async with store.transaction():
        await store.announcements_posting([second, third])
        pack = PostedMessage(10, 2, GUILD)
        await store.mark_announced({second: pack, third: pack}, NOW, packed=True)
    # One article posted alone and one packed card: two posts.
    assert await store.channel_posts_since(10, "2026-03-02T08:55:00+00:00") == 2
    assert await store.channel_posts_since(10, "2026-03-02T09:05:00+00:00") == 0
    assert await store.next_hold_release() is None


async def test_channel_pacing_and_backfills(store: Store) -> None:
    subscription, _ = await subscribed(store)
    assert await store.channel_pacing(10) is None
    pacing = ChannelPacing(10, GUILD, max_posts=3, window_minutes=5, quiet_start="22:00",
                           quiet_end="07:00")  # fmt: skip
    async with store.transaction():
        await store.set_channel_pacing(pacing)
        await store.set_channel_pacing(ChannelPacing(12, GUILD))
        await store.update_subscription(GUILD, subscription.id, backfill=2)
    assert await store.channel_pacing(10) == pacing
    assert [p.channel_id for p in await store.guild_pacings(GUILD)] == [10, 12]
    assert await store.guild_pacings(OTHER_GUILD) == []
    assert await store.subscriptions_to_backfill() == []  # its feed has not been read yet
    feed = await store.feed(subscription.feed_id)
    assert feed is not None
    async with store.transaction():
        await store.save_feed(dataclasses.replace(feed, last_success_at=NOW))
    assert [s.backfill for s in await store.subscriptions_to_backfill()] == [2]
