"""What held the soak bot's event loop: a watchdog thread that, whenever the loop has not
ticked for STALL_MS, samples every thread's Python stack, so a long lateness comes with the
code that caused it (the loop's own frames, or the thread holding the GIL meanwhile).

Stdlib only (sys._current_frames): no profiler is attached to the bot, and the sampler costs
nothing while the loop keeps its pace.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
import traceback
from collections import Counter
from typing import Any

# The loop counts as stalled once it has not ticked for this long.
STALL_MS = 60.0
SAMPLE_EVERY = 0.02
FRAMES = 14


class StallSampler:
    """Call `tick()` from the loop (a 10 ms ticker); a daemon thread samples stacks while
    ticks are late. `report()` gives the most frequent stalled stacks."""

    def __init__(self) -> None:
        self._last = time.monotonic()
        self._loop_thread = threading.get_ident()
        self._stop = threading.Event()
        self.samples: Counter[str] = Counter()
        self.stalls: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._watch, name="stall-sampler", daemon=True)

    def start(self) -> None:
        """Start watching (call from the loop's thread)."""
        self._loop_thread = threading.get_ident()
        self._last = time.monotonic()
        self._thread.start()

    def tick(self) -> None:
        """The loop is alive now."""
        self._last = time.monotonic()

    def stop(self) -> None:
        """Stop the watchdog thread."""
        self._stop.set()

    def _watch(self) -> None:
        stalled_since: float | None = None
        stacks: Counter[str] = Counter()
        while not self._stop.wait(SAMPLE_EVERY):
            late = (time.monotonic() - self._last) * 1000
            if late < STALL_MS:
                if stalled_since is not None and stacks:
                    self._close_stall(stalled_since, stacks)
                stalled_since, stacks = None, Counter()
                continue
            if stalled_since is None:
                stalled_since = time.time()
            stacks[self._sample()] += 1

    def _close_stall(self, since: float, stacks: Counter[str]) -> None:
        ms = (time.time() - since) * 1000 + STALL_MS
        top = stacks.most_common(1)[0][0]
        self.stalls.append({"at": since, "ms": round(ms), "stack": top})
        self.samples.update(stacks)

    def _sample(self) -> str:
        frames = sys._current_frames()
        parts = []
        for ident, frame in frames.items():
            if ident == threading.get_ident():
                continue
            name = "LOOP" if ident == self._loop_thread else _thread_name(ident)
            stack = traceback.extract_stack(frame)[-FRAMES:]
            if name != "LOOP" and _idle(stack):
                continue
            lines = [f"{s.filename.rsplit('/', 3)[-1]}:{s.lineno} {s.name}" for s in stack]
            parts.append(f"[{name}]\n  " + "\n  ".join(lines))
        return "\n".join(sorted(parts, key=lambda p: not p.startswith("[LOOP]")))

    def report(self, top: int = 12) -> dict[str, Any]:
        """The longest stalls and the most frequently sampled stacks."""
        longest = sorted(self.stalls, key=lambda s: -s["ms"])[:top]
        return {
            "longest": longest,
            "frequent": [{"samples": n, "stack": s} for s, n in self.samples.most_common(top)],
        }


class CollectionTimer:
    """Times the garbage collector's passes (gc.callbacks): how many of each generation, how
    long in all, and the longest, so a stall can be told to be a collection (its stacks end
    in weakref callbacks, the only Python code a collection runs)."""

    def __init__(self) -> None:
        self._began = 0.0
        self.passes: Counter[int] = Counter()
        self.total_ms: Counter[int] = Counter()
        self.longest: list[dict[str, Any]] = []

    def start(self) -> None:
        """Start timing collections."""
        gc.callbacks.append(self._callback)

    def stop(self) -> None:
        """Stop timing."""
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
            return
        ms = (time.perf_counter() - self._began) * 1000
        generation = info["generation"]
        self.passes[generation] += 1
        self.total_ms[generation] += ms
        if ms >= 20:
            self.longest.append(
                {
                    "at": time.time(),
                    "ms": round(ms, 1),
                    "generation": generation,
                    "collected": info["collected"],
                    "oldest": len(gc.get_objects(2)),
                }
            )

    def report(self, top: int = 12) -> dict[str, Any]:
        """Passes and milliseconds by generation, and the longest passes."""
        return {
            "passes": dict(self.passes),
            "total_ms": {g: round(ms) for g, ms in self.total_ms.items()},
            "longest": sorted(self.longest, key=lambda c: -c["ms"])[:top],
            # Every pass of 20 ms or more (wall time it ended, ms): which slow trips met one.
            "long": [(c["at"], c["ms"]) for c in self.longest],
            "frozen": gc.get_freeze_count(),
        }


def _thread_name(ident: int) -> str:
    for thread in threading.enumerate():
        if thread.ident == ident:
            return thread.name
    return str(ident)


def _idle(stack: list[traceback.FrameSummary]) -> bool:
    """A thread waiting for work (an idle executor thread, a selector)."""
    last = stack[-1].name if stack else ""
    return last in {"wait", "_worker", "select", "get", "_wait_for_tstate_lock", "recv_bytes"}
