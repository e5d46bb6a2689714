"""The store's story updates, on both backends: what a channel was told of a story, later
reports queued once per channel (never the article the story's post carried), what became of
each (with its delivery log line), story follows (member-scoped, pruned) and the updates each
follower is owed exactly once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from bot.models.delivery import PostedMessage
from bot.models.update import StoryText
from bot.store import DeliveryOutcome, NewLogEntry, Store
from tests.bot.store.test_feed_delivery import GUILD, NOW, subscribed

LATER = "2026-03-02T10:00:00+00:00"


async def test_what_a_channel_was_told_is_kept_per_post_and_forgotten_when_old(
    store: Store,
) -> None:
    first = StoryText(
        ("Storm closes ports.", "Ferries wait."),
        (("Greyhaven",), ()),
        datetime(2026, 3, 2, 8, tzinfo=UTC),
    )
    update = StoryText(("Twelve boats sank.",), ((),), None)
    async with store.transaction():
        await store.record_story_text(10, 7, 1, first, NOW)
        await store.record_story_text(10, 7, 1, update, NOW)  # once per article: kept first
        await store.record_story_text(10, 7, 2, update, LATER)
        await store.record_story_text(11, 7, 1, update, NOW)
    told = await store.story_texts(10, 7)
    assert told == [first, update]  # oldest first, names and date kept
    assert await store.story_text(10, 7, 2) == update
    assert await store.story_text(10, 7, 3) is None
    async with store.transaction():
        assert await store.forget_story_texts(LATER) == 2
    assert await store.story_texts(10, 7) == [update]


async def test_later_reports_queue_once_and_say_what_became_of_them(store: Store) -> None:
    subscription, ids = await subscribed(store)
    async with store.transaction():
        first = await store.queue_announcement(subscription, 50, ids[0], NOW)
        assert first is not None
        # The article the story's post carries is not an update to it.
        assert await store.queue_story_update(subscription, 50, ids[0], NOW) is None
        update = await store.queue_story_update(subscription, 50, ids[1], NOW)
        assert update is not None
        assert await store.queue_story_update(subscription, 50, ids[1], NOW) is None
        line = NewLogEntry(
            subscription.id, "Story 1", None, DeliveryOutcome.QUEUED, article_id=ids[1]
        )
        await store.log_deliveries([dataclasses.replace(line, update_id=update)], NOW)
    [pending] = await store.pending_story_updates()
    assert (pending.id, pending.story_id, pending.article.id) == (update, 50, ids[1])
    assert pending.post is not None
    assert (pending.post.status, pending.post.article_id) == ("pending", ids[0])
    assert not pending.resumed

    message = PostedMessage(10, 900, GUILD)
    async with store.transaction():
        await store.mark_announced({first: PostedMessage(10, 800, GUILD)}, NOW)
        await store.story_updates_posting([update])
    [resumed] = await store.pending_story_updates()
    assert resumed.resumed and resumed.post is not None and resumed.post.message_id == 800
    async with store.transaction():
        await store.story_update_failed(update)
    [again] = await store.pending_story_updates()
    assert again.attempts == 1 and not again.resumed
    async with store.transaction():
        await store.finish_story_update(update, "posted", message, LATER)
        await store.log_story_update(
            update, DeliveryOutcome.UPDATE, "2 new sentences", message.link, LATER
        )
    assert await store.pending_story_updates() == []
    record = await store.story_update(update)
    assert record is not None and (record.status, record.link) == ("posted", message.link)
    lines, _ = await store.delivery_log(GUILD, subscription.id, limit=5)
    assert [(x.outcome, x.detail, x.link) for x in lines] == [
        (DeliveryOutcome.UPDATE, "2 new sentences", message.link)
    ]


async def test_followers_are_owed_each_update_once_and_only_their_own(store: Store) -> None:
    subscription, ids = await subscribed(store)
    async with store.transaction():
        await store.queue_announcement(subscription, 50, ids[0], NOW)
        update = await store.queue_story_update(subscription, 50, ids[1], NOW)
        assert update is not None
        alice, created = await store.add_story_follow(
            guild_id=GUILD, user_id=1, channel_id=10, story_id=50, title="Storm", now=NOW
        )
        again, twice = await store.add_story_follow(
            guild_id=GUILD, user_id=1, channel_id=10, story_id=50, title="Storm", now=LATER
        )
        bob, _ = await store.add_story_follow(
            guild_id=GUILD, user_id=2, channel_id=10, story_id=50, title="Storm", now=NOW
        )
        # Following the story from another channel is another follow: not told of this one.
        await store.add_story_follow(
            guild_id=GUILD, user_id=1, channel_id=11, story_id=50, title="Storm", now=NOW
        )
    assert created and not twice and again.id == alice.id
    assert await store.count_story_follows(GUILD, 1) == 2
    assert [f.channel_id for f in await store.member_story_follows(GUILD, 1)] == [11, 10]
    async with store.transaction():
        assert await store.claim_story_notices(update, NOW) == 2
        assert await store.claim_story_notices(update, NOW) == 0
    notices = await store.pending_story_notices()
    assert sorted(n.follow.user_id for n in notices) == [1, 2]
    assert {n.update.id for n in notices} == {update}
    [for_bob] = [n.id for n in notices if n.follow.user_id == 2]
    async with store.transaction():
        await store.story_notice_failed([for_bob], give_up=False)
        await store.story_notices_sent([n.id for n in notices if n.follow.user_id == 1], LATER)
    [left] = await store.pending_story_notices()
    assert (left.follow.user_id, left.attempts) == (2, 1)
    # Only the member's own follow can be removed; its owed updates go with it.
    async with store.transaction():
        assert not await store.remove_story_follow(bob.id, 1)
        assert await store.remove_story_follow(bob.id, 2)
    assert await store.pending_story_notices() == []
    assert await store.story_follow(bob.id) is None
    async with store.transaction():
        assert await store.prune_story_follows(LATER) == 2  # both made at NOW
    assert await store.member_story_follows(GUILD, 1) == []


async def test_a_subscription_keeps_its_updates_setting(store: Store) -> None:
    subscription, _ = await subscribed(store)
    assert subscription.updates == "off"
    async with store.transaction():
        changed = await store.update_subscription(GUILD, subscription.id, updates="thread")
    assert changed is not None and changed.updates == "thread"
