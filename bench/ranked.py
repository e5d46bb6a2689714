"""A prototype of docs/search.md's option A: tantivy as Newsdesk's search index beside the
database, ranking every search by a relevance × recency rule computed exactly from tantivy's
own scores:

    key = ln(tantivy BM25, fields boosted 10/2/1) + day × ln 2 / 30

(the same recency as Newsdesk's rule; the relevance is tantivy's per-field BM25 instead of
FTS5's bm25). The top k comes without scoring every match: windows of WINDOW_DAYS days, newest
first; in each, tantivy's BM25 top hits restricted to the window, fetched deeper until no hit
left in the window can reach the k-th key; and a stop once the best BM25 of any match, at the
next window's newest day, cannot reach it either. `every_match_top` ranks every match for the
check. The page's rows come from the database (the index stores no text) and the snippets from
tantivy's SnippetGenerator over the database's body.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import tantivy
from tantivy import Occur
from tantivy import Query as Tq

from bench.peer import SNIPPET_CHARS, Peer, marked
from bot.models import SearchHit, SearchPage
from bot.search import parse_query
from bot.store import Store
from bot.store.ranking import PER_DAY

DAY = 86_400
WINDOW_DAYS = 30
# How much deeper a window's next fetch goes when its last hit could still compete.
DEEPEN = 4


@dataclass(order=True, frozen=True)
class Ranked:
    """One match by the rule: its key, then tie-breakers (newer first, then address)."""

    key: float
    published: int
    address: tuple[int, int]
    score: float = field(compare=False)


@dataclass
class Ranking:
    """The best k so far (a min-heap) and the tantivy calls it took."""

    k: int
    heap: list[Ranked] = field(default_factory=list)
    seen: set[tuple[int, int]] = field(default_factory=set)
    calls: int = 0

    @property
    def floor(self) -> float:
        """The k-th best key so far (-inf until k are held)."""
        return self.heap[0].key if len(self.heap) >= self.k else -math.inf

    def offer(self, searcher: tantivy.Searcher, hits: Sequence[tuple[float, Any]]) -> None:
        """Consider tantivy's (score, address) hits not seen yet."""
        fresh = [(s, a) for s, a in hits if (a.segment_ord, a.doc) not in self.seen]
        if not fresh:
            return
        published = searcher.fast_field_values("published", [a for _, a in fresh])
        for (score, address), when in zip(fresh, published, strict=True):
            where = (address.segment_ord, address.doc)
            self.seen.add(where)
            entry = Ranked(key_of(score, when), when, where, score)
            if len(self.heap) < self.k:
                heapq.heappush(self.heap, entry)
            elif entry > self.heap[0]:
                heapq.heapreplace(self.heap, entry)

    def best(self) -> list[Ranked]:
        """The top k, best first."""
        return sorted(self.heap, reverse=True)


def key_of(score: float, published: int) -> float:
    """The rule's key for a tantivy score and a publication time (seconds)."""
    return math.log(max(score, 1e-30)) + (published // DAY) * PER_DAY


@dataclass
class RecencyIndex:
    """Exact relevance × recency top k over a tantivy index (a Peer's searcher and compiler)."""

    peer: Peer
    window_days: int = WINDOW_DAYS

    def __post_init__(self) -> None:
        searcher = self.peer.searcher
        everything = Tq.all_query()
        newest = searcher.search(everything, 1, order_by_field="published").hits
        oldest = searcher.search(
            everything, 1, order_by_field="published", order=tantivy.Order.Asc
        ).hits
        self.newest_day = newest[0][0] // DAY if newest else 0
        self.oldest_day = oldest[0][0] // DAY if oldest else 0

    def top(self, compiled: Tq, k: int, *, count: bool = True) -> tuple[list[Ranked], int, int]:
        """The best k matches by the rule, best first; the number of matches (with `count`;
        else -1) and the number of tantivy calls."""
        searcher = self.peer.searcher
        ranking = Ranking(k)
        first = searcher.search(compiled, limit=k, count=count)
        ranking.calls += 1
        if not first.hits:
            return [], first.count if count else -1, ranking.calls
        ranking.offer(searcher, first.hits)
        best_score = math.log(max(first.hits[0][0], 1e-30))
        high = self.newest_day
        while high >= self.oldest_day:
            if ranking.floor > best_score + high * PER_DAY:
                break  # no match published on day `high` or before can get in
            low = high - self.window_days + 1
            self._window(compiled, low, high, ranking)
            high = low - 1
        return ranking.best(), first.count if count else -1, ranking.calls

    def _window(self, compiled: Tq, low: int, high: int, ranking: Ranking) -> None:
        """Offer the matches of days [low, high] that can still get in."""
        searcher = self.peer.searcher
        days = Tq.range_query(
            self.peer.schema,
            "published",
            tantivy.FieldType.Integer,
            low * DAY,
            (high + 1) * DAY,
            include_upper=False,
        )
        windowed = Tq.boolean_query(
            [(Occur.Must, compiled), (Occur.Must, Tq.const_score_query(days, 0.0))]
        )
        limit = ranking.k
        while True:
            hits = searcher.search(windowed, limit=limit, count=False).hits
            ranking.calls += 1
            ranking.offer(searcher, hits)
            if len(hits) < limit:
                return  # the whole window was offered
            if ranking.floor > key_of(hits[-1][0], (high + 1) * DAY - 1):
                return  # the rest of the window scores lower, and is no newer
            limit *= DEEPEN

    def every_match_top(self, compiled: Tq, k: int) -> list[Ranked]:
        """The reference: every match ranked by the rule, best k first."""
        searcher = self.peer.searcher
        total = searcher.search(compiled, limit=1, count=True).count
        ranking = Ranking(k)
        if total:
            ranking.offer(searcher, searcher.search(compiled, limit=total, count=False).hits)
        return ranking.best()

    def ids(self, ranked: Sequence[Ranked]) -> list[int]:
        """Article ids of ranked matches."""
        searcher = self.peer.searcher
        addresses = [tantivy.DocAddress(*r.address) for r in ranked]
        return [int(i) for i in searcher.fast_field_values("id", addresses)]


async def hybrid_page(
    store: Store, index: RecencyIndex, text: str, per_page: int = 10
) -> SearchPage:
    """A page as a bot with the index beside its database would make it: exact top k from the
    index, the rows from the database, snippets from tantivy over the stored body."""
    compiled = index.peer.compile(parse_query(text))
    ranked, total, _ = index.top(compiled, per_page)
    ids = index.ids(ranked)
    # Prototype only: the bot's version of this lookup would be a store method.
    rows = await store.conn.execute_fetchall(
        "SELECT id, title, source, url, coalesce(published_at, ingested_at) AS at, body"
        " FROM articles WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    )
    by_id = {row["id"]: row for row in rows}
    snippets = tantivy.SnippetGenerator.create(
        index.peer.searcher, compiled, index.peer.schema, "body"
    )
    snippets.set_max_num_chars(SNIPPET_CHARS)
    hits = []
    for article, entry in zip(ids, ranked, strict=True):
        row = by_id.get(article)
        if row is None:
            continue  # deleted since the index was read: the index catches up
        snippet = snippets.snippet_from_doc(tantivy.Document(body=row["body"]))
        hits.append(
            SearchHit(
                id=article,
                title=row["title"],
                source=row["source"],
                url=row["url"],
                when=row["at"],
                snippet=marked(snippet, row["body"]),
                score=entry.score,
            )
        )
    return SearchPage(query=text, hits=hits, total=total, page=1, per_page=per_page)
