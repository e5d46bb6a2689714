"""What the store answers for search: ranked pages of hits, title type-ahead, index words."""

from __future__ import annotations

from typing import Protocol

from bot.models import SearchHit
from bot.store.records.search import SearchFilters


class SearchStore(Protocol):
    """Full-text search over the stored articles."""

    async def search_articles(
        self, match: str, filters: SearchFilters, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        """Run a prepared search expression (bound, never interpolated) with filters: one page
        of hits ranked by relevance with recency (see bot/store/ranking.py), and the total
        (exact, except that a count that must read each match's row stops at COUNT_CAP)."""
        ...

    async def titles_matching(
        self, prefix_match: str | None, limit: int = 25
    ) -> list[tuple[int, str]]:
        """Return (id, title) pairs whose title matches a prepared expression, newest first, or
        the newest titles: type-ahead wants the latest story of that name."""
        ...

    async def terms_starting(self, stem: str, limit: int = 200) -> list[tuple[str, int]]:
        """Return indexed words starting with `stem` and how many articles hold each."""
        ...
