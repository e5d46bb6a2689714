"""When the search index takes committed articles: after each transaction that wrote them, or,
inside `search_index_deferred` (a bulk ingest), once at the end of the block.

A tantivy commit costs about as much for 200 articles as for 2,000 (a writer, its segment,
the merge), so a file ingested in 200-article transactions spent twice as long committing the
index as storing the rows. Deferring changes no result: the index applies the same rows by
`search_seq` whenever it catches up, and a search catches up first when it finds the index
behind the database (searching.py), so it never answers from a stale index.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextvars import ContextVar

# Per task: another task's write (a command, a feed) still reaches the index at once.
_DEFERRED: ContextVar[list[bool] | None] = ContextVar("search_index_deferred", default=None)


class IndexPacing:
    """The store's "articles were committed" hook for its search index; mixed into both
    backends, which call `_index_written` after a transaction that wrote articles commits."""

    async def catch_up_search_index(self) -> int:
        """Apply to the index what the database changed since its watermark."""
        raise NotImplementedError

    async def _index_written(self) -> None:
        """Articles were committed: catch the index up now, or when this task's
        `search_index_deferred` block ends."""
        behind = _DEFERRED.get()
        if behind is not None:
            behind[0] = True
            return
        await self.catch_up_search_index()

    @contextlib.asynccontextmanager
    async def search_index_deferred(self) -> AsyncIterator[None]:
        # Also when the block raises: what it committed is indexed. Nested blocks join the
        # outer one. (Documented in bot/store/interface/search.py.)
        if _DEFERRED.get() is not None:
            yield
            return
        behind = [False]
        token = _DEFERRED.set(behind)
        try:
            yield
        finally:
            _DEFERRED.reset(token)
            if behind[0]:
                await self.catch_up_search_index()
