"""Search through the index, for both backends: the index ranks and counts, the database
gives the page's rows by id (an article deleted since the index's commit is skipped, an
edited one shows its new text), snippets are cut from the row's body.

The page's rows are read with the database's highest `search_seq` (one statement, after the
ranking), which is compared with the watermark of the snapshot ranked (kept in memory since
the index's last reload, keeping.py); when the database is ahead (another process wrote, or
this one was killed before its index commit) the index catches up and the search runs again,
so a search never disagrees with the database it reads its rows from. After a transaction
that wrote articles commits, the store catches up at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence

import tantivy

from bot import work
from bot.models import SNIPPET_END, SNIPPET_START, SearchHit
from bot.models.query import Query
from bot.store.index.keeping import (
    CATCH_UP_BATCH,
    SNIPPET_CHARS,
    Changes,
    Found,
    SearchIndex,
    WriterBusy,
)
from bot.store.index.reindex import fresh_beside, swap_in
from bot.store.records.articles import hit_from_row, lead_snippet

log = logging.getLogger(__name__)

# Told (seq reached, highest seq) as a rebuild goes.
Progress = Callable[[int, int], None]


class IndexedSearch:
    """`search_articles` through the search index; mixed into each backend's store, which
    gives the reads below in its own SQL."""

    search_index: SearchIndex

    async def _search_seq(self) -> int:
        """The highest search_seq of any committed article row or tombstone (0 if none)."""
        raise NotImplementedError

    async def _search_changes(self, after: int, upto: int, limit: int) -> Changes:
        """Rows and tombstones with search_seq in (after, upto], oldest first, at most
        `limit` rows (then `upto` is the last row's seq)."""
        raise NotImplementedError

    async def _search_rows(self, ids: Sequence[int]) -> list[Mapping[str, object]]:
        """The page's rows by id: id, title, source, url, at, body (None when longer than a
        snippet may read) and lead (the body's opening). (`bench.parts` times it alone.)"""
        raise NotImplementedError

    async def _page_rows(self, ids: Sequence[int]) -> tuple[int, list[Mapping[str, object]]]:
        """The database's highest search_seq and the page's rows (as `_search_rows`), read in
        one statement (one snapshot, one trip)."""
        raise NotImplementedError

    async def _ranked_page(
        self, query: Query, offset: int, limit: int
    ) -> tuple[Found, int, list[Mapping[str, object]]]:
        """The search ranked on the index's snapshot on a worker thread (a ranking holds no
        read connection: on a reader's thread a hostile user's costly rankings held them),
        then, after it, the database's search_seq and the page's rows."""
        found = await work.to_thread(self.search_index.search, query, offset + limit)
        top, rows = await self._page_rows([i for i, _ in found.ranked[offset : offset + limit]])
        return found, top, rows

    def _index_lock(self) -> asyncio.Lock:
        lock: asyncio.Lock | None = self.__dict__.get("_catching_up")
        if lock is None:
            lock = self.__dict__["_catching_up"] = asyncio.Lock()
        return lock

    async def catch_up_search_index(self) -> int:
        # None applied when another process holds the index's writer: it is catching up.
        async with self._index_lock():
            return await self._catch_up(self.search_index)

    async def rebuild_search_index(self, progress: Progress | None = None) -> int:
        async with self._index_lock():
            built = await work.to_thread(fresh_beside, self.search_index)
            await self._catch_up(built, progress)
            self.search_index = await work.to_thread(swap_in, built, self.search_index)
            await self._catch_up(self.search_index)  # anything written meanwhile
            return await work.to_thread(self.search_index.count)

    async def _catch_up(self, index: SearchIndex, progress: Progress | None = None) -> int:
        applied = 0
        mark = (await work.to_thread(index.mark)).seq
        top = await self._search_seq()
        while mark < top:
            changes = await self._search_changes(mark, top, CATCH_UP_BATCH)
            try:
                await work.to_thread(index.apply, changes)
            except WriterBusy as exc:
                log.info("search index busy elsewhere, not caught up: %s", exc)
                break
            applied += len(changes.rows) + len(changes.deleted)
            mark = changes.upto
            if progress is not None:
                progress(mark, top)
        return applied

    async def release_search_pages(self) -> bool:
        async with self._index_lock():
            return await work.to_thread(self.search_index.release_pages)

    async def _articles_changed(self) -> None:
        """Articles were written and committed: catch the index up."""
        await self.catch_up_search_index()

    async def _index_reaches(self, top: int) -> None:
        """Bring the index up to the database's `top`, as a search read it: the index's last
        commit may hold it (another process caught up, or another search here did), else a
        catch-up. Searches that found the index behind together take turns: the first
        catches up, the others find it done."""
        async with self._index_lock():
            if (
                self.search_index.snapshot.mark.seq < top
                and (await work.to_thread(self.search_index.mark)).seq < top
            ):
                await self._catch_up(self.search_index)

    async def search_articles(
        self, query: Query, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        # Entity names must be resolved (ValueError otherwise).
        filters = query.filters.checked_resolved()
        if filters.article_ids is not None and not filters.article_ids:
            return [], 0
        # The database's highest search_seq is read with the rows, after the ranking: it
        # sees every commit made before the search arrived (another process's too; inside
        # its own transaction a task reads on it and sees what it wrote). When the database
        # is ahead of the snapshot ranked, the index catches up and the search runs again.
        found, top, rows = await self._ranked_page(query, offset, limit)
        if top > found.seq:
            await self._index_reaches(top)
            found, _, rows = await self._ranked_page(query, offset, limit)
        # One turn of the loop before the snippets: a search waiting for the connection this
        # one gave back sends its work first (in a burst of 50 on 4 readers a reader stood
        # idle while the loop cut a page's snippets and rendered it).
        await asyncio.sleep(0)
        page = found.ranked[offset : offset + limit]
        by_id = {row["id"]: row for row in rows}
        kept = [(by_id[i], score) for i, score in page if i in by_id]
        if found.snippets is None:
            return [
                hit_from_row(row, lead_snippet(str(row["lead"])), 0.0) for row, _ in kept
            ], found.total
        # A page's snippets cost about as much as a trip to a worker thread: made here.
        snippets = found.snippets
        return [
            hit_from_row(row, _snippet(row, snippets), score) for row, score in kept
        ], found.total


def _snippet(row: Mapping[str, object], snippets: tantivy.SnippetGenerator) -> str:
    """The hit's snippet: around the matched words, or the lead of a body too long to read
    whole for one (SNIPPET_BODY_CHARS)."""
    if row["body"] is None:
        return lead_snippet(str(row["lead"]))
    body = str(row["body"])
    return marked(snippets.snippet_from_doc(tantivy.Document(body=body)), body)


def marked(snippet: tantivy.Snippet, body: str) -> str:
    """A snippet in the project's form: matches between the markers, '…' where it was cut; the
    body's opening when no word of the query is in it."""
    fragment = snippet.fragment()
    if not fragment:
        return body[:SNIPPET_CHARS] + ("…" if len(body) > SNIPPET_CHARS else "")
    raw = fragment.encode()
    out: list[bytes] = []
    at = 0
    for span in snippet.highlighted():  # byte offsets into the fragment
        out += [raw[at : span.start], SNIPPET_START.encode(), raw[span.start : span.end]]
        out.append(SNIPPET_END.encode())
        at = span.end
    out.append(raw[at:])
    text = b"".join(out).decode()
    head = "" if body.startswith(fragment) else "…"
    tail = "" if body.endswith(fragment) else "…"
    return head + text + tail
