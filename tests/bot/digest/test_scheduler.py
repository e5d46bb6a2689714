"""The scheduler on a real store and a fake clock: on time across DST, exactly once, late
catch-up after downtime, retries with backoff, gone channels, crashes and restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.digest import Delivery, DeliveryGone, DigestComposer, DigestScheduler, NoFacts
from bot.digest.scheduler import BACKOFF, HEARTBEAT, LEASE, MAX_ATTEMPTS
from bot.store import Store
from bot.store.digests import Schedule

from .conftest import GUILD_A, article, draft_schedule, store_at

NEW_YORK = ZoneInfo("America/New_York")


class Newsroom:
    """A scheduler whose `post` records each delivery (or fails, or hangs, when told to)."""

    def __init__(
        self, store: Store, clock: FakeClock, owner: str = "bot-1", first_id: int = 9000
    ) -> None:
        self.store = store
        self.clock = clock
        self.first_id = first_id
        self.posted: list[Delivery] = []
        self.retracted: list[int] = []
        self.reports: list[str] = []
        self.failures: list[BaseException] = []
        self.hold: asyncio.Event | None = None
        self.entered = asyncio.Event()
        composer = DigestComposer(store, facts=NoFacts())
        self.scheduler = DigestScheduler(
            store,
            composer,
            self.post,
            clock=clock,
            report=self.report,
            owner=owner,
            retract=self.retract,
        )

    async def post(self, delivery: Delivery) -> Sequence[int]:
        self.entered.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.failures:
            raise self.failures.pop(0)
        self.posted.append(delivery)
        return [self.first_id + len(self.posted)]

    async def retract(self, schedule: Schedule, message_ids: Sequence[int]) -> None:
        self.retracted.extend(message_ids)

    async def report(self, schedule: Schedule, text: str) -> None:
        self.reports.append(text)

    async def at(self, when: datetime) -> None:
        """Move time to `when` and let everything due happen."""
        self.clock.set(when)
        await self.scheduler.wait_idle()

    def local_slots(self) -> list[str]:
        return [d.run.slot.astimezone(NEW_YORK).strftime("%a %m-%d %H:%M %Z") for d in self.posted]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 6, 17, 0, tzinfo=UTC))  # Friday 12:00 EST


@pytest.fixture
async def newsroom(store: Store, clock: FakeClock) -> AsyncIterator[Newsroom]:
    room = Newsroom(store, clock)
    room.scheduler.start()
    yield room
    await room.scheduler.stop()


async def schedule(room: Newsroom, **changes: object) -> Schedule:
    changes.setdefault("nothing_new", "note")  # post even when quiet: these tests count posts
    added = await room.store.add_digest_schedule(draft_schedule(**changes), room.clock.now())
    room.scheduler.wake()
    await room.scheduler.wait_idle()
    return added


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_daily_0800_posts_at_local_0800_across_the_spring_change(
    newsroom: Newsroom,
) -> None:
    await schedule(newsroom)
    # The loop sleeps until the first slot; it does not poll.
    assert newsroom.scheduler.next_wake == utc(2026, 3, 7, 13, 0)
    await newsroom.at(utc(2026, 3, 7, 12, 59))
    assert newsroom.posted == []
    await newsroom.at(utc(2026, 3, 7, 13, 0))  # 08:00 EST
    await newsroom.at(utc(2026, 3, 8, 11, 59))  # 07:59 EDT: clocks went forward at 02:00
    assert len(newsroom.posted) == 1
    await newsroom.at(utc(2026, 3, 8, 12, 0))  # 08:00 EDT
    await newsroom.at(utc(2026, 3, 9, 12, 0))
    assert newsroom.local_slots() == [
        "Sat 03-07 08:00 EST",
        "Sun 03-08 08:00 EDT",
        "Mon 03-09 08:00 EDT",
    ]
    assert not any(d.late for d in newsroom.posted)


async def test_daily_0800_posts_at_local_0800_across_the_autumn_change(
    store: Store,
) -> None:
    clock = FakeClock(utc(2026, 10, 30, 16, 0))
    room = Newsroom(store, clock)
    room.scheduler.start()
    try:
        await schedule(room)
        for when in [
            utc(2026, 10, 31, 12, 0),  # 08:00 EDT
            utc(2026, 11, 1, 12, 0),  # 07:00 EST: not yet
            utc(2026, 11, 1, 13, 0),  # 08:00 EST
            utc(2026, 11, 2, 13, 0),
        ]:
            await room.at(when)
        assert room.local_slots() == [
            "Sat 10-31 08:00 EDT",
            "Sun 11-01 08:00 EST",
            "Mon 11-02 08:00 EST",
        ]
    finally:
        await room.scheduler.stop()


async def test_weekdays_skip_the_weekend(newsroom: Newsroom) -> None:
    await schedule(newsroom, every="weekdays")
    for day in (7, 8, 9):  # Saturday, Sunday, Monday
        await newsroom.at(utc(2026, 3, day, 14, 0))
    assert newsroom.local_slots() == ["Mon 03-09 08:00 EDT"]


async def test_cron_schedule_in_local_time(newsroom: Newsroom) -> None:
    await schedule(newsroom, every="cron", cron="0 7,19 * * *", local_time="00:00")
    for when in [utc(2026, 3, 7, 0, 30), utc(2026, 3, 7, 12, 30), utc(2026, 3, 8, 0, 30)]:
        await newsroom.at(when)
    assert newsroom.local_slots() == [
        "Fri 03-06 19:00 EST",
        "Sat 03-07 07:00 EST",
        "Sat 03-07 19:00 EST",
    ]


async def test_after_three_days_down_one_late_catch_up_not_three(
    store: Store, clock: FakeClock
) -> None:
    first = Newsroom(store, clock)
    first.scheduler.start()
    await schedule(first)
    await first.at(utc(2026, 3, 7, 13, 0))
    assert len(first.posted) == 1
    await first.scheduler.stop()  # the bot goes down after Saturday's digest
    await store_at(store, utc(2026, 3, 8, 20, 0), [article(1, "Harbour reopens", "Ships dock.")])
    clock.set(utc(2026, 3, 10, 15, 0))  # Tuesday 11:00 EDT: Sun, Mon and Tue were missed
    second = Newsroom(store, clock, owner="bot-2")
    second.scheduler.start()
    try:
        await second.scheduler.wait_idle()
        [late] = second.posted
        assert second.local_slots() == ["Tue 03-10 08:00 EDT"]
        assert late.late and late.run.missed == 2
        # It covers everything since the last digest, so nothing from the downtime is lost.
        assert [i.title for i in late.digest.items] == ["Harbour reopens"]
        assert late.digest.since == utc(2026, 3, 7, 13, 0)
        await second.at(utc(2026, 3, 11, 12, 0))
        assert second.local_slots()[-1] == "Wed 03-11 08:00 EDT"
        assert not second.posted[-1].late
    finally:
        await second.scheduler.stop()


async def test_failed_posts_retry_with_backoff_and_post_once(newsroom: Newsroom) -> None:
    added = await schedule(newsroom)
    newsroom.failures = [RuntimeError("503 Service Unavailable"), RuntimeError("timeout")]
    slot = utc(2026, 3, 7, 13, 0)
    await newsroom.at(slot)
    assert newsroom.posted == []
    assert newsroom.scheduler.next_wake == slot + BACKOFF[0]
    await newsroom.at(slot + BACKOFF[0])
    assert newsroom.scheduler.next_wake == slot + BACKOFF[0] + BACKOFF[1]
    await newsroom.at(slot + BACKOFF[0] + BACKOFF[1])
    [delivery] = newsroom.posted
    assert delivery.resumed  # told to check for a partial earlier post
    [run] = await newsroom.store.digest_runs(GUILD_A, added.id)
    assert run.status == "posted" and run.attempts == 3 and run.message_ids == (9001,)


async def test_a_post_that_keeps_failing_is_given_up_and_reported(newsroom: Newsroom) -> None:
    added = await schedule(newsroom)
    newsroom.failures = [RuntimeError("503")] * MAX_ATTEMPTS
    when = utc(2026, 3, 7, 13, 0)
    await newsroom.at(when)
    for wait in BACKOFF:
        when += wait
        await newsroom.at(when)
    [run] = await newsroom.store.digest_runs(GUILD_A, added.id)
    assert run.status == "failed" and run.attempts == MAX_ATTEMPTS and "503" in run.error
    assert newsroom.reports == [
        f"Digest #{added.id} could not be posted after {MAX_ATTEMPTS} attempts "
        "(RuntimeError: 503); the next one is still scheduled."
    ]
    await newsroom.at(utc(2026, 3, 8, 12, 0))  # the next day's digest is unaffected
    assert newsroom.local_slots() == ["Sun 03-08 08:00 EDT"]


async def test_a_gone_channel_pauses_only_its_schedule_and_is_reported(
    newsroom: Newsroom,
) -> None:
    gone = await schedule(newsroom, channel_id=55)
    kept = await schedule(newsroom, channel_id=66)
    original_post = newsroom.post

    async def post(delivery: Delivery) -> Sequence[int]:
        if delivery.schedule.channel_id == 55:
            raise DeliveryGone("the channel was deleted")
        return await original_post(delivery)

    newsroom.scheduler.post = post
    await newsroom.at(utc(2026, 3, 7, 13, 0))
    await newsroom.at(utc(2026, 3, 8, 12, 0))
    assert [d.schedule.id for d in newsroom.posted] == [kept.id, kept.id]
    paused = await newsroom.store.digest_schedule(GUILD_A, gone.id)
    assert paused is not None and paused.paused
    assert paused.paused_reason == "the channel was deleted"
    assert newsroom.reports == [
        f"Digest #{gone.id} is paused: the channel was deleted. "
        f"Fix it and use `/digest resume {gone.id}`."
    ]


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


async def test_nothing_new_is_skipped_silently_or_noted(newsroom: Newsroom) -> None:
    quiet = await schedule(newsroom, nothing_new="skip")
    noted = await schedule(newsroom, nothing_new="note")
    await newsroom.at(utc(2026, 3, 7, 13, 0))
    assert [d.schedule.id for d in newsroom.posted] == [noted.id]
    assert newsroom.posted[0].digest.empty
    [skipped] = await newsroom.store.digest_runs(GUILD_A, quiet.id)
    assert skipped.status == "skipped"
    after = await newsroom.store.digest_schedule(GUILD_A, quiet.id)
    assert after is not None and after.last_success_at == utc(2026, 3, 7, 13, 0)


async def test_schedule_changes_wake_the_sleeping_loop(newsroom: Newsroom) -> None:
    await newsroom.scheduler.wait_idle()
    assert newsroom.scheduler.next_wake is None  # nothing is due
    added = await schedule(newsroom, every="cron", cron="30 14 * * *", local_time="00:00")
    assert newsroom.scheduler.next_wake == utc(2026, 3, 6, 19, 30)  # 14:30 EST today
    assert await newsroom.store.remove_digest_schedule(GUILD_A, added.id)
    newsroom.scheduler.wake()
    await newsroom.at(utc(2026, 3, 6, 20, 0))
    assert newsroom.posted == []


async def test_preview_posts_nothing_and_now_posts_at_once(newsroom: Newsroom) -> None:
    added = await schedule(newsroom, nothing_new="skip")
    await store_at(newsroom.store, newsroom.clock.now(), [article(1, "Budget passes", "Yes.")])
    newsroom.clock.advance(minutes=1)
    preview = await newsroom.scheduler.preview(added)
    assert [i.title for i in preview.items] == ["Budget passes"]
    assert await newsroom.store.digest_runs(GUILD_A, added.id) == []
    run = await newsroom.scheduler.post_now(added)
    assert run.status == "posted" and run.manual
    assert [d.digest.items[0].title for d in newsroom.posted] == ["Budget passes"]
    # The next scheduled digest starts where the manual one ended: nothing new, skipped.
    await newsroom.at(utc(2026, 3, 7, 13, 0))
    assert len(newsroom.posted) == 1


async def test_after_a_resume_the_digest_covers_one_period_not_the_pause(
    newsroom: Newsroom,
) -> None:
    added = await schedule(newsroom)
    await newsroom.at(utc(2026, 3, 7, 13, 0))
    await newsroom.store.pause_digest_schedule(GUILD_A, added.id, "holiday", newsroom.clock.now())
    await store_at(newsroom.store, utc(2026, 3, 9, 9, 0), [article(1, "Old news", "Stale.")])
    await store_at(newsroom.store, utc(2026, 3, 12, 20, 0), [article(2, "Fresh news", "New.")])
    newsroom.clock.set(utc(2026, 3, 13, 9, 0))
    await newsroom.store.resume_digest_schedule(GUILD_A, added.id, newsroom.clock.now())
    newsroom.scheduler.wake()
    await newsroom.at(utc(2026, 3, 13, 12, 0))  # Friday 08:00 EDT
    assert len(newsroom.posted) == 2  # nothing was posted for the paused days
    resumed = newsroom.posted[-1]
    assert not resumed.late
    assert [i.title for i in resumed.digest.items] == ["Fresh news"]
    assert resumed.digest.since == utc(2026, 3, 12, 12, 0)


async def test_two_bots_on_one_database_post_each_slot_once(tmp_path: Path) -> None:
    clock = FakeClock(utc(2026, 3, 6, 17, 0))
    path = tmp_path / "shared.db"
    async with await Store.open(path) as one, await Store.open(path) as two:
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
