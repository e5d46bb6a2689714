"""What an operation spent (bot/work.py): units of work counted where they are done, CPU time
of its steps on the loop and of the threads it used, and the tasks the bot meters."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot import work
from bot.store import open_store
from bot.tasks import meter_tasks
from bot.work import Ledger, Meter, metered


def busy(rounds: int = 200_000) -> int:
    """Some CPU work (its time is never asserted, only that it was counted somewhere)."""
    return sum(i * i for i in range(rounds))


async def test_units_count_for_the_operation_running_and_nothing_else() -> None:
    async def operation() -> None:
        work.spend("pages")
        work.spend("postings", 40)

    meter = Meter("op")
    await metered(operation(), meter)
    work.spend("pages")  # not metered: nowhere to count

    assert meter.units == {"pages": 1, "postings": 40}
    assert work.current() is None


async def test_cpu_on_the_loop_and_in_threads_counts_for_the_operation_that_asked() -> None:
    async def operation() -> None:
        busy()
        await work.to_thread(busy)

    meter = Meter("op")
    await metered(operation(), meter)

    assert meter.loop_seconds > 0
    assert meter.thread_seconds > 0


async def test_the_database_threads_work_counts_for_the_operation_that_asked(
    tmp_path: Path,
) -> None:
    async with await open_store(tmp_path / "news.db") as store:
        meter = Meter("op")
        await metered(store.count_articles(), meter)
        assert meter.thread_seconds > 0


async def test_the_bot_meters_tasks_and_keeps_the_labelled_ones() -> None:
    ledger = Ledger()

    async def command(label: str) -> None:
        work.label_current(label)
        work.spend("searches")
        await asyncio.sleep(0)

    loop = asyncio.get_running_loop()
    undo = meter_tasks(loop, ledger.record)
    try:
        await asyncio.gather(
            loop.create_task(command("/search")),
            loop.create_task(command("")),  # not a user's command: not kept
            loop.create_task(command("/search")),
        )
        spent = await asyncio.wait_for(ledger.finished("/search", count=2), timeout=5)
    finally:
        undo()

    assert spent.units["searches"] == 1
    assert ledger.count == {"/search": 2}
    assert ledger.worst["/search"].label == "/search"
