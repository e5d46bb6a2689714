"""SQL for NLP results as they are saved and read back: per-article analyses, their
failures, and the canonical entities, aliases and mentions an analysis stores."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.models.analysis import Analysis, ArticleInput
from bot.models.entity import NAME_LABELS
from bot.store.records.articles import ARTICLE_PART_COLUMNS
from bot.store.records.entities import (
    ANALYSIS_COLUMNS_AN,
    MENTION_COLUMNS_M,
    AnalysedText,
    StoredAnalysis,
    analysis_json,
    analysis_rows,
    decoded_analyses,
    entity_key,
    joined_texts,
    read_to,
)
from bot.store.sqlite.db import marks
from bot.store.sqlite.readers import pooled

# An article whose current text failed with this NLP code is not tried again (the code's
# version is the query's last parameter before any limit).
_NOT_FAILED = (
    "NOT EXISTS (SELECT 1 FROM analysis_failures f WHERE f.article_id = a.id"
    " AND f.content_hash = a.content_hash AND f.nlp_version = ?)"
)


class AnalysisQueries:
    """Analysis statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    @pooled
    async def analysis_inputs(
        self, ids: Sequence[int], nlp_version: str
    ) -> list[tuple[int, str, ArticleInput]]:
        if not ids:
            return []
        async with self.conn.execute(
            "SELECT a.id, a.content_hash, a.title, a.caption, a.body FROM articles a"
            " LEFT JOIN article_analysis an ON an.article_id = a.id"
            f" WHERE a.id IN ({marks(ids)}) AND (an.article_id IS NULL"
            f" OR an.nlp_version != ? OR an.content_hash != a.content_hash) AND {_NOT_FAILED}"
            " ORDER BY a.id",
            (*ids, nlp_version, nlp_version),
        ) as cur:
            rows = await cur.fetchall()
        return [
            (
                row["id"],
                row["content_hash"],
                ArticleInput(row["body"], row["title"], row["caption"]),
            )
            for row in rows
        ]

    async def articles_needing_analysis(
        self, nlp_version: str, *, after_id: int = 0, limit: int = 500
    ) -> list[int]:
        async with self.conn.execute(
            "SELECT a.id FROM articles a LEFT JOIN article_analysis an ON an.article_id = a.id"
            " WHERE a.id > ? AND (an.article_id IS NULL OR an.nlp_version != ?"
            f" OR an.content_hash != a.content_hash) AND {_NOT_FAILED} ORDER BY a.id LIMIT ?",
            (after_id, nlp_version, nlp_version, limit),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def save_analysis_failure(
        self, article_id: int, content_hash: str, nlp_version: str, reason: str, now: str
    ) -> bool:
        cursor = await self.conn.execute(
            "INSERT OR REPLACE INTO analysis_failures"
            " (article_id, content_hash, nlp_version, failed_at, reason)"
            " SELECT id, content_hash, ?, ?, ? FROM articles WHERE id = ? AND content_hash = ?",
            (nlp_version, now, reason, article_id, content_hash),
        )
        return cursor.rowcount > 0

    @pooled
    async def analysis_failures(
        self, nlp_version: str, ids: Sequence[int] | None = None, *, limit: int = 1000
    ) -> dict[int, str]:
        which = "" if ids is None else f" AND f.article_id IN ({marks(ids)})"
        async with self.conn.execute(
            "SELECT f.article_id, f.reason FROM analysis_failures f"
            " JOIN articles a ON a.id = f.article_id AND a.content_hash = f.content_hash"
            f" WHERE f.nlp_version = ?{which} ORDER BY f.article_id LIMIT ?",
            (nlp_version, *(ids or ()), limit),
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    async def save_analysis(
        self, article_id: int, content_hash: str, nlp_version: str, analysis: Analysis, now: str
    ) -> bool:
        async with self.conn.execute(
            "SELECT content_hash, coalesce(published_at, ingested_at) FROM articles WHERE id = ?",
            (article_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None or row[0] != content_hash:
            return False
        seen_at = row[1]
        async with self.conn.execute(
            "SELECT entity_id FROM article_entities WHERE article_id = ?", (article_id,)
        ) as cur:
            previous = [r[0] for r in await cur.fetchall()]
        for table in ("mentions", "article_aliases", "article_entities", "analysis_failures"):
            await self.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))

        await self.conn.execute(
            "INSERT OR REPLACE INTO article_analysis (article_id, content_hash, nlp_version,"
            " analysed_at, sentences, ranking, summarisable, terms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, content_hash, nlp_version, now, *analysis_json(analysis)),
        )

        ids = await self._entity_ids({(m.canonical, m.label) for m in analysis.mentions})
        keys = dict(await self._keys(set(ids.values())))
        rows = analysis_rows(article_id, analysis, ids, keys, seen_at)
        await self.conn.executemany(
            "INSERT OR IGNORE INTO mentions"
            " (article_id, entity_id, section, char_start, char_end, sentence)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows.mentions,
        )
        await self.conn.executemany(
            "INSERT INTO article_entities (article_id, entity_id, mentions, seen_at)"
            " VALUES (?, ?, ?, ?)",
            rows.entities,
        )
        await self.conn.executemany(
            "INSERT INTO article_aliases (article_id, entity_id, alias_key, alias)"
            " VALUES (?, ?, ?, ?)",
            rows.aliases,
        )
        if previous:
            # Entities only this article named, and no longer does.
            await self.conn.execute(
                f"DELETE FROM entities WHERE id IN ({marks(previous)}) AND article_count <= 0",
                previous,
            )
        return True

    async def _entity_ids(self, names: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Canonical entities for an article's (name, label) pairs: the entity with the same
        normalised name and label; else, for a name known only as an alias of exactly one
        entity of that label (a surname, an acronym), that entity; else a new one."""
        wanted = {(entity_key(name, label), label): (name, label) for name, label in names}
        found = await self._by_keys(wanted)
        unknown = [k for k in wanted if k not in found and k[1] in NAME_LABELS]
        if unknown:
            keys = sorted({key for key, _ in unknown})
            async with self.conn.execute(
                "SELECT a.alias_key, e.label, min(e.id), count(*)"
                " FROM entity_aliases a JOIN entities e ON e.id = a.entity_id"
                f" WHERE a.alias_key IN ({marks(keys)}) GROUP BY a.alias_key, e.label",
                keys,
            ) as cur:
                for key, label, eid, owners in await cur.fetchall():
                    if owners == 1 and (key, label) in wanted:
                        found[key, label] = eid
        new = [k for k in wanted if k not in found]
        if new:
            await self.conn.executemany(
                "INSERT INTO entities (name, label, name_key) VALUES (?, ?, ?)",
                [(wanted[key, label][0], label, key) for key, label in new],
            )
            found.update(await self._by_keys({k: wanted[k] for k in new}))
        return {(name, label): found[entity_key(name, label), label] for name, label in names}

    async def _by_keys(
        self, wanted: dict[tuple[str, str], tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        keys = sorted({key for key, _ in wanted})
        if not keys:
            return {}
        async with self.conn.execute(
            f"SELECT name_key, label, id FROM entities WHERE name_key IN ({marks(keys)})", keys
        ) as cur:
            rows = await cur.fetchall()
        return {(k, label): eid for k, label, eid in rows if (k, label) in wanted}

    async def _keys(self, ids: set[int]) -> list[tuple[int, str]]:
        if not ids:
            return []
        async with self.conn.execute(
            f"SELECT id, name_key FROM entities WHERE id IN ({marks(list(ids))})", tuple(ids)
        ) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    # --- reading analyses ----------------------------------------------------------------------

    @pooled
    async def stored_analysis(
        self, article_id: int, *, sentences: int | None = None
    ) -> StoredAnalysis | None:
        # One call to the database thread, not three (execute, fetch, close): a /catchup reads
        # a hundred analyses, four queries each.
        rows = await self.conn.execute_fetchall(
            "SELECT article_id, content_hash, nlp_version, sentences, ranking, summarisable,"
            " terms FROM article_analysis WHERE article_id = ?",
            (article_id,),
        )
        return next((StoredAnalysis.from_row(r, sentences=sentences) for r in rows), None)

    @pooled
    async def analysed_texts(
        self, article_ids: Sequence[int], nlp_version: str, *, sentences: int
    ) -> dict[int, AnalysedText]:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        rows = await self.conn.execute_fetchall(
            f"SELECT {ANALYSIS_COLUMNS_AN} FROM article_analysis an JOIN articles a"
            " ON a.id = an.article_id AND a.content_hash = an.content_hash"
            f" WHERE an.nlp_version = ? AND an.article_id IN ({marks(ids)})",
            (nlp_version, *ids),
        )
        analyses = await decoded_analyses(rows, sentences)
        if not analyses:
            return {}
        # Each body only as far as its last sentence read: one huge report costs a story's worth.
        reach = [value for i, a in analyses.items() for value in (i, read_to(a))]
        columns = ARTICLE_PART_COLUMNS.format(start=1, length="wanted.chars")
        articles = await self.conn.execute_fetchall(
            f"WITH wanted(wid, chars) AS (VALUES {','.join(['(?, ?)'] * len(analyses))})"
            f" SELECT {columns} FROM articles JOIN wanted ON wanted.wid = articles.id",
            reach,
        )
        mentions = await self.conn.execute_fetchall(
            f"SELECT {MENTION_COLUMNS_M} FROM mentions m JOIN entities e ON e.id = m.entity_id"
            f" WHERE m.article_id IN ({marks(list(analyses))})"
            " AND (m.section <> 'body' OR m.sentence < ?)"
            " ORDER BY m.article_id, m.section, m.char_start",
            (*analyses, sentences),
        )
        return await joined_texts(analyses, articles, mentions)

    @pooled
    async def article_content_hash(self, article_id: int) -> str | None:
        rows = await self.conn.execute_fetchall(
            "SELECT content_hash FROM articles WHERE id = ?", (article_id,)
        )
        return next((row[0] for row in rows), None)
