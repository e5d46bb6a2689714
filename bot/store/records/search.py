"""What a search asks of the store besides its words: the filters both backends apply."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchFilters:
    """Filters a search applies besides the full-text match (all optional)."""

    sources: tuple[str, ...] = ()
    after: str | None = None  # ISO date, inclusive
    before: str | None = None  # ISO date, exclusive
    article_ids: tuple[int, ...] | None = None  # restrict to these (e.g. an entity's articles)
