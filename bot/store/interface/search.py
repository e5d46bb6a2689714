"""What the store answers for search: ranked pages of hits, title type-ahead, index words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from bot.models import SearchHit
from bot.models.query import Query, Reach, Term


class SearchStore(Protocol):
    """Full-text search over the stored articles. A search arrives as the parsed `Query`
    (bot/models/query.py) and each backend compiles it to its own dialect once."""

    async def search_articles(
        self, query: Query, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        """Run a query with its filters (entity names already resolved to article ids, or
        ValueError): one page of hits ranked by relevance with recency (see
        bot/store/ranking.py), and the total, counted to COUNT_CAP (exact below it; COUNT_CAP
        means at least that many: no reader pages past it)."""
        ...

    async def catch_up_search_index(self) -> int:
        """Bring the search index (bot/store/index/) up to the database: apply every article
        written or deleted since its watermark; return how many it applied. The store does
        this itself on open, after each transaction that wrote articles and before a search
        that finds the index behind."""
        ...

    async def release_search_pages(self) -> bool:
        """Let go of the search index's file pages mapped in by earlier searches (it is opened
        again: the pages stay in the system's file cache, no longer in this process's memory);
        False when there is nothing to let go (an index in memory) or a writer is busy. The
        bot does this every RELEASE_EVERY seconds (bot/client/newsbot.py)."""
        ...

    def search_index_deferred(self) -> AbstractAsyncContextManager[None]:
        """Within the block, articles this task commits reach the search index once, when it
        ends, instead of after each transaction (a bulk ingest: a tantivy commit costs about
        the same for 200 articles as for 2,000). Searches meanwhile still catch the index up
        first, so none answers from a stale index."""
        ...

    async def rebuild_search_index(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Build the search index again from the database into a new directory and swap it
        in (`python -m bot reindex`); return how many articles it holds. `progress` is told
        (changes applied up to, highest) after each commit."""
        ...

    async def matching_ids(self, query: Query, article_ids: Sequence[int]) -> set[int]:
        """Which of these articles a query (its entity names resolved) matches, with its
        filters: no ranking, snippets or total, so filtering a batch or a window of a few
        hundred articles costs what the index lookups do."""
        ...

    async def titles_matching(self, words: Query | None, limit: int = 25) -> list[tuple[int, str]]:
        """Return (id, title) pairs whose title matches a query's terms (its filters are not
        applied), newest first, or with None the newest titles: type-ahead wants the latest
        story of that name."""
        ...

    async def terms_starting(
        self, stem: str, limit: int = 200, *, max_postings: int | None = None
    ) -> list[tuple[str, int]]:
        """Return indexed words starting with `stem` (folded as the index folds it) and how
        many articles hold each, in word order: what a prefix term expands to (see
        `Query.cost`). With `max_postings`, stop after the word that takes the summed
        article counts past it: a short, common stem then reads a bounded part of the index."""
        ...

    def searchable_articles(self) -> int:
        """About how many articles a search runs over (the search index's last state, no read
        of the database): what a search's budget scales with (bot/search/cost.py)."""
        ...

    async def term_reach(self, term: Term, *, max_lists: int, max_postings: int) -> Reach:
        """How much of the index searching for `term` reads (bot/models/query.py `Reach`):
        its lists and postings, each counted only until it passes its cap. Cheap next to the
        search itself (counts are remembered where the backend can), so a search's cost can be
        checked against its budget before it runs (bot/search/cost.py)."""
        ...
