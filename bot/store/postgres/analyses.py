"""PostgreSQL SQL for NLP results as they are saved and read back: per-article analyses,
their failures, and the canonical entities, aliases and mentions an analysis stores.

Contract: bot/store/interface/entities.py. Several workers save analyses at once here, so
entity rows (whose counts the triggers bump) are locked in id order first and new entities
are inserted in key order with ON CONFLICT: two workers naming the same people take turns
instead of deadlocking or tripping over each other's new entity.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models.analysis import Analysis, ArticleInput
from bot.models.entity import NAME_LABELS
from bot.store.postgres.base import PgBase
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

# An article whose current text failed with this NLP code ($2) is not tried again.
_NOT_FAILED = (
    "NOT EXISTS (SELECT 1 FROM analysis_failures f WHERE f.article_id = a.id"
    " AND f.content_hash = a.content_hash AND f.nlp_version = $2)"
)


class PgAnalysisQueries(PgBase):
    """Analysis statements for `PostgresStore`."""

    async def analysis_inputs(
        self, ids: Sequence[int], nlp_version: str
    ) -> list[tuple[int, str, ArticleInput]]:
        if not ids:
            return []
        rows = await self._fetch(
            "SELECT a.id, a.content_hash, a.title, a.caption, a.body FROM articles a"
            " LEFT JOIN article_analysis an ON an.article_id = a.id"
            " WHERE a.id = ANY($1::bigint[]) AND (an.article_id IS NULL"
            f" OR an.nlp_version != $2 OR an.content_hash != a.content_hash) AND {_NOT_FAILED}"
            " ORDER BY a.id",
            list(ids),
            nlp_version,
        )
        return [
            (r["id"], r["content_hash"], ArticleInput(r["body"], r["title"], r["caption"]))
            for r in rows
        ]

    async def articles_needing_analysis(
        self, nlp_version: str, *, after_id: int = 0, limit: int = 500
    ) -> list[int]:
        rows = await self._fetch(
            "SELECT a.id FROM articles a LEFT JOIN article_analysis an ON an.article_id = a.id"
            " WHERE a.id > $1 AND (an.article_id IS NULL OR an.nlp_version != $2"
            f" OR an.content_hash != a.content_hash) AND {_NOT_FAILED} ORDER BY a.id LIMIT $3",
            after_id,
            nlp_version,
            limit,
        )
        return [row[0] for row in rows]

    async def save_analysis_failure(
        self, article_id: int, content_hash: str, nlp_version: str, reason: str, now: str
    ) -> bool:
        row = await self._fetchrow(
            "INSERT INTO analysis_failures"
            " (article_id, content_hash, nlp_version, failed_at, reason)"
            " SELECT id, content_hash, $3, $4, $5 FROM articles WHERE id = $1"
            " AND content_hash = $2 ON CONFLICT (article_id) DO UPDATE SET"
            " content_hash = excluded.content_hash, nlp_version = excluded.nlp_version,"
            " failed_at = excluded.failed_at, reason = excluded.reason RETURNING article_id",
            article_id,
            content_hash,
            nlp_version,
            now,
            reason,
        )
        return row is not None

    async def analysis_failures(
        self, nlp_version: str, ids: Sequence[int] | None = None, *, limit: int = 1000
    ) -> dict[int, str]:
        rows = await self._fetch(
            "SELECT f.article_id, f.reason FROM analysis_failures f"
            " JOIN articles a ON a.id = f.article_id AND a.content_hash = f.content_hash"
            " WHERE f.nlp_version = $1 AND ($2::bigint[] IS NULL OR f.article_id = ANY($2))"
            " ORDER BY f.article_id LIMIT $3",
            nlp_version,
            None if ids is None else list(ids),
            limit,
        )
        return {row[0]: row[1] for row in rows}

    async def save_analysis(
        self, article_id: int, content_hash: str, nlp_version: str, analysis: Analysis, now: str
    ) -> bool:
        row = await self._fetchrow(
            "SELECT content_hash, coalesce(published_at, ingested_at) FROM articles"
            " WHERE id = $1 FOR UPDATE",
            article_id,
        )
        if row is None or row[0] != content_hash:
            return False
        seen_at = row[1]
        previous = [
            r[0]
            for r in await self._fetch(
                "SELECT entity_id FROM article_entities WHERE article_id = $1", article_id
            )
        ]
        ids = await self._entity_ids({(m.canonical, m.label) for m in analysis.mentions})
        # Every entity whose counts change, locked in one order before any trigger runs.
        await self._fetch(
            "SELECT id FROM entities WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
            sorted({*previous, *ids.values()}),
        )
        for table in ("mentions", "article_aliases", "article_entities", "analysis_failures"):
            await self._execute(f"DELETE FROM {table} WHERE article_id = $1", article_id)
        await self._execute(
            "INSERT INTO article_analysis (article_id, content_hash, nlp_version, analysed_at,"
            " sentences, ranking, summarisable, terms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " ON CONFLICT (article_id) DO UPDATE SET content_hash = excluded.content_hash,"
            " nlp_version = excluded.nlp_version, analysed_at = excluded.analysed_at,"
            " sentences = excluded.sentences, ranking = excluded.ranking,"
            " summarisable = excluded.summarisable, terms = excluded.terms",
            article_id,
            content_hash,
            nlp_version,
            now,
            *analysis_json(analysis),
        )
        keys = dict(await self._keys(set(ids.values())))
        rows = analysis_rows(article_id, analysis, ids, keys, seen_at)
        await self._executemany(
            "INSERT INTO mentions (article_id, entity_id, section, char_start, char_end,"
            " sentence) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            rows.mentions,
        )
        await self._executemany(
            "INSERT INTO article_entities (article_id, entity_id, mentions, seen_at)"
            " VALUES ($1, $2, $3, $4)",
            rows.entities,
        )
        await self._executemany(
            "INSERT INTO article_aliases (article_id, entity_id, alias_key, alias)"
            " VALUES ($1, $2, $3, $4)",
            rows.aliases,
        )
        if previous:
            await self._execute(
                "DELETE FROM entities WHERE id = ANY($1::bigint[]) AND article_count <= 0",
                previous,
            )
        return True

    async def _entity_ids(self, names: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Canonical entities for (name, label) pairs: same key and label; else the one entity
        of that label the name is an alias of; else a new one (see the SQLite store)."""
        wanted = {(entity_key(name, label), label): (name, label) for name, label in names}
        found = await self._by_keys(wanted)
        unknown = sorted(
            {k for k, label in wanted if (k, label) not in found and label in NAME_LABELS}
        )
        if unknown:
            rows = await self._fetch(
                "SELECT a.alias_key, e.label, min(e.id), count(*)"
                " FROM entity_aliases a JOIN entities e ON e.id = a.entity_id"
                " WHERE a.alias_key = ANY($1::text[]) GROUP BY a.alias_key, e.label",
                unknown,
            )
            for key, label, eid, owners in rows:
                if owners == 1 and (key, label) in wanted and (key, label) not in found:
                    found[key, label] = eid
        new = sorted(k for k in wanted if k not in found)
        if new:
            await self._executemany(
                "INSERT INTO entities (name, label, name_key) VALUES ($1, $2, $3)"
                " ON CONFLICT (name_key, label) DO NOTHING",
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
        rows = await self._fetch(
            "SELECT name_key, label, id FROM entities WHERE name_key = ANY($1::text[])", keys
        )
        return {(k, label): eid for k, label, eid in rows if (k, label) in wanted}

    async def _keys(self, ids: set[int]) -> list[tuple[int, str]]:
        if not ids:
            return []
        rows = await self._fetch(
            "SELECT id, name_key FROM entities WHERE id = ANY($1::bigint[])", list(ids)
        )
        return [(row[0], row[1]) for row in rows]

    async def stored_analysis(
        self, article_id: int, *, sentences: int | None = None
    ) -> StoredAnalysis | None:
        row = await self._fetchrow(
            "SELECT article_id, content_hash, nlp_version, sentences, ranking, summarisable,"
            " terms FROM article_analysis WHERE article_id = $1",
            article_id,
        )
        return None if row is None else StoredAnalysis.from_row(row, sentences=sentences)

    async def analysed_texts(
        self, article_ids: Sequence[int], nlp_version: str, *, sentences: int
    ) -> dict[int, AnalysedText]:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        rows = await self._fetch(
            f"SELECT {ANALYSIS_COLUMNS_AN} FROM article_analysis an JOIN articles a"
            " ON a.id = an.article_id AND a.content_hash = an.content_hash"
            " WHERE an.nlp_version = $1 AND an.article_id = ANY($2::bigint[])",
            nlp_version,
            ids,
        )
        analyses = await decoded_analyses(rows, sentences)
        if not analyses:
            return {}
        # Each body only as far as its last sentence read: one huge report costs a story's worth.
        columns = ARTICLE_PART_COLUMNS.format(start=1, length="wanted.chars")
        articles = await self._fetch(
            f"SELECT {columns} FROM articles JOIN unnest($1::bigint[], $2::int[])"
            " AS wanted(wid, chars) ON wanted.wid = articles.id",
            list(analyses),
            [read_to(a) for a in analyses.values()],
        )
        mentions = await self._fetch(
            f"SELECT {MENTION_COLUMNS_M} FROM mentions m JOIN entities e ON e.id = m.entity_id"
            " WHERE m.article_id = ANY($1::bigint[]) AND (m.section <> 'body' OR m.sentence < $2)"
            " ORDER BY m.article_id, m.section, m.char_start",
            list(analyses),
            sentences,
        )
        return await joined_texts(analyses, articles, mentions)

    async def article_content_hash(self, article_id: int) -> str | None:
        return await self._fetch_text("SELECT content_hash FROM articles WHERE id = $1", article_id)
