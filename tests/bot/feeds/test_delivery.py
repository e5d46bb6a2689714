"""Delivery through the poller, on both backends: each item's outcome in the delivery log,
flood control holding a burst's overflow and releasing it packed, and failures read as
Discord said them."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.feeds.delivery import failure_detail
from bot.feeds.poller import FeedPoller
from bot.models.delivery import Failure, FailureKind
from bot.store import DeliveryOutcome, Store

from .conftest import Announced
from .newsroom import NewsSite, Wire


def test_a_failure_reads_as_discord_said_it_with_its_status_and_code() -> None:
    refused = Failure(
        FailureKind.MISSING_PERMISSION, channel_id=5, status=403, code=50013,
        detail="Missing Permissions",
    )  # fmt: skip
    assert (
        failure_detail(refused)
        == "I may not post in <#5> (Missing Permissions) (HTTP 403, code 50013)"
    )
    outage = Failure(FailureKind.HTTP_ERROR, status=503, detail="Service Unavailable")
    assert failure_detail(outage) == "Discord answered HTTP 503: Service Unavailable"
    bug = Failure(FailureKind.HTTP_ERROR, detail="internal error: boom")
    assert failure_detail(bug) == "internal error: boom"


async def test_a_burst_is_held_over_ten_and_released_in_one_pack_on_either_backend(
    store: Store, site: NewsSite, clock: FakeClock, poller: FeedPoller, announced: Announced
) -> None:
    wire = Wire(site, clock)
    async with store.transaction():
        feed = await store.add_feed(wire.url, clock.now().isoformat(), 900)
        subscription, _ = await store.add_subscription(
            guild_id=1, channel_id=10, feed_id=feed.id, filter_text="", role_id=None,
            created_by=7, now=clock.now().isoformat(),
        )  # fmt: skip
    await poller.run_due()  # the first poll: the feed lists nothing yet
    wire.publish(*(f"Story {n}" for n in range(1, 13)))
    clock.advance(minutes=20)
    await poller.run_due()
    assert announced.titles() == [f"Story {n}" for n in range(1, 11)]
    lines, _ = await store.delivery_log(1, subscription.id, limit=20)
    outcomes = [line.outcome for line in lines]
    assert outcomes.count(DeliveryOutcome.FLOOD) == 2
    assert outcomes.count(DeliveryOutcome.POSTED) == 10

    clock.advance(minutes=10)
    await poller.delivery.deliver()
    [*_, pack] = announced
    assert pack.packed == "flood" and [i.article.title for i in pack.articles] == [
        "Story 11",
        "Story 12",
    ]
    lines, _ = await store.delivery_log(1, subscription.id, limit=20)
    assert [line.outcome for line in lines].count(DeliveryOutcome.POSTED) == 12
    assert await store.held_announcements() == []
