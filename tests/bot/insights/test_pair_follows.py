"""Pair follows in the core, on both backends: one follow whichever order the names come in,
told once when the pair begins to rise (of the newest article naming both), not again while
it rises, and again once a rise that ended begins anew."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.clock import FakeClock
from bot.insights.follows import FollowError, deliver, follow_pair, notify_new_articles
from bot.mutes import add_mute
from bot.store import Store
from tests.bot.insights.corpus import add_article
from tests.bot.insights.test_follows import ALICE, GUILD, Outbox
from tests.bot.insights.test_rising import EGYPT, GAZA, HAMAS, ISRAEL, QATAR, month

TODAY = date(2026, 3, 2)


async def known_month(store: Store) -> None:
    """The baseline month, Qatar named once in it (alone)."""
    await month(store)
    await add_article(store, 90, [QATAR], "2026-02-10")


async def burst(store: Store, first: int, day: date, count: int = 4) -> list[int]:
    return [
        await add_article(store, n, [HAMAS, QATAR], day.isoformat(), title=f"Doha {n}")
        for n in range(first, first + count)
    ]


async def test_a_followed_pair_is_told_once_a_rise(store: Store) -> None:
    await known_month(store)
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    follow, created = await follow_pair(
        store,
        guild_id=GUILD,
        first="hamas",
        second="qatar",
        created_by=ALICE,
        user_id=ALICE,
        clock=clock,
    )
    assert created and (follow.kind, follow.target) == ("pair", "Hamas × Qatar")
    again, created = await follow_pair(
        store,
        guild_id=GUILD,
        first="Qatar",
        second="Hamas",
        created_by=ALICE,
        user_id=ALICE,
        clock=clock,
    )
    assert again.id == follow.id and not created
    with pytest.raises(FollowError, match="two different names"):
        await follow_pair(
            store,
            guild_id=GUILD,
            first="Hamas",
            second="hamas",
            created_by=ALICE,
            user_id=ALICE,
            clock=clock,
        )

    outbox = Outbox()
    first = await burst(store, 1, TODAY)
    assert await deliver(store, await notify_new_articles(store, first, clock=clock), outbox) == 1
    [told] = outbox.sent[0].articles
    assert told.article.id == max(first) and [f.id for f in told.follows] == [follow.id]
    # Still rising: a later article brings nothing more.
    more = await add_article(store, 9, [HAMAS, QATAR, EGYPT], TODAY.isoformat())
    await deliver(store, await notify_new_articles(store, [more], clock=clock), outbox)
    assert len(outbox.sent) == 1

    # Two quiet days: the rise is over; the next burst is a new rise, told again.
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    quiet = await add_article(store, 20, [EGYPT, GAZA], "2026-03-04")
    await deliver(store, await notify_new_articles(store, [quiet], clock=clock), outbox)
    assert len(outbox.sent) == 1
    later = await burst(store, 30, date(2026, 3, 4))
    await deliver(store, await notify_new_articles(store, later, clock=clock), outbox)
    assert len(outbox.sent) == 2
    assert outbox.sent[1].articles[0].article.id == max(later)


async def test_articles_older_than_the_follow_never_tell_it(store: Store) -> None:
    await known_month(store)
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    early = await burst(store, 1, TODAY)
    await follow_pair(
        store,
        guild_id=GUILD,
        first="Hamas",
        second="Israel",
        created_by=ALICE,
        user_id=ALICE,
        clock=clock,
    )
    follow, _ = await follow_pair(
        store,
        guild_id=GUILD,
        first="Hamas",
        second="Qatar",
        created_by=ALICE,
        user_id=ALICE,
        clock=clock,
    )
    outbox = Outbox()
    # Rising, but on articles stored before the follow: nothing told (and none counted).
    quiet = await add_article(store, 40, [EGYPT, ISRAEL], TODAY.isoformat())
    await deliver(store, await notify_new_articles(store, [quiet, *early], clock=clock), outbox)
    assert outbox.sent == []
    assert [risen for f, risen in await store.pair_follows() if f.id == follow.id] == [None]


async def test_a_muted_source_holds_the_rise_back_until_an_article_not_muted(
    store: Store,
) -> None:
    await known_month(store)
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    follow, _ = await follow_pair(
        store,
        guild_id=GUILD,
        first="Hamas",
        second="Qatar",
        created_by=ALICE,
        user_id=ALICE,
        clock=clock,
    )
    await add_mute(store, GUILD, "source", "Rumour Mill", created_by=ALICE, clock=clock)
    outbox = Outbox()
    rumours = [
        await add_article(
            store, n, [HAMAS, QATAR], TODAY.isoformat(), title=f"Rumour {n}", source="Rumour Mill"
        )
        for n in range(1, 5)
    ]
    # Rising, but the newest article naming both is muted here: nothing told, nothing marked.
    await deliver(store, await notify_new_articles(store, rumours, clock=clock), outbox)
    assert outbox.sent == []
    assert [risen for f, risen in await store.pair_follows() if f.id == follow.id] == [None]
    # The next article naming both, from an outlet not muted, tells the rise.
    wire = await add_article(store, 9, [HAMAS, QATAR], TODAY.isoformat(), title="Wire report")
    await deliver(store, await notify_new_articles(store, [wire], clock=clock), outbox)
    [told] = outbox.sent[0].articles
    assert told.article.id == wire
