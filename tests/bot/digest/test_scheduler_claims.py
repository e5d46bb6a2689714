"""Each digest slot posted exactly once: across a crash inside a post, a clean restart, two
bots on one database, a post slower than its lease and an owner that stalls and wakes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.digest.scheduler import HEARTBEAT, LEASE
from bot.store import Schedule, Store, open_store

from .conftest import GUILD_A
from .newsroom import Newsroom, schedule, utc


def kill_digest_tasks() -> None:
    """Simulate the process dying: cancel the scheduler's tasks without any clean-up."""
    for task in asyncio.all_tasks():
        if task.get_name().startswith("digest-"):
            task.cancel()


async def test_killed_after_claiming_then_restarted_posts_exactly_once(
    store: Store, clock: FakeClock
) -> None:
    first = Newsroom(store, clock)
    first.hold = asyncio.Event()  # the post never completes: the bot dies inside it
    first.scheduler.start()
    added = await schedule(first)
    slot = utc(2026, 3, 7, 13, 0)
    clock.set(slot)
    await asyncio.wait_for(first.entered.wait(), 5)  # claimed, and inside the post
    kill_digest_tasks()
    await asyncio.sleep(0)
    second = Newsroom(store, clock, owner="bot-2")
    second.scheduler.start()
    try:
        await second.scheduler.wait_idle()
        assert second.posted == []  # the dead bot's claim is still leased
        assert second.scheduler.next_wake == slot + LEASE
        await second.at(slot + LEASE)
        [delivery] = second.posted
        assert delivery.resumed and delivery.run.slot == slot
        await second.at(utc(2026, 3, 8, 12, 30))
        assert second.local_slots() == ["Sat 03-07 08:00 EST", "Sun 03-08 08:00 EDT"]
        runs = await store.digest_runs(GUILD_A, added.id)
        assert [r.status for r in runs] == ["posted", "posted"]
    finally:
        await second.scheduler.stop()


async def test_a_clean_restart_resumes_the_claim_at_once(store: Store, clock: FakeClock) -> None:
    first = Newsroom(store, clock)
    first.hold = asyncio.Event()
    first.scheduler.start()
    await schedule(first)
    clock.set(utc(2026, 3, 7, 13, 0))
    await asyncio.wait_for(first.entered.wait(), 5)
    await first.scheduler.stop()  # cog_unload: cancels the post and gives the claim back
    second = Newsroom(store, clock, owner="bot-2")
    second.scheduler.start()
    try:
        await second.scheduler.wait_idle()
        [delivery] = second.posted
        assert delivery.resumed
    finally:
        await second.scheduler.stop()


async def test_two_bots_on_one_database_post_each_slot_once(tmp_path: Path) -> None:
    clock = FakeClock(utc(2026, 3, 6, 17, 0))
    path = tmp_path / "shared.db"
    async with await open_store(path) as one, await open_store(path) as two:
        rooms = [Newsroom(one, clock, owner="bot-1"), Newsroom(two, clock, owner="bot-2")]
        for room in rooms:
            room.scheduler.start()
        try:
            await schedule(rooms[0])
            for room in rooms:
                room.scheduler.wake()
            for day in (7, 8, 9):
                clock.set(utc(2026, 3, day, 14, 0))
                for room in rooms:
                    await room.scheduler.wait_idle()
            slots = [d.run.slot for room in rooms for d in room.posted]
            assert sorted(slots) == [utc(2026, 3, 7, 13), utc(2026, 3, 8, 12), utc(2026, 3, 9, 12)]
        finally:
            for room in rooms:
                await room.scheduler.stop()


async def test_now_at_the_very_second_of_a_slot_leaves_the_slot_its_own_claim(
    newsroom: Newsroom,
) -> None:
    added = await schedule(newsroom)
    slot = utc(2026, 3, 7, 13, 0)
    newsroom.clock.set(slot)
    manual = await newsroom.scheduler.post_now(added)
    assert manual.status == "posted" and manual.slot == slot + timedelta(seconds=1)
    await newsroom.scheduler.wait_idle()
    runs = await newsroom.store.digest_runs(GUILD_A, added.id)
    assert sorted((r.slot, r.manual) for r in runs) == [(slot, False), (manual.slot, True)]
    assert newsroom.scheduler.next_wake == utc(2026, 3, 8, 12, 0)


async def test_a_slow_post_keeps_its_claim_past_the_first_lease(store: Store) -> None:
    # Each bot has its own clock: with one shared clock both wake at the slot and whichever
    # claims first posts, so bot-2 sometimes won the race (seen under load on PostgreSQL).
    start = utc(2026, 3, 6, 17, 0)
    first = Newsroom(store, FakeClock(start))
    second = Newsroom(store, FakeClock(start), owner="bot-2")
    first.hold = asyncio.Event()  # a post that takes far longer than a lease
    for room in (first, second):
        room.scheduler.start()
    try:
        added = await schedule(first)
        second.scheduler.wake()
        await second.scheduler.wait_idle()
        slot = utc(2026, 3, 7, 13, 0)
        first.clock.set(slot)
        await asyncio.wait_for(first.entered.wait(), 5)
        [run_id] = first.scheduler.leases
        for beat in range(1, 8):  # seven heartbeats: well past the lease taken with the claim
            when = slot + HEARTBEAT * beat
            for room in (first, second):
                room.clock.set(when)
            await first.scheduler.wait_until(
                lambda when=when: first.scheduler.leases.get(run_id) == when + LEASE
            )
            await second.scheduler.wait_idle()
        assert second.clock.now() > slot + LEASE and second.posted == []
        first.hold.set()
        await first.scheduler.wait_idle()
        [delivery] = first.posted
        assert not delivery.resumed
        [run] = await store.digest_runs(GUILD_A, added.id)
        assert (run.status, run.owner, run.attempts, run.message_ids) == (
            "posted",
            "bot-1",
            1,
            (9001,),
        )
        assert second.posted == []
    finally:
        for room in (first, second):
            await room.scheduler.stop()


async def stalled_and_taken_over(store: Store) -> tuple[Newsroom, Newsroom, Schedule]:
    """bot-1 claims the slot and stalls inside its post (its time stands still, so its
    heartbeat never runs); bot-2's time passes the lease, and it takes over and posts."""
    start = utc(2026, 3, 6, 17, 0)
    first = Newsroom(store, FakeClock(start))
    second = Newsroom(store, FakeClock(start), owner="bot-2", first_id=7000)
    first.hold = asyncio.Event()
    for room in (first, second):
        room.scheduler.start()
    added = await schedule(first)
    second.scheduler.wake()
    slot = utc(2026, 3, 7, 13, 0)
    first.clock.set(slot)
    await asyncio.wait_for(first.entered.wait(), 5)
    await second.at(slot)
    assert second.posted == []  # bot-1's lease still holds
    await second.at(slot + LEASE)
    [delivery] = second.posted
    assert delivery.resumed  # told to look for what bot-1 may have posted
    return first, second, added


async def test_a_stale_owner_that_wakes_stops_posting(store: Store) -> None:
    first, second, added = await stalled_and_taken_over(store)
    try:
        # bot-1 wakes: its next heartbeat finds the claim gone and stops the post.
        first.clock.advance(seconds=HEARTBEAT.total_seconds())
        await first.scheduler.wait_until(lambda: not first.scheduler.leases)
        first.hold.set()
        await first.scheduler.wait_idle()
        assert first.posted == [] and first.retracted == []
        [run] = await store.digest_runs(GUILD_A, added.id)
        assert (run.status, run.owner, run.message_ids) == ("posted", "bot-2", (7001,))
    finally:
        for room in (first, second):
            await room.scheduler.stop()


async def test_a_stale_owners_finish_is_refused_and_its_post_retracted(store: Store) -> None:
    first, second, added = await stalled_and_taken_over(store)
    try:
        first.hold.set()  # bot-1's post completes before its heartbeat runs again
        await first.scheduler.wait_idle()
        [run] = await store.digest_runs(GUILD_A, added.id)
        assert (run.status, run.owner, run.attempts, run.message_ids) == (
            "posted",
            "bot-2",
            2,
            (7001,),
        )
        assert [d.run.id for d in first.posted] == [run.id]
        assert first.retracted == [9001]  # its copy is taken back: readers see one digest
        shown = [9001, 7001]
        assert [m for m in shown if m not in first.retracted] == list(run.message_ids)
        after = await store.digest_schedule(GUILD_A, added.id)
        assert after is not None and after.last_success_at == run.window_end
    finally:
        for room in (first, second):
            await room.scheduler.stop()
