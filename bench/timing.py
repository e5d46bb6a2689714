"""Small timing helpers shared by the benchmarks: percentiles, a millisecond stopwatch and the
garbage collector set as in the bot's process."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from bot.workers.heap import collect_less_often


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Stopwatch:
    """`with Stopwatch() as sw: ...` then `sw.ms` (wall milliseconds) and `sw.cpu_ms` (CPU
    milliseconds of the whole process, all threads: what the work cost, whatever else the
    shared machine was running at the time)."""

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.ms = self.cpu_ms = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.ms = (time.perf_counter() - self.started) * 1000
        self.cpu_ms = (time.process_time() - self.cpu_started) * 1000


@contextmanager
def collector_as_in_the_bot() -> Iterator[None]:
    """The garbage collector as the bot sets it once started (`NewsBot.setup_hook`): what
    exists now frozen out of its sight, young passes every 25,000 allocations; as it was after.

    For benchmarks that time the bot's core in the bench's own process. Without it a full
    pass over the bench's heap (about 20 ms, the GIL held) landed inside one of the burst's
    three rounds of 50 now and then, and set the burst's p99 (175-183 ms against 121-132
    in the same hour)."""
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.collect()
    gc.freeze()
    collect_less_often()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not frozen:  # a freeze from before (the bot's start-up, in tests) stays
            gc.unfreeze()
