"""Handing the worker's freed memory back to the system after each job.

glibc keeps the heap pages a large job freed (a 9 MB page's lxml tree, a long article's spaCy
documents) for later allocations, so without this the NLP worker's resident memory only grows
with the largest input it has seen, and the bot's memory never returns after a hostile day.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def give_back() -> bool:
    """Free what cycles hold, then return the heap's free pages to the system; False where the
    C library cannot."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def then_give_back(func: Callable[..., T], *args: Any) -> T:
    """Run `func(*args)` in the worker, then give back the memory it freed (picklable)."""
    try:
        return func(*args)
    finally:
        give_back()
