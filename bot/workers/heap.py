"""Handing freed memory back to the system: the NLP worker's after each job, the bot's now
and then (`trim_every`).

glibc keeps the heap pages a large job freed (a 9 MB page's lxml tree, a long article's spaCy
documents) for later allocations, so without this the NLP worker's resident memory only grows
with the largest input it has seen, and the bot's memory never returns after a hostile day.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import os
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
# Seconds between the bot's heap trims: shorter than the soak's 30 s settle, and a trim of an
# untouched heap costs microseconds.
TRIM_EVERY = 20.0
# Blocks of at least this many bytes get pages of their own, unmapped when freed (glibc's
# default, 128 KB, but fixed: see `map_large_blocks`).
LARGE_BLOCK = 256 * 1024
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
_start_up_frozen = False  # `freeze_start_up` ran in this process
# Allocations (less deallocations) between the collector's young passes: CPython's 700 made a
# busy bot's commands' objects old while they were still in use (see `collect_less_often`).
YOUNG_THRESHOLD = 25_000


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


@cache
def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's mallopt, or None where the C library has none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        return libc.mallopt
    except (OSError, AttributeError):
        return None


def map_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Have glibc give every block of at least `threshold` bytes pages of its own, returned
    to the system when it is freed (call once, early in a long-lived process).

    glibc's threshold otherwise rises to the largest block freed so far (up to 32 MB): after
    one huge page's text was freed, the next megabytes-long buffers came from the heap, where
    their pages stayed, fragmented, after they were freed (found by the soak: the bot kept
    50 MB so, 20 MB of them with this fixed). False where the C library cannot."""
    mallopt = _mallopt()
    return mallopt is not None and bool(mallopt(_M_MMAP_THRESHOLD, threshold))


def freeze_start_up() -> int:
    """Collect the start-up's garbage, then put every object left out of the collector's
    sight for good (once a process; later calls do nothing); return how many are frozen.

    A full collection walks every tracked object: with the modules, cogs and caches of a
    started bot it stopped the event loop for 100-160 ms, now and then in the middle of 50
    members' searches (their p99 round trip 159 ms; frozen, a full collection takes ~25 ms).
    What start-up built lives as long as the process, so the collector has nothing to find
    there."""
    global _start_up_frozen
    if not _start_up_frozen:
        _start_up_frozen = True
        gc.collect()
        gc.freeze()
    return gc.get_freeze_count()


def collect_less_often(young: int = YOUNG_THRESHOLD) -> tuple[int, int, int]:
    """Have the collector's young pass wait for `young` allocations instead of 700 (a
    long-lived server's setting); return the thresholds set.

    A command's objects form cycles (an interaction and its response, an exception and its
    frames) that die when it answers. With a young pass every 700 allocations the commands in
    flight at each pass were moved to the oldest generation, so their cycles were left for
    full collections: under the soak's hostile load eight full passes in three minutes, of
    100-300 ms each, freeing 10,000-25,000 objects, and the readers' slowest round trips came
    at those moments. At 25,000 a pass comes every 10-15 s of load, after most commands
    in flight have answered: their cycles die young, and young passes find them (the soak:
    21 in five minutes of hostile load, about 15 ms each, and no full pass)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, old)
    return young, middle, old


def trim() -> bool:
    """Return the heap's free pages to the system without a collection (a long process's
    threads leave freed pages in glibc's arenas: the bot kept 100 MB after a hostile day);
    ctypes lets go of the GIL meanwhile. False where the C library cannot."""
    release = _malloc_trim()
    if release is None:
        return False
    release(0)
    return True


async def trim_every(seconds: float = TRIM_EVERY) -> None:
    """Trim the heap every `seconds`, in a thread, for as long as the task runs (the bot's)."""
    while True:
        await asyncio.sleep(seconds)
        if not await asyncio.to_thread(trim):
            return


def give_back() -> bool:
    """Free what cycles hold, then return the heap's free pages to the system; False where the
    C library cannot."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def resident_mb() -> float:
    """This process's resident memory in MB (0.0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_048_576


def then_give_back(func: Callable[..., T], *args: Any) -> T:
    """Run `func(*args)` in the worker, then give back the memory it freed (picklable)."""
    try:
        return func(*args)
    finally:
        give_back()
