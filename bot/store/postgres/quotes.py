"""PostgreSQL SQL for who said what: each article's quotations and their speakers' entities.

Contract: bot/store/interface/quotes.py (records and row decoders: bot/store/records/quotes.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models.quote import Quote
from bot.store.postgres.base import PgBase
from bot.store.records.quotes import (
    CURRENT_QUOTES,
    FILED_NAMES,
    NEW_QUOTE,
    QUOTE_COLUMNS,
    StoredQuote,
    filed_names,
    quote_from_row,
    quote_rows,
)


class PgQuoteQueries(PgBase):
    """Quotation statements for `PostgresStore`."""

    async def save_quotes(self, article_id: int, quotes: Sequence[Quote]) -> int:
        seen_at = await self._fetchval(
            "SELECT coalesce(published_at, ingested_at) FROM articles WHERE id = $1", article_id
        )
        await self._execute("DELETE FROM quotes WHERE article_id = $1", article_id)
        if seen_at is None or not quotes:
            return 0
        filed = filed_names(await self._fetch(FILED_NAMES.format(article="$1"), article_id))
        rows = quote_rows(article_id, quotes, filed, seen_at)
        await self._executemany(
            "INSERT INTO quotes (article_id, char_start, char_end, quote, quote_key, speaker,"
            " speaker_label, entity_id, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            rows,
        )
        return len(rows)

    async def article_quotes(self, article_id: int) -> list[StoredQuote]:
        rows = await self._fetch(
            f"SELECT {QUOTE_COLUMNS} FROM quotes q JOIN articles a ON a.id = q.article_id"
            " WHERE q.article_id = $1 ORDER BY q.char_start",
            article_id,
        )
        return [quote_from_row(row) for row in rows]

    async def entity_quotes(
        self, entity_id: int, *, since: str | None = None, limit: int = 200
    ) -> list[StoredQuote]:
        rows = await self._fetch(
            f"SELECT {QUOTE_COLUMNS} FROM quotes q{CURRENT_QUOTES}"
            " WHERE q.entity_id = $1 AND q.seen_at >= $2"
            " ORDER BY q.seen_at DESC, q.article_id DESC, q.char_start LIMIT $3",
            entity_id,
            since or "",
            limit,
        )
        return [quote_from_row(row) for row in rows]

    async def new_quotes(self, article_ids: Sequence[int]) -> list[StoredQuote]:
        if not article_ids:
            return []
        rows = await self._fetch(
            f"SELECT {QUOTE_COLUMNS} FROM quotes q{CURRENT_QUOTES}"
            f" WHERE q.article_id = ANY($1::bigint[]) AND {NEW_QUOTE}"
            " ORDER BY q.article_id, q.char_start",
            list(article_ids),
        )
        return [quote_from_row(row) for row in rows]
