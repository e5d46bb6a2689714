"""Background tasks are kept until done and their failures are logged."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.tasks import BackgroundTasks


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
