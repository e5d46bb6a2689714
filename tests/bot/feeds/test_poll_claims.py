"""Feed poll claims in the store (both backends): one owner per due poll, leases, takeover."""

import dataclasses
from datetime import datetime, timedelta

from bot.clock import FakeClock, utc_iso
from bot.store import Feed, Store

LEASE = timedelta(minutes=5)


async def subscribed_feed(store: Store, clock: FakeClock) -> Feed:
    """Harbour Times' feed, due now, followed by one channel."""
    now = utc_iso(clock.now())
    async with store.transaction():
        feed = await store.add_feed("https://harbour.example/rss.xml", now, 900)
        await store.add_subscription(
            guild_id=1, channel_id=10, feed_id=feed.id, filter_text="", role_id=None,
            created_by=7, now=now,
        )  # fmt: skip
    return feed


def polled(feed: Feed, clock: FakeClock) -> Feed:
    """The feed as a poll at the clock's time leaves it: next poll in 15 minutes."""
    return dataclasses.replace(
        feed,
        last_status="ok",
        last_polled_at=utc_iso(clock.now()),
        next_poll_at=utc_iso(clock.now() + timedelta(minutes=15)),
    )


async def test_one_owner_claims_a_due_poll_and_only_it_saves_the_result(
    store: Store, clock: FakeClock
) -> None:
    feed = await subscribed_feed(store, clock)
    due = feed.next_poll_at
    kw = {"now": clock.now(), "lease": LEASE, "due": due}
    claimed = await store.claim_feed_poll(feed.id, owner="shard-a", **kw)
    assert claimed is not None and claimed.url == feed.url
    assert await store.claim_feed_poll(feed.id, owner="shard-b", **kw) is None
    assert await store.claim_feed_poll(feed.id, owner="shard-a", **kw) is None  # no re-entry
    # Someone else's poll is not due for anyone else, and wakes them when its lease ends.
    assert await store.feeds_due(utc_iso(clock.now())) == []
    assert await store.next_feed_due() == utc_iso(clock.now() + LEASE)

    assert not await store.save_feed(polled(claimed, clock), owner="shard-b", release=True)
    assert await store.save_feed(polled(claimed, clock), owner="shard-a", release=True)
    stored = await store.feed(feed.id)
    assert stored is not None and stored.last_status == "ok"
    # Released: the next due time is the feed's own again, and the old slot is gone.
    assert await store.next_feed_due() == stored.next_poll_at
    assert await store.claim_feed_poll(feed.id, owner="shard-b", **kw) is None
    clock.set(datetime.fromisoformat(stored.next_poll_at))
    assert [f.id for f in await store.feeds_due(utc_iso(clock.now()))] == [feed.id]
    again = await store.claim_feed_poll(
        feed.id, owner="shard-b", now=clock.now(), lease=LEASE, due=stored.next_poll_at
    )
    assert again is not None and again.last_status == "ok"


async def test_a_dead_owners_claim_is_taken_over_after_its_lease(
    store: Store, clock: FakeClock
) -> None:
    feed = await subscribed_feed(store, clock)
    assert await store.claim_feed_poll(
        feed.id, owner="dead-shard", now=clock.now(), lease=LEASE, due=feed.next_poll_at
    )
    clock.advance(minutes=4)
    assert await store.feeds_due(utc_iso(clock.now())) == []
    assert (
        await store.claim_feed_poll(
            feed.id, owner="shard-b", now=clock.now(), lease=LEASE, due=feed.next_poll_at
        )
        is None
    )
    clock.advance(minutes=1)  # the lease has run out: nobody renewed it
    [due] = await store.feeds_due(utc_iso(clock.now()))
    taken = await store.claim_feed_poll(
        due.id, owner="shard-b", now=clock.now(), lease=LEASE, due=due.next_poll_at
    )
    assert taken is not None
    # The dead owner, if it was only stalled, can neither renew nor record its result.
    assert not await store.renew_feed_poll(
        feed.id, owner="dead-shard", now=clock.now(), lease=LEASE
    )
    assert not await store.save_feed(polled(taken, clock), owner="dead-shard")
    assert await store.save_feed(polled(taken, clock), owner="shard-b", release=True)


async def test_a_heartbeat_keeps_a_long_poll_claimed(store: Store, clock: FakeClock) -> None:
    feed = await subscribed_feed(store, clock)
    kw = {"now": clock.now(), "lease": LEASE, "due": feed.next_poll_at}
    assert await store.claim_feed_poll(feed.id, owner="shard-a", **kw)
    for _ in range(3):  # 12 minutes of polling, renewed every 4
        clock.advance(minutes=4)
        assert await store.renew_feed_poll(feed.id, owner="shard-a", now=clock.now(), lease=LEASE)
        taken = await store.claim_feed_poll(
            feed.id, owner="shard-b", now=clock.now(), lease=LEASE, due=feed.next_poll_at
        )
        assert taken is None
    assert await store.next_feed_due() == utc_iso(clock.now() + LEASE)


async def test_a_clean_shutdown_releases_its_claims_at_once(store: Store, clock: FakeClock) -> None:
    feed = await subscribed_feed(store, clock)
    kw = {"now": clock.now(), "lease": LEASE}
    assert await store.claim_feed_poll(feed.id, owner="shard-a", due=feed.next_poll_at, **kw)
    assert await store.release_feed_polls("shard-b") == 0
    assert await store.release_feed_polls("shard-a") == 1
    # A forced poll (no due time: the CLI's) needs only that nobody holds the feed.
    assert await store.claim_feed_poll(feed.id, owner="shard-b", **kw) is not None
    assert await store.claim_feed_poll(feed.id, owner="cli", **kw) is None
