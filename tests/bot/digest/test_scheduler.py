"""The scheduler on a real store and a fake clock: on time across DST, late catch-up after
downtime, retries with backoff, gone channels, schedule changes, previews and resumes."""

from __future__ import annotations

from collections.abc import Sequence

from bot.clock import FakeClock
from bot.digest import Delivery, DeliveryGone
from bot.digest.scheduler import BACKOFF, MAX_ATTEMPTS
from bot.store import Store

from .conftest import GUILD_A, article, store_at
from .newsroom import Newsroom, schedule, utc


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
    assert (newsroom.ended("failed"), newsroom.ended("posted")) == (1, 1)


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


async def test_nothing_new_is_skipped_silently_or_noted(newsroom: Newsroom) -> None:
    quiet = await schedule(newsroom, nothing_new="skip")
    noted = await schedule(newsroom, nothing_new="note")
    await newsroom.at(utc(2026, 3, 7, 13, 0))
    assert [d.schedule.id for d in newsroom.posted] == [noted.id]
    assert newsroom.posted[0].digest.empty
    [skipped] = await newsroom.store.digest_runs(GUILD_A, quiet.id)
    assert skipped.status == "skipped"
    assert (newsroom.ended("skipped"), newsroom.ended("posted")) == (1, 1)
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
