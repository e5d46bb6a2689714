"""Background tasks are kept until done and their failures are logged; the shorter-lived
shapes (first of two waits, work under a lease, a heartbeat beside a block) clean up after
themselves."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.tasks import BackgroundTasks, LeaseLost, alongside, first_of, while_kept


async def test_a_failing_task_is_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tasks = BackgroundTasks("test")

    async def fail() -> None:
        raise RuntimeError("feed unreachable")

    with caplog.at_level(logging.ERROR, logger="bot.tasks"):
        task = tasks.spawn(fail(), name="poll-feed")
        await asyncio.wait([task])
        await asyncio.sleep(0)  # done callbacks run on the next loop turn

    record = next(r for r in caplog.records if "test:poll-feed" in r.getMessage())
    assert record.exc_info is not None and "feed unreachable" in str(record.exc_info[1])
    assert len(tasks) == 0


async def test_suppressed_exceptions_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks("test")

    async def timeout() -> None:
        raise TimeoutError

    with caplog.at_level(logging.ERROR, logger="bot.tasks"):
        await asyncio.wait([tasks.spawn(timeout(), name="t", suppressed=(TimeoutError,))])
        await asyncio.sleep(0)

    assert not caplog.records


async def test_cancel_all_stops_running_tasks() -> None:
    tasks = BackgroundTasks("test")
    forever = asyncio.Event()
    running = tasks.spawn(forever.wait(), name="wait")
    assert len(tasks) == 1

    await tasks.cancel_all()

    assert running.cancelled()
    assert len(tasks) == 0


async def wait_and_record(event: asyncio.Event, record: list[str], name: str) -> None:
    """Wait for `event`; record whether it ended by being set or by being cancelled."""
    try:
        await event.wait()
        record.append(f"{name} done")
    except asyncio.CancelledError:
        record.append(f"{name} cancelled")
        raise


async def test_first_of_returns_the_first_and_cancels_the_rest() -> None:
    wake, sleep, record = asyncio.Event(), asyncio.Event(), []
    wake.set()

    first = await first_of(
        wait_and_record(sleep, record, "sleep"), wait_and_record(wake, record, "wake")
    )

    assert first == 1
    assert sorted(record) == ["sleep cancelled", "wake done"]  # both ended before it returned


async def test_first_of_leaves_a_task_it_was_given_running() -> None:
    tasks, forever, ready = BackgroundTasks("test"), asyncio.Event(), asyncio.Event()
    runner = tasks.spawn(forever.wait(), name="runner")
    ready.set()

    assert await first_of(runner, ready.wait()) == 1
    assert not runner.done()
    await tasks.cancel_all()


async def test_first_of_raises_what_the_first_coroutine_raised() -> None:
    async def fail() -> None:
        raise RuntimeError("the clock broke")

    with pytest.raises(RuntimeError, match="the clock broke"):
        await first_of(asyncio.Event().wait(), fail())


async def test_while_kept_returns_the_work_and_stops_the_keeper() -> None:
    record: list[str] = []

    async def work() -> str:
        await asyncio.sleep(0)
        return "posted"

    kept = wait_and_record(asyncio.Event(), record, "lease")
    assert await while_kept(work(), kept, name="digest-run-1") == "posted"
    assert record == ["lease cancelled"]


async def test_while_kept_cancels_the_work_when_the_lease_is_lost() -> None:
    record: list[str] = []
    lease_taken = asyncio.Event()
    lease_taken.set()  # the heartbeat finds the claim taken over and returns

    with pytest.raises(LeaseLost):
        await while_kept(
            wait_and_record(asyncio.Event(), record, "poll"),
            wait_and_record(lease_taken, record, "lease"),
            name="feed-poll-1",
        )
    assert record == ["lease done", "poll cancelled"]


async def test_while_kept_raises_what_the_work_raised() -> None:
    async def work() -> None:
        raise ValueError("feed unreadable")

    with pytest.raises(ValueError, match="feed unreadable"):
        await while_kept(work(), asyncio.Event().wait(), name="feed-poll-2")


async def test_alongside_runs_a_heartbeat_for_the_block_and_logs_its_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    beats: list[str] = []
    failed = asyncio.Event()

    async def heartbeat() -> None:
        beats.append("beat")
        failed.set()
        raise ConnectionError("lease table unreachable")

    with caplog.at_level(logging.ERROR, logger="bot.tasks"):
        async with alongside(heartbeat(), name="job-7-heartbeat"):
            await failed.wait()
            result = "job done"  # the heartbeat's failure does not reach the block
        await asyncio.sleep(0)

    assert beats == ["beat"] and result == "job done"
    record = next(r for r in caplog.records if "job-7-heartbeat" in r.getMessage())
    assert "lease table unreachable" in str(record.exc_info[1] if record.exc_info else "")


async def test_alongside_cancels_the_heartbeat_when_the_block_ends() -> None:
    record: list[str] = []
    async with alongside(wait_and_record(asyncio.Event(), record, "heartbeat"), name="job-8"):
        await asyncio.sleep(0)  # the heartbeat starts
    assert record == ["heartbeat cancelled"]
