"""The bot under soak, as a child process: the real NewsBot (every cog, its NLP worker
process, its chart renderer, its feed poller) connected to the soak's emulator, on the
analysed archive. Started as `python -m bench.soak.bot` (this package's __main__.py): like
`python -m bot`, a __main__ module that the worker processes it spawns do not import again
(multiprocessing re-imports any other main module in each, and this one brings discord.py and
the whole bot: 50 MB more in every worker, which the bot itself never pays).

    python -m bench.soak.bot --api URL --gateway URL --token T --db PATH --report FILE

Once ready (commands synced, NLP worker and charts warmed up) it prints one JSON line with
its pid; it runs until its stdin closes, then writes FILE (what each user command spent: its
label, CPU on the loop and in its threads, units of work, when it ended (bot/work.py); the
event loop's lateness, sampled by a 10 ms ticker: wall time, ms late; the stacks sampled while
the loop stalled (bench/soak/stalls.py); with --trace-memory, the code whose allocations grew
most from ready to stop (tracemalloc, which slows the bot: for finding a leak, not figures)) and
stops.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import json
import logging
import os
import sys
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.probe import bench_bot
from bench.soak.stalls import CollectionTimer, StallSampler
from bot import budget
from bot.clock import SystemClock
from bot.feeds.fetcher import FetchPolicy
from bot.insights import charts
from bot.sandbox.seam import pointed_at
from bot.work import Ledger, Meter

TICK = 0.01
# With --trace-memory: frames kept per allocation, and the growths reported.
TRACE_FRAMES = 6
TRACE_TOP = 25
_TRACE_FILTERS = (
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap*>"),
)
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


async def _lateness(samples: list[tuple[float, float]], stalls: StallSampler) -> None:
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(TICK)
        stalls.tick()
        samples.append((time.time(), max(0.0, loop.time() - started - TICK) * 1000))


def _memory_diff(before: tracemalloc.Snapshot | None) -> list[str]:
    """The lines of code whose live allocations grew most since `before`."""
    if before is None:
        return []
    after = tracemalloc.take_snapshot().filter_traces(_TRACE_FILTERS)
    diff = after.compare_to(before.filter_traces(_TRACE_FILTERS), "traceback")
    lines = []
    for stat in diff[:TRACE_TOP]:
        frames = " <- ".join(f"{f.filename.rsplit('/', 3)[-1]}:{f.lineno}" for f in stat.traceback)
        lines.append(f"{stat.size_diff / 1e6:+.1f} MB ({stat.count_diff:+d} blocks) {frames}")
    return lines


def _object_counts() -> Counter[str]:
    """Objects the collector tracks, by type name (which kinds grew under load)."""
    return Counter(type(found).__name__ for found in gc.get_objects())


def _memory_kinds() -> dict[str, float]:
    """This process's resident memory by kind (MB): anonymous (the heap), file-backed (code,
    libraries, the search index's mapped files), shared (smaps_rollup); empty where /proc has
    no such file."""
    kinds: dict[str, float] = {}
    try:
        lines = Path("/proc/self/smaps_rollup").read_text().splitlines()
    except OSError:
        return kinds
    for line in lines:
        name, _, rest = line.partition(":")
        if name in ("Rss", "Anonymous", "Shared_Clean", "Private_Clean", "Private_Dirty"):
            kinds[name] = int(rest.split()[0]) / 1024
    # Pages of files mapped into the process (the search index's segments, read through
    # mmap, count in its RSS though the kernel may drop them at any time).
    if "Rss" in kinds and "Anonymous" in kinds:
        kinds["file-backed"] = kinds["Rss"] - kinds["Anonymous"]
    # glibc's view of its heap: in use, and freed but kept (fragments it cannot give back).
    with contextlib.suppress(OSError, AttributeError):
        mallinfo2 = ctypes.CDLL(None).mallinfo2
        mallinfo2.restype = _MallInfo2  # a struct returned by value
        info = mallinfo2()
        kinds["malloc in use"] = info.uordblks / 1_048_576
        kinds["malloc free, kept"] = info.fordblks / 1_048_576
        kinds["malloc mmapped"] = info.hblkhd / 1_048_576
    # SQLite's own allocations (not Python's, so tracemalloc misses them): now and at most.
    with contextlib.suppress(OSError, AttributeError):
        sqlite = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
        sqlite.sqlite3_memory_used.restype = sqlite.sqlite3_memory_highwater.restype = (
            ctypes.c_int64
        )
        kinds["SQLite in use"] = sqlite.sqlite3_memory_used() / 1_048_576
        kinds["SQLite at most"] = sqlite.sqlite3_memory_highwater(0) / 1_048_576
    return kinds


class _MallInfo2(ctypes.Structure):
    """glibc's struct mallinfo2 (all size_t)."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


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
    stalls = StallSampler()
    collections = CollectionTimer()
    with pointed_at(args.api, args.gateway):
        runner = asyncio.create_task(bot.start(args.token))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({runner, ready}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            runner.result()
            raise RuntimeError("the bot stopped before it was ready")
        await bot.sync_commands(force=True)
        await bot.nlp_service.analyze(["Warm-up text about Qatar and Hamas."])
        await charts.start_renderer()
        before = None
        if args.trace_memory:
            tracemalloc.start(TRACE_FRAMES)
            before = tracemalloc.take_snapshot()
        modules, memory, objects = set(sys.modules), _memory_kinds(), _object_counts()
        stalls.start()
        collections.start()
        ticker = asyncio.create_task(_lateness(samples, stalls))
        print(json.dumps({"ready": True, "pid": os.getpid()}), flush=True)
        await _stdin_closed()
        ticker.cancel()
        stalls.stop()
        collections.stop()
        # The report first: a bot slow to stop (its NLP worker busy) is still measured.
        report = {
            "commands": ledger.ended,
            "lateness": samples,
            "stalls": stalls.report(),
            "collections": collections.report(),
            "memory_growth": _memory_diff(before),
            # What tracemalloc cannot see: modules first imported under load (their code
            # and libraries) and how the process's memory is split, at ready and at stop.
            "imported_under_load": sorted(
                name for name in set(sys.modules) - modules if "." not in name
            ),
            "memory_kinds": {"ready": memory, "stop": _memory_kinds()},
            "objects_grown": [
                f"{name} +{count - objects.get(name, 0)}"
                for name, count in _object_counts().most_common(60)
                if count - objects.get(name, 0) > 1000
            ][:15],
        }
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
    parser.add_argument("--trace-memory", action="store_true", help="tracemalloc diff (slow)")
    asyncio.run(run(parser.parse_args(argv)))
    return 0
