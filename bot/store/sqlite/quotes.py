"""SQL for who said what: each article's quotations and their speakers' entities."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.models.quote import Quote
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
from bot.store.sqlite.db import marks
from bot.store.sqlite.readers import pooled


class QuoteQueries:
    """Quotation statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    async def save_quotes(self, article_id: int, quotes: Sequence[Quote]) -> int:
        async with self.conn.execute(
            "SELECT coalesce(published_at, ingested_at) FROM articles WHERE id = ?",
            (article_id,),
        ) as cur:
            row = await cur.fetchone()
        await self.conn.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
        if row is None or not quotes:
            return 0
        # The names this article's analysis filed its entities under: their own keys, and
        # the other forms it used ("Halevi" for Herzi Halevi).
        async with self.conn.execute(
            FILED_NAMES.format(article="?"), (article_id, article_id)
        ) as cur:
            filed = filed_names(await cur.fetchall())
        rows = quote_rows(article_id, quotes, filed, row[0])
        await self.conn.executemany(
            "INSERT INTO quotes (article_id, char_start, char_end, quote, quote_key, speaker,"
            " speaker_label, entity_id, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return len(rows)

    @pooled
    async def article_quotes(self, article_id: int) -> list[StoredQuote]:
        async with self.conn.execute(
            f"SELECT {QUOTE_COLUMNS} FROM quotes q JOIN articles a ON a.id = q.article_id"
            " WHERE q.article_id = ? ORDER BY q.char_start",
            (article_id,),
        ) as cur:
            return [quote_from_row(row) for row in await cur.fetchall()]

    @pooled
    async def entity_quotes(
        self, entity_id: int, *, since: str | None = None, limit: int = 200
    ) -> list[StoredQuote]:
        async with self.conn.execute(
            f"SELECT {QUOTE_COLUMNS} FROM quotes q{CURRENT_QUOTES}"
            " WHERE q.entity_id = ? AND q.seen_at >= ?"
            " ORDER BY q.seen_at DESC, q.article_id DESC, q.char_start LIMIT ?",
            (entity_id, since or "", limit),
        ) as cur:
            return [quote_from_row(row) for row in await cur.fetchall()]

    async def new_quotes(self, article_ids: Sequence[int]) -> list[StoredQuote]:
        if not article_ids:
            return []
        async with self.conn.execute(
            f"SELECT {QUOTE_COLUMNS} FROM quotes q{CURRENT_QUOTES}"
            f" WHERE q.article_id IN ({marks(article_ids)}) AND {NEW_QUOTE}"
            " ORDER BY q.article_id, q.char_start",
            tuple(article_ids),
        ) as cur:
            return [quote_from_row(row) for row in await cur.fetchall()]
