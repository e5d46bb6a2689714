"""SQL for articles, their full-text index and per-guild settings."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

import aiosqlite

from bot.models import SNIPPET_END, SNIPPET_START, Article, ArticleDraft, SearchHit

_ARTICLE_COLUMNS = (
    "id, origin, url, content_hash, title, caption, body, source, desk, dateline, author, "
    "published_at, ingested_at, updated_at, metadata"
)

# bm25 weights for (title, caption, body): a word in the headline counts ten times one in the body.
BM25_WEIGHTS = (10.0, 2.0, 1.0)


class Outcome(Enum):
    """What storing one draft did."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Stored:
    """The result of storing one draft: the outcome and the article id it maps to."""

    outcome: Outcome
    article_id: int


@dataclass(frozen=True)
class SearchFilters:
    """Filters a search applies besides the full-text match (all optional)."""

    sources: tuple[str, ...] = ()
    after: str | None = None  # ISO date, inclusive
    before: str | None = None  # ISO date, exclusive
    article_ids: tuple[int, ...] | None = None  # restrict to these (e.g. an entity's articles)


def _article(row: aiosqlite.Row) -> Article:
    return Article(
        id=row["id"],
        origin=row["origin"],
        url=row["url"],
        title=row["title"],
        caption=row["caption"],
        body=row["body"],
        source=row["source"],
        desk=row["desk"],
        dateline=row["dateline"],
        author=row["author"],
        published_at=row["published_at"],
        ingested_at=row["ingested_at"],
        updated_at=row["updated_at"],
        metadata=json.loads(row["metadata"]),
    )


class ArticleQueries:
    """Article, search and guild-setting statements; mixed into `Store`, which owns `conn`."""

    conn: aiosqlite.Connection

    async def store_article(self, draft: ArticleDraft, now: str) -> Stored:
        """Insert or update one article (with its index rows); call inside a transaction."""
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
        values = (
            draft.url,
            digest,
            draft.title,
            draft.caption,
            draft.body,
            draft.source,
            draft.desk,
            draft.dateline,
            draft.author,
            draft.published_at,
            now,
            json.dumps(draft.metadata, ensure_ascii=False, sort_keys=True),
        )
        if same_origin:
            await self.conn.execute(
                "UPDATE articles SET url = ?, content_hash = ?, title = ?, caption = ?, body = ?,"
                " source = ?, desk = ?, dateline = ?, author = ?, published_at = ?,"
                " updated_at = ?, metadata = ? WHERE id = ?",
                (*values, same_origin["id"]),
            )
            return Stored(Outcome.UPDATED, same_origin["id"])
        cursor = await self.conn.execute(
            "INSERT INTO articles (url, content_hash, title, caption, body, source, desk,"
            " dateline, author, published_at, updated_at, metadata, origin, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, draft.origin, now),
        )
        assert cursor.lastrowid is not None
        return Stored(Outcome.ADDED, cursor.lastrowid)

    async def article(self, article_id: int) -> Article | None:
        """Return the article with this id, or None."""
        async with self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ) as cur:
            row = await cur.fetchone()
        return _article(row) if row else None

    async def articles(self, ids: Sequence[int]) -> list[Article]:
        """Return the articles with these ids, in the order given (missing ids are skipped)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        async with self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", tuple(ids)
        ) as cur:
            found = {row["id"]: _article(row) for row in await cur.fetchall()}
        return [found[i] for i in ids if i in found]

    async def articles_since(self, since: str, limit: int = 500) -> list[Article]:
        """Return articles ingested or updated at or after `since` (ISO UTC), newest first."""
        async with self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE updated_at >= ?"
            " ORDER BY updated_at DESC, id DESC LIMIT ?",
            (since, limit),
        ) as cur:
            return [_article(row) for row in await cur.fetchall()]

    async def latest_articles(self, limit: int = 10) -> list[Article]:
        """Return the newest articles by publication (or ingest) time."""
        async with self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles"
            " ORDER BY coalesce(published_at, ingested_at) DESC, id DESC LIMIT ?",
            (limit,),
        ) as cur:
            return [_article(row) for row in await cur.fetchall()]

    async def count_articles(self) -> int:
        """Return how many articles are stored."""
        async with self.conn.execute("SELECT count(*) FROM articles") as cur:
            row = await cur.fetchone()
        return row[0] if row else 0

    async def article_stats(self) -> dict[str, object]:
        """Return corpus figures: article count, sources, date range, database bytes."""
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
        return {
            "articles": row["n"],
            "sources": row["sources"],
            "first": row["first"],
            "last": row["last"],
            "bytes": size[0] if size else 0,
        }

    async def titles_matching(
        self, prefix_match: str | None, limit: int = 25
    ) -> list[tuple[int, str]]:
        """Return (id, title) pairs whose title matches an FTS expression, or the newest titles."""
        if prefix_match is None:
            sql = (
                "SELECT id, title FROM articles"
                " ORDER BY coalesce(published_at, ingested_at) DESC, id DESC LIMIT ?"
            )
            params: tuple[object, ...] = (limit,)
        else:
            sql = (
                "SELECT a.id, a.title FROM articles_fts f JOIN articles a ON a.id = f.rowid"
                " WHERE articles_fts MATCH ? ORDER BY f.rank LIMIT ?"
            )
            params = ("title : (" + prefix_match + ")", limit)
        async with self.conn.execute(sql, params) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def search_articles(
        self, match: str, filters: SearchFilters, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        """Run a prepared FTS5 expression (bound, never interpolated) with filters: hits, total."""
        where = ["articles_fts MATCH ?"]
        params: list[object] = [match]
        if filters.sources:
            where.append(
                "(" + " OR ".join("a.source = ? COLLATE NOCASE" for _ in filters.sources) + ")"
            )
            params.extend(filters.sources)
        if filters.after:
            where.append("coalesce(a.published_at, a.ingested_at) >= ?")
            params.append(filters.after)
        if filters.before:
            where.append("coalesce(a.published_at, a.ingested_at) < ?")
            params.append(filters.before)
        if filters.article_ids is not None:
            where.append(f"a.id IN ({','.join('?' * len(filters.article_ids)) or 'NULL'})")
            params.extend(filters.article_ids)
        clause = " AND ".join(where)
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        sql = (
            "SELECT a.id, a.title, a.source, a.url,"
            " coalesce(a.published_at, a.ingested_at) AS at,"
            f" snippet(articles_fts, 2, '{SNIPPET_START}', '{SNIPPET_END}', '…', 24) AS snip,"
            f" bm25(articles_fts, {weights}) AS score"
            f" FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid WHERE {clause}"
            " ORDER BY score, at DESC LIMIT ? OFFSET ?"
        )
        async with self.conn.execute(sql, (*params, limit, offset)) as cur:
            rows = await cur.fetchall()
        hits = [
            SearchHit(
                id=row["id"],
                title=row["title"],
                source=row["source"],
                url=row["url"],
                when=row["at"],
                snippet=row["snip"],
                score=-row["score"],
                # bm25() is lower-is-better; we report higher-is-better.
            )
            for row in rows
        ]
        if offset == 0 and len(hits) < limit:
            return hits, len(hits)
        async with self.conn.execute(
            f"SELECT count(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE {clause}",
            params,
        ) as cur:
            total = await cur.fetchone()
        return hits, total[0] if total else 0

    async def terms_starting(self, stem: str, limit: int = 200) -> list[tuple[str, int]]:
        """Return indexed words starting with `stem` and how many articles hold each."""
        async with self.conn.execute(
            "SELECT term, doc FROM articles_vocab WHERE term >= ? AND term < ? LIMIT ?",
            (stem, stem + "\U0010ffff", limit),
        ) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def guild_setting(self, guild_id: int, key: str) -> str | None:
        """Return one guild's setting, or None when unset."""
        async with self.conn.execute(
            "SELECT value FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key)
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def set_guild_setting(self, guild_id: int, key: str, value: str | None) -> None:
        """Set (or with None, clear) one guild's setting."""
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
        """Run SQLite's integrity check and FTS5's consistency check; return problems found."""
        problems: list[str] = []
        async with self.conn.execute("PRAGMA integrity_check") as cur:
            rows = [row[0] for row in await cur.fetchall()]
        if rows != ["ok"]:
            problems.extend(rows)
        try:
            await self.conn.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            problems.append(f"full-text index: {exc}")
        return problems


def chunks(items: Iterable[ArticleDraft], size: int) -> Iterable[list[ArticleDraft]]:
    """Yield lists of at most `size` drafts (transaction batches)."""
    batch: list[ArticleDraft] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
