"""Relevance with recency for search, and the bound that lets a newest-first scan stop early.

The full-text index is keyed by publication day (migration 006: rowid = day * 2^28 + id), so
matches can be read newest first. An article's ranking key is

    ln(relevance) + day * ln 2 / RECENCY_HALF_LIFE_DAYS

where relevance is FTS5's bm25 (negated: higher is better). That is relevance × 2^(day / half
life): a story twice as relevant outranks one a half-life newer, and the order of two articles
does not depend on today's date. bm25 gives each query phrase at most idf × (k1 + 1), so once
the scan reaches day d, no older article can score above ln(Σ idf_max × 2.2) + d × ln 2 / half
life; when the k-th best key seen is at least that, the top k are final — exactly the top k of
ranking every match, without scoring most of them.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

RECENCY_HALF_LIFE_DAYS = 30.0
# search_key = day * DAY_SPAN + article id (see migration 006).
DAY_SHIFT = 28
DAY_SPAN = 1 << DAY_SHIFT
# FTS5's bm25 constants: a phrase adds at most idf * (K1 + 1) to a row's score.
K1 = 1.2
# What one day newer adds to the (natural log) ranking key.
PER_DAY = math.log(2) / RECENCY_HALF_LIFE_DAYS
# FTS5 floors idf here so that words in most rows still count a little.
_MIN_IDF = 1e-6


def day_of(key: int) -> int:
    """The publication day (days since 1970-01-01, UTC) encoded in a search key."""
    return key >> DAY_SHIFT


def ranking_key(relevance: float, key: int) -> float:
    """How high an article ranks: log relevance plus its day's recency boost."""
    return math.log(max(relevance, 1e-300)) + day_of(key) * PER_DAY


def idf_ceiling(rows_at_most: int, hits_at_least: int) -> float:
    """An upper bound on FTS5's idf for a phrase, from bounds on the row and hit counts."""
    value = math.log((rows_at_most - hits_at_least + 0.5) / (hits_at_least + 0.5))
    return max(value, _MIN_IDF)


def ceiling_at(idfs: Iterable[float], day: int) -> float:
    """The best ranking key any match published on `day` or earlier can have."""
    return math.log((K1 + 1.0) * sum(idfs) or 1e-300) + day * PER_DAY


def day_number(value: str) -> tuple[int, bool]:
    """Days since 1970-01-01 (UTC) of an ISO date or datetime, and whether it is midnight."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    days = (parsed.date() - date(1970, 1, 1)).days
    return days, parsed.time() == datetime.min.time()


class TopArticles:
    """The k best (ranking key, search key, relevance) seen so far; ties go to the newer."""

    def __init__(self, k: int) -> None:
        self.k = k
        self._heap: list[tuple[float, int, float]] = []
        # Below this ranking key a match cannot get in (-inf until k are held).
        self.floor = -math.inf

    def offer(self, key: int, relevance: float) -> None:
        """Consider one match."""
        self.push(ranking_key(relevance, key), key, relevance)

    def push(self, rank: float, key: int, relevance: float) -> None:
        """Consider one match whose ranking key is already computed."""
        entry = (rank, key, relevance)
        if len(self._heap) < self.k:
            heapq.heappush(self._heap, entry)
        elif entry > self._heap[0]:
            heapq.heapreplace(self._heap, entry)
        else:
            return
        if len(self._heap) >= self.k:
            self.floor = self._heap[0][0]

    def settled(self, ceiling: float) -> bool:
        """True when no match whose best possible key is `ceiling` can enter the top k."""
        return len(self._heap) >= self.k and self._heap[0][0] >= ceiling

    def best(self) -> Sequence[tuple[int, float]]:
        """(search key, relevance) of the top k, best first."""
        return [(key, relevance) for _, key, relevance in sorted(self._heap, reverse=True)]
