"""The bot under soak, as a child process: the real NewsBot (every cog, its NLP worker
process, its feed poller) connected to the soak's emulator, on the analysed archive.

    python -m bench.soak.bot --api URL --gateway URL --token T --db PATH --report FILE

Once ready (commands synced, NLP worker and charts warmed up) it prints one JSON line with
its pid; it runs until its stdin closes, then writes FILE (what each user command spent: its
label, CPU on the loop and in its threads, units of work, when it ended (bot/work.py); and the
event loop's lateness, sampled by a 10 ms ticker: wall time, ms late) and stops.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.probe import bench_bot
from bot import budget
from bot.clock import SystemClock
from bot.feeds.fetcher import FetchPolicy
from bot.insights import charts
from bot.sandbox.seam import pointed_at
from bot.work import Ledger, Meter

TICK = 0.01
# The benchmark archive was "ingested" on 2026-01-01 and is dated through 2025: the bot's clock
# runs at real speed from the day after, so /catchup, /entities days: and the charts' windows
# cover the archive's newest articles as they would a live one's.
ARCHIVE_DAY_AFTER = datetime(2026, 1, 2, tzinfo=UTC)


class ShiftedClock(SystemClock):
    """The wall clock, moved to start at ARCHIVE_DAY_AFTER."""

    def __init__(self) -> None:
        self._offset = ARCHIVE_DAY_AFTER - datetime.now(UTC)

    def now(self) -> datetime:
        """The real time plus the offset."""
        return datetime.now(UTC) + self._offset


class TimedLedger(Ledger):
    """The bot's ledger, keeping every command with the moment it ended."""

    def __init__(self) -> None:
        super().__init__(keep=16, warn_ms=budget.COMMAND_CPU_MS)
        self.ended: list[dict[str, Any]] = []

    def record(self, meter: Meter) -> None:
        """Keep the meter and when it ended."""
        super().record(meter)
        self.ended.append(
            {
                "at": time.time(),
                "label": meter.label,
                "cpu_ms": meter.cpu_ms,
                "loop_ms": meter.loop_seconds * 1000,
                "seconds": meter.elapsed,
                "units": dict(meter.units),
            }
        )


async def _lateness(samples: list[tuple[float, float]]) -> None:
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(TICK)
        samples.append((time.time(), max(0.0, loop.time() - started - TICK) * 1000))


async def _stdin_closed() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the bot until stdin closes; return the report."""
    bot = bench_bot(Path(args.db), clock=ShiftedClock())
    ledger = TimedLedger()
    bot.work = ledger
    # The soak's feed is on loopback: allowed here as in the tests (never for a guild's feed).
    bot.feed_fetch_policy = FetchPolicy(allow_private=True)
    samples: list[tuple[float, float]] = []
    with pointed_at(args.api, args.gateway):
        runner = asyncio.create_task(bot.start(args.token))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({runner, ready}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            runner.result()
            raise RuntimeError("the bot stopped before it was ready")
        await bot.sync_commands(force=True)
        await bot.nlp_service.analyze(["Warm-up text about Qatar and Hamas."])
        await asyncio.to_thread(charts.warm_up)
        ticker = asyncio.create_task(_lateness(samples))
        print(json.dumps({"ready": True, "pid": os.getpid()}), flush=True)
        await _stdin_closed()
        ticker.cancel()
        # The report first: a bot slow to stop (its NLP worker busy) is still measured.
        report = {"commands": ledger.ended, "lateness": samples}
        await asyncio.to_thread(Path(args.report).write_text, json.dumps(report), "utf-8")
        await bot.close()
        await asyncio.wait_for(runner, 30)
    return report


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the bot, write the report."""
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    parser = argparse.ArgumentParser(prog="python -m bench.soak.bot")
    for name in ("--api", "--gateway", "--token", "--db", "--report"):
        parser.add_argument(name, required=True)
    asyncio.run(run(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
