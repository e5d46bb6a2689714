"""The documented ranking rule computed the slow way, for tests on both backends: every match
of a query scored by the search index, ranked by ln(score) + day × ln 2 / 30, newer first on
ties (bot/store/index/ranking.py must give the same top k without reading every match)."""

from __future__ import annotations

import numpy as np

from bot.models.query import Query
from bot.store import Store
from bot.store.ranking import PER_DAY


def every_match_ranked(store: Store, query: Query) -> list[int]:
    """Article ids of every match, best first by the rule."""
    index = store.search_index  # type: ignore[attr-defined]
    searcher = index.ranker().searcher
    compiled = index.compiler.compile(query)
    total = searcher.search(compiled, limit=1, count=True).count
    if not total:
        return []
    hits = searcher.search(compiled, limit=total, count=False).hits
    addresses = [address for _, address in hits]
    scores = np.array([score for score, _ in hits], float)
    published = np.asarray(searcher.fast_field_values("published", addresses), np.int64)
    ids = searcher.fast_field_values("id", addresses)
    keys = np.log(np.maximum(scores, 1e-30)) + (published // 86_400) * PER_DAY
    order = sorted(
        range(total),
        key=lambda i: (keys[i], published[i], addresses[i].segment_ord, addresses[i].doc),
        reverse=True,
    )
    return [int(ids[i]) for i in order]
