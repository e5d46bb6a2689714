"""SQL the search index needs from SQLite (bot/store/index/): its changes by `search_seq`
(migration 022) and a page's rows by id. Mixed into `SqliteStore` through SearchQueries."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence

import aiosqlite

from bot.models import SNIPPET_BODY_CHARS
from bot.store.index import Changes, IndexedCounts, IndexedSearch, IndexPacing
from bot.store.sqlite.readers import pooled

_INDEXED = (
    "id, title, caption, body, source, author, categories,"
    " coalesce(published_at, ingested_at) AS at, search_seq"
)

# The highest search_seq of any committed article row or tombstone.
_SEQ = (
    "SELECT max(coalesce((SELECT max(search_seq) FROM articles), 0),"
    " coalesce((SELECT max(search_seq) FROM article_tombstones), 0))"
)
# A page's rows, by a JSON list of ids.
_ROWS = (
    "SELECT id, title, source, url, coalesce(published_at, ingested_at) AS at,"
    f" CASE WHEN length(body) > {SNIPPET_BODY_CHARS} THEN NULL ELSE body END AS body,"
    " substr(body, 1, 400) AS lead FROM articles"
    " WHERE id IN (SELECT value FROM json_each(?))"
)
# Both in one statement (one snapshot): the seq beside each row, a row of NULLs and the seq
# when no id is left.
_PAGE = f"SELECT ({_SEQ}) AS seq, page.* FROM (SELECT 1) LEFT JOIN ({_ROWS}) AS page ON 1"


class IndexReads(IndexedSearch, IndexedCounts, IndexPacing):
    """The index's reads, each on a reader connection (sqlite/readers.py)."""

    conn: aiosqlite.Connection

    @pooled
    async def _search_seq(self) -> int:
        # One trip to the connection's thread (execute, fetch and close are three).
        rows = list(await self.conn.execute_fetchall(_SEQ))
        return int(rows[0][0]) if rows else 0

    @pooled
    async def _search_changes(self, after: int, upto: int, limit: int) -> Changes:
        async with self.conn.execute(
            f"SELECT {_INDEXED} FROM articles WHERE search_seq > ? AND search_seq <= ?"
            " ORDER BY search_seq LIMIT ?",
            (after, upto, limit),
        ) as cur:
            rows = [dict(row) for row in await cur.fetchall()]
        if len(rows) == limit:
            upto = int(rows[-1]["search_seq"])
        async with self.conn.execute(
            "SELECT article_id FROM article_tombstones WHERE search_seq > ? AND search_seq <= ?",
            (after, upto),
        ) as cur:
            deleted = [row[0] for row in await cur.fetchall()]
        return Changes(rows, deleted, upto)

    @pooled
    async def _search_rows(self, ids: Sequence[int]) -> list[Mapping[str, object]]:
        if not ids:
            return []
        rows = await self.conn.execute_fetchall(_ROWS, (json.dumps(list(ids)),))
        return [dict(row) for row in rows]

    @pooled
    async def _page_rows(self, ids: Sequence[int]) -> tuple[int, list[Mapping[str, object]]]:
        return _seq_and_rows(list(await self.conn.execute_fetchall(_PAGE, (json.dumps(ids),))))


def _seq_and_rows(rows: Sequence[sqlite3.Row]) -> tuple[int, list[Mapping[str, object]]]:
    """The seq and the page's rows of a `_PAGE` statement's answer."""
    top = int(rows[0]["seq"]) if rows else 0
    return top, [dict(row) for row in rows if row["id"] is not None]
