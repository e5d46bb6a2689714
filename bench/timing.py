"""Small timing helpers shared by the benchmarks: percentiles and a millisecond stopwatch."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence


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
