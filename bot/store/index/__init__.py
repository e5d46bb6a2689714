"""The search index beside the database (docs/search.md, option A): tantivy answers every
search on both backends, kept in step with the database by `search_seq`. The only package
that imports tantivy (tests/test_architecture.py)."""

from bot.store.index.counting import IndexedCounts
from bot.store.index.keeping import Changes, SearchIndex
from bot.store.index.pacing import IndexPacing
from bot.store.index.searching import IndexedSearch

__all__ = ["Changes", "IndexPacing", "IndexedCounts", "IndexedSearch", "SearchIndex"]
