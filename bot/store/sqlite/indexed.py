"""SQL the search index needs from SQLite (bot/store/index/): its changes by `search_seq`
(migration 022) and a page's rows by id. Mixed into `SqliteStore` through SearchQueries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence

import aiosqlite

from bot.models import SNIPPET_BODY_CHARS
from bot.store.index import Changes, IndexedCounts, IndexedSearch, IndexPacing
from bot.store.sqlite.readers import pooled

_INDEXED = (
    "id, title, caption, body, source, author, categories,"
    " coalesce(published_at, ingested_at) AS at, search_seq"
)


class IndexReads(IndexedSearch, IndexedCounts, IndexPacing):
    """The index's reads, each on a reader connection (sqlite/readers.py)."""

    conn: aiosqlite.Connection
    writer: aiosqlite.Connection
    _owner: asyncio.Task[object] | None

    def _holds_connection(self) -> bool:
        # `conn` is the reader this task borrowed, if it borrowed one (readers.py).
        owns = self._owner is not None and self._owner is asyncio.current_task()
        return owns or self.conn is not self.writer

    @pooled
    async def _search_seq(self) -> int:
        # One trip to the connection's thread (execute, fetch and close are three).
        rows = list(
            await self.conn.execute_fetchall(
                "SELECT max(coalesce((SELECT max(search_seq) FROM articles), 0),"
                " coalesce((SELECT max(search_seq) FROM article_tombstones), 0))"
            )
        )
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
        rows = await self.conn.execute_fetchall(
            "SELECT id, title, source, url, coalesce(published_at, ingested_at) AS at,"
            f" CASE WHEN length(body) > {SNIPPET_BODY_CHARS} THEN NULL ELSE body END AS body,"
            " substr(body, 1, 400) AS lead FROM articles"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return [dict(row) for row in rows]
