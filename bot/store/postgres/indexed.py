"""SQL the search index needs from PostgreSQL (bot/store/index/): its changes by `search_seq`
(migration 023) and a page's rows by id. Mixed into `PostgresStore` through PgArticleQueries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.models import SNIPPET_BODY_CHARS
from bot.store.index import Changes, IndexedCounts, IndexedSearch, IndexPacing
from bot.store.postgres.base import PgBase

_INDEXED = (
    "id, title, caption, body, source, author, categories::text AS categories,"
    " coalesce(published_at, ingested_at) AS at, search_seq"
)

# The highest search_seq of any committed article row or tombstone.
_SEQ = (
    "SELECT greatest(coalesce((SELECT max(search_seq) FROM articles), 0),"
    " coalesce((SELECT max(search_seq) FROM article_tombstones), 0))"
)
# A page's rows, by an array of ids.
_ROWS = (
    "SELECT id, title, source, url, coalesce(published_at, ingested_at) AS at,"
    f" CASE WHEN length(body) > {SNIPPET_BODY_CHARS} THEN NULL ELSE body END AS body,"
    " left(body, 400) AS lead FROM articles WHERE id = ANY($1::bigint[])"
)


class PgIndexReads(IndexedSearch, IndexedCounts, IndexPacing, PgBase):
    """The index's reads, through the pool (or the task's transaction)."""

    async def _search_seq(self) -> int:
        return int(await self._fetchval(_SEQ) or 0)

    async def _search_changes(self, after: int, upto: int, limit: int) -> Changes:
        rows = [
            dict(row)
            for row in await self._fetch(
                f"SELECT {_INDEXED} FROM articles WHERE search_seq > $1 AND search_seq <= $2"
                " ORDER BY search_seq LIMIT $3",
                after,
                upto,
                limit,
            )
        ]
        if len(rows) == limit:
            upto = int(rows[-1]["search_seq"])
        deleted = [
            row[0]
            for row in await self._fetch(
                "SELECT article_id FROM article_tombstones"
                " WHERE search_seq > $1 AND search_seq <= $2",
                after,
                upto,
            )
        ]
        return Changes(rows, deleted, upto)

    async def _search_rows(self, ids: Sequence[int]) -> list[Mapping[str, object]]:
        if not ids:
            return []
        return [dict(row) for row in await self._fetch(_ROWS, list(ids))]

    async def _page_rows(self, ids: Sequence[int]) -> tuple[int, list[Mapping[str, object]]]:
        # One statement, so one snapshot and one round trip: the seq beside each row (a row
        # of NULLs and the seq when no id is left).
        rows = await self._fetch(
            f"SELECT ({_SEQ}) AS seq, page.* FROM (SELECT 1) AS one"
            f" LEFT JOIN ({_ROWS}) AS page ON true",
            list(ids),
        )
        top = int(rows[0]["seq"] or 0) if rows else 0
        return top, [dict(row) for row in rows if row["id"] is not None]
