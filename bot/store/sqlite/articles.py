"""SQL for articles and per-guild settings; full-text search is in sqlite/search.py."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import aiosqlite

from bot.models import Article, ArticleDraft
from bot.store.records.articles import (
    ARTICLE_COLUMNS,
    ARTICLE_PART_COLUMNS,
    Outcome,
    Stored,
    article_from_row,
    article_values,
    stats_from_row,
)
from bot.store.sqlite.readers import pooled
from bot.store.sqlite.search import SearchQueries


class ArticleQueries(SearchQueries):
    """Article and guild-setting statements (search comes from SearchQueries); mixed into
    `Store`, which owns `conn`."""

    conn: aiosqlite.Connection

    async def _articles_changed(self) -> None:
        """Called after articles are written (the store catches its search index up)."""
        raise NotImplementedError

    async def store_article(self, draft: ArticleDraft, now: str) -> Stored:
        digest = draft.content_hash
        async with self.conn.execute(
            "SELECT id, content_hash FROM articles WHERE origin = ?", (draft.origin,)
        ) as cur:
            same_origin = await cur.fetchone()
        if same_origin and same_origin["content_hash"] == digest:
            return Stored(Outcome.UNCHANGED, same_origin["id"])
        async with self.conn.execute(
            "SELECT id FROM articles WHERE content_hash = ?", (digest,)
        ) as cur:
            same_text = await cur.fetchone()
        if same_text:
            return Stored(Outcome.DUPLICATE, same_text["id"])
        values = article_values(draft, now)
        if same_origin:
            await self.conn.execute(
                "UPDATE articles SET url = ?, content_hash = ?, title = ?, caption = ?, body = ?,"
                " source = ?, desk = ?, dateline = ?, author = ?, published_at = ?,"
                " updated_at = ?, metadata = ?, categories = ? WHERE id = ?",
                (*values, same_origin["id"]),
            )
            await self._articles_changed()
            return Stored(Outcome.UPDATED, same_origin["id"])
        cursor = await self.conn.execute(
            "INSERT INTO articles (url, content_hash, title, caption, body, source, desk,"
            " dateline, author, published_at, updated_at, metadata, categories, origin,"
            " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, draft.origin, now),
        )
        assert cursor.lastrowid is not None
        await self._articles_changed()
        return Stored(Outcome.ADDED, cursor.lastrowid)

    async def store_articles(self, drafts: Sequence[ArticleDraft], now: str) -> list[Stored]:
        # Two lookups and one `executemany` for the batch instead of three round trips an article.
        digests = [draft.content_hash for draft in drafts]
        by_origin: dict[str, tuple[int, str]] = {}
        async with self.conn.execute(
            "SELECT origin, id, content_hash FROM articles"
            " WHERE origin IN (SELECT value FROM json_each(?))",
            (json.dumps([draft.origin for draft in drafts]),),
        ) as cur:
            for row in await cur.fetchall():
                by_origin[row[0]] = (row[1], row[2])
        by_hash: dict[str, int] = {}
        async with self.conn.execute(
            "SELECT content_hash, id FROM articles"
            " WHERE content_hash IN (SELECT value FROM json_each(?))",
            (json.dumps(digests),),
        ) as cur:
            for row in await cur.fetchall():
                by_hash[row[0]] = row[1]
        results: list[Stored | None] = []
        pending: list[tuple[int, ArticleDraft, str]] = []  # (result slot, draft, digest)
        pending_keys: set[str] = set()
        for draft, digest in zip(drafts, digests, strict=True):
            known = by_origin.get(draft.origin)
            if known is not None and known[1] == digest:
                results.append(Stored(Outcome.UNCHANGED, known[0]))
            elif digest in by_hash:
                results.append(Stored(Outcome.DUPLICATE, by_hash[digest]))
            elif known is not None or draft.origin in pending_keys or digest in pending_keys:
                # Updates, and repeats inside the batch, take the one-article path (rare).
                await self._insert_pending(pending, results, by_origin, by_hash, now)
                pending_keys.clear()
                stored = await self.store_article(draft, now)
                results.append(stored)
                if stored.outcome in (Outcome.ADDED, Outcome.UPDATED):
                    by_origin[draft.origin] = (stored.article_id, digest)
                    by_hash[digest] = stored.article_id
            else:
                pending.append((len(results), draft, digest))
                pending_keys.update((draft.origin, digest))
                results.append(None)
        await self._insert_pending(pending, results, by_origin, by_hash, now)
        return [r for r in results if r is not None]

    async def _insert_pending(
        self,
        pending: list[tuple[int, ArticleDraft, str]],
        results: list[Stored | None],
        by_origin: dict[str, tuple[int, str]],
        by_hash: dict[str, int],
        now: str,
    ) -> None:
        """Insert the new drafts collected so far in one `executemany`; fill in their ids."""
        if not pending:
            return
        await self.conn.executemany(
            "INSERT INTO articles (url, content_hash, title, caption, body, source, desk,"
            " dateline, author, published_at, updated_at, metadata, categories, origin,"
            " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (*article_values(draft, now, digest), draft.origin, now)
                for _, draft, digest in pending
            ],
        )
        async with self.conn.execute(
            "SELECT origin, id FROM articles WHERE origin IN (SELECT value FROM json_each(?))",
            (json.dumps([draft.origin for _, draft, _ in pending]),),
        ) as cur:
            ids = {row[0]: row[1] for row in await cur.fetchall()}
        for slot, draft, digest in pending:
            article_id = ids[draft.origin]
            results[slot] = Stored(Outcome.ADDED, article_id)
            by_origin[draft.origin] = (article_id, digest)
            by_hash[digest] = article_id
        pending.clear()
        await self._articles_changed()

    @pooled
    async def article(self, article_id: int) -> Article | None:
        async with self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ) as cur:
            row = await cur.fetchone()
        return article_from_row(row) if row else None

    @pooled
    async def article_part(
        self, article_id: int, start: int, length: int
    ) -> tuple[Article, int] | None:
        columns = ARTICLE_PART_COLUMNS.format(start="?", length="?")
        rows = await self.conn.execute_fetchall(
            f"SELECT {columns} FROM articles WHERE id = ?",
            (max(start, 0) + 1, max(length, 0), article_id),
        )
        return next(((article_from_row(row), row["body_chars"]) for row in rows), None)

    @pooled
    async def articles(self, ids: Sequence[int], *, body_chars: int | None = None) -> list[Article]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        columns = ARTICLE_COLUMNS
        if body_chars is not None:
            columns = ARTICLE_PART_COLUMNS.format(start=1, length=max(int(body_chars), 0))
        async with self.conn.execute(
            f"SELECT {columns} FROM articles WHERE id IN ({marks})", tuple(ids)
        ) as cur:
            found = {row["id"]: article_from_row(row) for row in await cur.fetchall()}
        return [found[i] for i in ids if i in found]

    async def articles_since(self, since: str, limit: int = 500) -> list[Article]:
        async with self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE updated_at >= ?"
            " ORDER BY updated_at DESC, id DESC LIMIT ?",
            (since, limit),
        ) as cur:
            return [article_from_row(row) for row in await cur.fetchall()]

    @pooled
    async def latest_articles(self, limit: int = 10) -> list[Article]:
        async with self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles"
            " ORDER BY coalesce(published_at, ingested_at) DESC, id DESC LIMIT ?",
            (limit,),
        ) as cur:
            return [article_from_row(row) for row in await cur.fetchall()]

    async def count_articles(self) -> int:
        async with self.conn.execute("SELECT count(*) FROM articles") as cur:
            row = await cur.fetchone()
        return row[0] if row else 0

    @pooled
    async def count_articles_since(self, since: str, cap: int) -> int:
        async with self.conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM articles"
            " WHERE coalesce(published_at, ingested_at) >= ? LIMIT ?)",
            (since, cap),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def article_stats(self) -> dict[str, object]:
        async with self.conn.execute(
            "SELECT count(*) AS n, count(DISTINCT nullif(source, '')) AS sources,"
            " min(coalesce(published_at, ingested_at)) AS first,"
            " max(coalesce(published_at, ingested_at)) AS last FROM articles"
        ) as cur:
            row = await cur.fetchone()
        async with self.conn.execute(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        ) as cur:
            size = await cur.fetchone()
        assert row is not None
        return stats_from_row(row, size[0] if size else 0)

    async def guild_setting(self, guild_id: int, key: str) -> str | None:
        async with self.conn.execute(
            "SELECT value FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def set_guild_setting(self, guild_id: int, key: str, value: str | None) -> None:
        if value is None:
            await self.conn.execute(
                "DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
            )
        else:
            await self.conn.execute(
                "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                (guild_id, key, value),
            )

    async def check_integrity(self) -> list[str]:
        # SQLite's integrity check, and FTS5's consistency check of each index.
        problems: list[str] = []
        async with self.conn.execute("PRAGMA integrity_check") as cur:
            rows = [row[0] for row in await cur.fetchall()]
        if rows != ["ok"]:
            problems.extend(rows)
        indexes = (
            ("articles_fts", "full-text"),
            ("articles_titles", "title"),
            ("articles_authors", "author"),
            ("article_categories", "category"),
        )
        for index, name in indexes:
            try:
                await self.conn.execute(
                    f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)"
                )
            except sqlite3.DatabaseError as exc:
                problems.append(f"{name} index: {exc}")
        return problems
