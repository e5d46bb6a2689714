"""What the store answers for search: ranked pages of hits, title type-ahead, index words."""

from __future__ import annotations

from typing import Protocol

from bot.models import SearchHit
from bot.models.query import Query


class SearchStore(Protocol):
    """Full-text search over the stored articles. A search arrives as the parsed `Query`
    (bot/models/query.py) and each backend compiles it to its own dialect once."""

    async def search_articles(
        self, query: Query, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        """Run a query with its filters (entity names already resolved to article ids, or
        ValueError): one page of hits ranked by relevance with recency (see
        bot/store/ranking.py), and the total (exact, except that a count that must read each
        match's row stops at COUNT_CAP)."""
        ...

    async def titles_matching(self, words: Query | None, limit: int = 25) -> list[tuple[int, str]]:
        """Return (id, title) pairs whose title matches a query's terms (its filters are not
        applied), newest first, or with None the newest titles: type-ahead wants the latest
        story of that name."""
        ...

    async def terms_starting(self, stem: str, limit: int = 200) -> list[tuple[str, int]]:
        """Return indexed words starting with `stem` and how many articles hold each: what a
        prefix term expands to (see `Query.cost`)."""
        ...
