"""The SQL conditions a search's filters become in SQLite, shared by the text index's scan
(sqlite/search.py) and the listing of a search of labels alone (sqlite/labels.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.models.query import SearchFilters
from bot.store.ranking import DAY_SPAN, day_number


@dataclass
class Conditions:
    """Conditions on an article's search key (`key`), answered without reading its row, and
    those that need the row (`a`), each with its parameters in order."""

    key_where: list[str] = field(default_factory=list)
    key_params: list[object] = field(default_factory=list)
    row_where: list[str] = field(default_factory=list)
    row_params: list[object] = field(default_factory=list)


def filter_conditions(filters: SearchFilters, key: str) -> Conditions:
    """The date range (whole days as key ranges, a time of day on the row) and the sources."""
    found = Conditions()
    if filters.after:
        day, midnight = day_number(filters.after)
        found.key_where.append(f"{key} >= ?")
        found.key_params.append(day * DAY_SPAN)
        if not midnight:
            found.row_where.append("coalesce(a.published_at, a.ingested_at) >= ?")
            found.row_params.append(filters.after)
    if filters.before:
        day, midnight = day_number(filters.before)
        found.key_where.append(f"{key} < ?")
        found.key_params.append((day if midnight else day + 1) * DAY_SPAN)
        if not midnight:
            found.row_where.append("coalesce(a.published_at, a.ingested_at) < ?")
            found.row_params.append(filters.before)
    if filters.sources:
        sources = " OR ".join("a.source = ? COLLATE NOCASE" for _ in filters.sources)
        found.row_where.append(f"({sources})")
        found.row_params.extend(filters.sources)
    return found
