"""The exact top k of a search by the documented rule, from tantivy's own scores:

    key = ln(tantivy BM25, title/caption/body boosted 10/2/1) + day × ln 2 / 30

(bot/store/ranking.py's recency: twice as relevant outranks 30 days newer, and the order of
two articles never depends on today's date; docs/search.md says why this relevance.)

tantivy cannot sort by that key itself, so: one call fetches the best FIRST_FETCH (1,000)
matches by BM25 without counting them: totals are counted to COUNT_CAP only (bot/models: no
reader pages past it), so fewer hits than asked is every match and its exact total, a full
fetch is COUNT_CAP ("at least"; a first fetch set below the cap checks it unscored). A phrase's
first call counts instead, COUNTED_FETCH (500) deep: its walk checks every candidate's
positions anyway, so the count is free and the shallower fetch is not (docs/search.md, "Totals
counted to the cap"). Every match not fetched scores at most the last one fetched, so when
even that score, on the newest day, cannot reach the k-th key, the top k is final: most
searches end there. Otherwise windows of days, newest first (1, 2, 4, … up to WINDOW_DAYS
days): in each, BM25's best hits restricted to the window, fetched deeper until no hit left in
it can get in, until the last fetched score on the next window's newest day cannot get in
either. `every_match_top` ranks every match, for the tests. Ties go to the newer article.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import tantivy
from tantivy import Query as Tq

from bot.models import COUNT_CAP
from bot.store.index.compile import kept_to_days
from bot.store.index.schema import DAY, int_values, match_count
from bot.store.ranking import PER_DAY

WINDOW_DAYS = 30
# How much deeper a window's next fetch goes when its last hit could still compete.
DEEPEN = 4
# The first call fetches this many by BM25, uncounted: searches with fewer matches end there
# (with their exact total), and most others too. At COUNT_CAP it also tells a capped total
# apart (docs/search.md, "Totals counted to the cap").
FIRST_FETCH = COUNT_CAP
# A first call that counts (a phrase's) fetches this many: its count is exact, and 500 hits
# cost a phrase about 0.3 ms less than 1,000 at 100k.
COUNTED_FETCH = 500
# The query kept to publication days [first, last].
Windowed = Callable[[int, int], Tq]
# A score of 0 (a search of filters and labels alone) still has a logarithm.
_TINY = 1e-30


@dataclass(order=True, frozen=True)
class Ranked:
    """One match by the rule: its key, then tie-breakers (newer first, then address)."""

    key: float
    published: int
    address: tuple[int, int]
    score: float = field(compare=False)


def key_of(score: float, published: int) -> float:
    """The rule's key for a tantivy score and a publication time (seconds)."""
    return math.log(max(score, _TINY)) + (published // DAY) * PER_DAY


@dataclass
class Ranking:
    """The best k so far (a min-heap), the days of every match offered, the tantivy calls."""

    k: int
    heap: list[Ranked] = field(default_factory=list)
    members: set[tuple[int, int]] = field(default_factory=set)
    days: list[np.ndarray] = field(default_factory=list)
    calls: int = 0

    @property
    def floor(self) -> float:
        """The k-th best key so far (-inf until k are held)."""
        return self.heap[0].key if len(self.heap) >= self.k else -math.inf

    def offer(self, searcher: tantivy.Searcher, hits: Sequence[tuple[float, Any]]) -> None:
        """Consider tantivy's (score, address) hits: keys computed together, best first,
        until one cannot get in."""
        if not hits:
            return
        addresses = [address for _, address in hits]
        scores = np.fromiter((score for score, _ in hits), float, len(hits))
        published = np.asarray(searcher.fast_field_values("published", addresses), np.int64)
        days = published // DAY
        self.days.append(days)
        keys = np.log(np.maximum(scores, _TINY)) + days * PER_DAY
        for i in np.lexsort((published, keys))[::-1]:
            if len(self.heap) >= self.k and (keys[i], published[i]) < self._lowest():
                return  # sorted: no later hit can get in
            where = (addresses[i].segment_ord, addresses[i].doc)
            if where in self.members:
                continue
            entry = Ranked(float(keys[i]), int(published[i]), where, float(scores[i]))
            if len(self.heap) < self.k:
                heapq.heappush(self.heap, entry)
            elif entry > self.heap[0]:
                self.members.discard(heapq.heapreplace(self.heap, entry).address)
            else:
                continue
            self.members.add(where)

    def _lowest(self) -> tuple[float, int]:
        return self.heap[0].key, self.heap[0].published

    def offered_between(self, low: int, high: int) -> int:
        """How many offered hits were published on days [low, high] (repeats counted)."""
        return int(sum(np.count_nonzero((d >= low) & (d <= high)) for d in self.days))

    def best(self) -> list[Ranked]:
        """The top k, best first."""
        return sorted(self.heap, reverse=True)


@dataclass
class Ranker:
    """Exact relevance × recency top k over one searcher (one state of the index)."""

    searcher: tantivy.Searcher
    schema: tantivy.Schema
    newest_day: int
    oldest_day: int
    window_days: int = WINDOW_DAYS
    first_fetch: int = FIRST_FETCH
    # Totals are counted to here (a total of this many means at least this many).
    count_cap: int = COUNT_CAP
    # Windows start at one day and double up to window_days: the newest days hold the best
    # keys, and a short window's bound is tight (a flat BM25, "it", settles in days).
    growing: bool = True

    @classmethod
    def over(cls, searcher: tantivy.Searcher, schema: tantivy.Schema, **options: Any) -> Ranker:
        """A ranker over a searcher, with the index's newest and oldest publication days."""
        every = Tq.range_query(schema, "published", tantivy.FieldType.Integer, None, 2**62)
        newest = searcher.search(every, 1, count=False, order_by_field="published").hits
        oldest = searcher.search(
            every, 1, count=False, order_by_field="published", order=tantivy.Order.Asc
        ).hits
        return cls(
            searcher,
            schema,
            newest[0][0] // DAY if newest else 0,
            oldest[0][0] // DAY if oldest else 0,
            **options,
        )

    def top(
        self,
        compiled: Tq,
        k: int,
        *,
        days: tuple[int, int] | None = None,
        windowed: Windowed | None = None,
        count: bool = False,
    ) -> tuple[list[Ranked], int, int]:
        """The best k matches by the rule, best first; the number of matches counted to
        `count_cap` (exact below it) and the number of tantivy calls. `days` (first, last)
        bounds the publication days the query's own filters allow, so windows outside them
        are not read; `windowed` gives the query kept to a window of days (else the query is
        ANDed with the window, which tantivy answers more slowly: compile.py's `_within`).
        With `count` the first fetch counts every match and goes only COUNTED_FETCH deep:
        for a phrase, whose walk checks each candidate's positions anyway."""
        ranking = Ranking(k)
        limit = max(k, min(self.first_fetch, COUNTED_FETCH) if count else self.first_fetch)
        first = self.searcher.search(compiled, limit=limit, count=count)
        ranking.calls += 1
        hits = first.hits  # each read of `hits` builds the list of tuples again
        ranking.offer(self.searcher, hits)
        if len(hits) < limit or (count and match_count(first) == len(hits)):
            return ranking.best(), len(hits), ranking.calls  # every match was offered
        if count:
            total = min(match_count(first), self.count_cap)
        else:
            total = self._counted(compiled, limit, ranking)
        # Every match not fetched scores at most the last one fetched.
        ceiling = math.log(max(hits[-1][0], _TINY))
        low_day, high = days or (self.oldest_day, self.newest_day)
        high, low_day = min(high, self.newest_day), max(low_day, self.oldest_day)
        width = 1 if self.growing else self.window_days
        while high >= low_day and ranking.floor <= ceiling + high * PER_DAY:
            low = high - width + 1
            self._window(windowed or self._anded(compiled), low, high, ranking)
            high = low - 1
            width = min(width * 2, self.window_days)
        return ranking.best(), total, ranking.calls

    def _counted(self, compiled: Tq, fetched: int, ranking: Ranking) -> int:
        """The matches of a search whose first fetch was full, counted to `count_cap`: the
        cap itself when that fetch reached it, else the matches of an unscored fetch as deep
        as the cap (only when the first fetch is set below the cap, as tests do)."""
        if fetched >= self.count_cap:
            return self.count_cap
        unscored = Tq.const_score_query(compiled, 0.0)
        ranking.calls += 1
        return len(self.searcher.search(unscored, limit=self.count_cap, count=False).hits)

    def _anded(self, compiled: Tq) -> Windowed:
        """The query ANDed with a window of days."""
        return lambda low, high: kept_to_days(self.schema, compiled, low, high)

    def _window(self, windowed: Windowed, low: int, high: int, ranking: Ranking) -> None:
        """Offer the matches of days [low, high] that can still get in: BM25's best there,
        past the ones already offered, deeper until the rest cannot get in."""
        query = windowed(low, high)
        limit = ranking.k + ranking.offered_between(low, high)
        while True:
            hits = self.searcher.search(query, limit=limit, count=False).hits
            ranking.calls += 1
            ranking.offer(self.searcher, hits)
            if len(hits) < limit:
                return  # the whole window was offered
            if ranking.floor > key_of(hits[-1][0], high * DAY):
                return  # the rest of the window scores lower, and is no newer
            limit *= DEEPEN

    def every_match_top(self, compiled: Tq, k: int) -> list[Ranked]:
        """The reference: every match ranked by the rule, best k first."""
        total = match_count(self.searcher.search(compiled, limit=1, count=True))
        ranking = Ranking(k)
        if total:
            hits = self.searcher.search(compiled, limit=total, count=False).hits
            ranking.offer(self.searcher, hits)
        return ranking.best()

    def ids(self, ranked: Sequence[Ranked]) -> list[int]:
        """Article ids of ranked matches, in order."""
        addresses = [tantivy.DocAddress(*r.address) for r in ranked]
        return int_values(self.searcher, "id", addresses)
