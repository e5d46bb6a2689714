"""SQL for NLP results: per-article analyses, canonical entities, aliases and mentions."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.models.analysis import Analysis, ArticleInput
from bot.models.entity import (
    NAME_LABELS,
    CoMention,
    EntityProfile,
    EntitySentence,
    EntityTally,
    KnownEntity,
    mention_sentences,
)
from bot.models.query import Query
from bot.models.text import normalise_name
from bot.store.records.articles import ARTICLE_PART_COLUMNS, article_from_row
from bot.store.records.entities import (
    ANALYSIS_COLUMNS_AN,
    CO_MENTION_WINDOW,
    ENTITY_COLUMNS,
    MENTION_COLUMNS_M,
    NAMED,
    PROFILE_ALIASES,
    TOP,
    AnalysedText,
    StoredAnalysis,
    StoredMention,
    analysed_texts,
    analysis_json,
    analysis_rows,
    entity_from_row,
    entity_key,
    mention_from_row,
    mention_places,
    rank_choices,
    read_to,
)
from bot.store.sqlite.db import marks
from bot.store.sqlite.readers import pooled
from bot.store.sqlite.search import match_text

# An article whose current text failed with this NLP code is not tried again (the code's
# version is the query's last parameter before any limit).
_NOT_FAILED = (
    "NOT EXISTS (SELECT 1 FROM analysis_failures f WHERE f.article_id = a.id"
    " AND f.content_hash = a.content_hash AND f.nlp_version = ?)"
)


class EntityQueries:
    """Analysis and entity statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    # --- writing ---------------------------------------------------------------------------

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
        analyses = {r["article_id"]: StoredAnalysis.from_row(r, sentences=sentences) for r in rows}
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
        return analysed_texts(analyses, map(article_from_row, articles), mentions)

    @pooled
    async def article_content_hash(self, article_id: int) -> str | None:
        rows = await self.conn.execute_fetchall(
            "SELECT content_hash FROM articles WHERE id = ?", (article_id,)
        )
        return next((row[0] for row in rows), None)

    @pooled
    async def article_mentions(
        self, article_id: int, *, sentences: int | None = None
    ) -> list[StoredMention]:
        rows = await self.conn.execute_fetchall(
            f"SELECT {ENTITY_COLUMNS}, m.section, m.char_start, m.char_end, m.sentence"
            " FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ?"
            " AND (? IS NULL OR m.section <> 'body' OR m.sentence < ?)"
            " ORDER BY m.section, m.char_start",
            (article_id, sentences, sentences),
        )
        return [mention_from_row(r) for r in rows]

    @pooled
    async def article_entities(self, article_id: int, limit: int = 25) -> list[EntityTally]:
        async with self.conn.execute(
            f"SELECT {ENTITY_COLUMNS}, ae.mentions FROM article_entities ae"
            f" JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id = ? AND {NAMED}"
            " ORDER BY ae.mentions DESC, e.mention_count DESC, e.name LIMIT ?",
            (article_id, limit),
        ) as cur:
            return [EntityTally(entity_from_row(r), r["mentions"], 1) for r in await cur.fetchall()]

    # --- finding entities ------------------------------------------------------------------

    @pooled
    async def entity(self, entity_id: int) -> KnownEntity | None:
        async with self.conn.execute(
            f"SELECT {ENTITY_COLUMNS} FROM entities e WHERE e.id = ? AND e.article_count > 0",
            (entity_id,),
        ) as cur:
            row = await cur.fetchone()
        return entity_from_row(row) if row else None

    @pooled
    async def entities_named(self, name: str) -> list[KnownEntity]:
        key = normalise_name(name)
        if not key:
            return []
        # A UNION, not OR: with OR SQLite scans every entity instead of two index lookups.
        async with self.conn.execute(
            f"SELECT {ENTITY_COLUMNS} FROM entities e WHERE e.name_key = ?"
            " AND e.article_count > 0"
            f" UNION SELECT {ENTITY_COLUMNS} FROM entity_aliases a"
            " JOIN entities e ON e.id = a.entity_id WHERE a.alias_key = ? AND e.article_count > 0"
            " ORDER BY 4 DESC, 1",
            (key, key),
        ) as cur:
            return [entity_from_row(r) for r in await cur.fetchall()]

    @pooled
    async def entity_choices(
        self, words: Query | None, typed: str, limit: int = 25
    ) -> list[KnownEntity]:
        if words is None:
            return await self._top_names(None, limit)
        key = normalise_name(typed)
        # Exact names first, however rarely mentioned: "Gaza" before "Gaza Strip".
        found = {
            e.id: e
            for e in await self.entities_named(typed)
            if e.label in NAME_LABELS and normalise_name(e.name) == key
        }
        async with self.conn.execute(
            f"SELECT {ENTITY_COLUMNS} FROM entities_fts f JOIN entities e ON e.id = f.rowid"
            f" WHERE entities_fts MATCH ? AND {NAMED} AND e.article_count > 0"
            " ORDER BY e.mention_count DESC LIMIT ?",
            (match_text(words), limit),
        ) as cur:
            for row in await cur.fetchall():
                found.setdefault(row["id"], entity_from_row(row))
        if len(key) >= 2:
            # Aliases ("NSC", "Halevi"): a bounded range scan of the alias index, joined
            # (an IN list lets the planner walk every entity of those labels instead).
            async with self.conn.execute(
                f"SELECT {ENTITY_COLUMNS} FROM (SELECT entity_id FROM entity_aliases"
                "  WHERE alias_key >= ? AND alias_key < ? ORDER BY articles DESC LIMIT ?) a"
                f" JOIN entities e ON e.id = a.entity_id WHERE {NAMED} AND e.article_count > 0",
                (key, key + TOP, limit),
            ) as cur:
                for row in await cur.fetchall():
                    found.setdefault(row["id"], entity_from_row(row))
        return rank_choices(found.values(), key, limit)

    async def _top_names(self, labels: Sequence[str] | None, limit: int) -> list[KnownEntity]:
        where = f"e.label IN ({marks(labels)})" if labels else NAMED
        async with self.conn.execute(
            f"SELECT {ENTITY_COLUMNS} FROM entities e WHERE {where} AND e.article_count > 0"
            " ORDER BY e.mention_count DESC, e.article_count DESC, e.name LIMIT ?",
            (*(labels or ()), limit),
        ) as cur:
            return [entity_from_row(r) for r in await cur.fetchall()]

    @pooled
    async def top_entities(
        self, labels: Sequence[str] | None = None, since: str | None = None, limit: int = 10
    ) -> list[EntityTally]:
        if since is None:
            return [
                EntityTally(e, e.mention_count, e.article_count)
                for e in await self._top_names(labels, limit)
            ]
        where = f"e.label IN ({marks(labels)})" if labels else NAMED
        async with self.conn.execute(
            f"SELECT {ENTITY_COLUMNS}, p.mentions AS period_mentions, p.articles"
            " FROM (SELECT entity_id, sum(mentions) AS mentions, count(*) AS articles"
            # CROSS JOIN keeps this order: the period's articles by their date index, then
            # their rows here by primary key. Left to itself the planner walks the entity
            # index to skip a sort and reads every row (10 s against 50 ms for a week at
            # 100k articles).
            "       FROM articles a CROSS JOIN article_entities ae ON ae.article_id = a.id"
            "       WHERE coalesce(a.published_at, a.ingested_at) >= ? GROUP BY entity_id) p"
            f" JOIN entities e ON e.id = p.entity_id WHERE {where}"
            " ORDER BY p.mentions DESC, p.articles DESC, e.name LIMIT ?",
            (since, *(labels or ()), limit),
        ) as cur:
            return [
                EntityTally(entity_from_row(r), r["period_mentions"], r["articles"])
                for r in await cur.fetchall()
            ]

    @pooled
    async def entity_article_ids(self, entity_ids: Sequence[int]) -> list[int]:
        if not entity_ids:
            return []
        async with self.conn.execute(
            "SELECT DISTINCT article_id FROM article_entities"
            f" WHERE entity_id IN ({marks(entity_ids)})",
            tuple(entity_ids),
        ) as cur:
            return sorted(row[0] for row in await cur.fetchall())

    # --- profiles --------------------------------------------------------------------------

    @pooled
    async def entity_profile(
        self, entity: KnownEntity, *, articles: int = 5, per_article: int = 3, co_mentions: int = 10
    ) -> EntityProfile:
        async with self.conn.execute(
            "SELECT alias FROM entity_aliases WHERE entity_id = ?"
            " ORDER BY articles DESC, alias LIMIT ?",
            (entity.id, PROFILE_ALIASES),
        ) as cur:
            alias_names = tuple(row[0] for row in await cur.fetchall())
        async with self.conn.execute(
            "SELECT (SELECT min(seen_at) FROM article_entities WHERE entity_id = ?),"
            " (SELECT max(seen_at) FROM article_entities WHERE entity_id = ?)",
            (entity.id, entity.id),
        ) as cur:
            first, last = await cur.fetchone() or (None, None)
        return EntityProfile(
            entity=entity,
            aliases=alias_names,
            first_seen=first,
            last_seen=last,
            sentences=await self._latest_sentences(entity.id, articles, per_article),
            co_mentioned=await self._co_mentioned(entity.id, co_mentions, CO_MENTION_WINDOW),
            co_mention_window=CO_MENTION_WINDOW,
        )

    async def _latest_sentences(
        self, entity_id: int, articles: int, per_article: int
    ) -> list[EntitySentence]:
        async with self.conn.execute(
            "SELECT a.id, a.title, a.url, a.source, ae.seen_at, a.caption, a.body,"
            " an.sentences, an.content_hash = a.content_hash AS current"
            " FROM article_entities ae JOIN articles a ON a.id = ae.article_id"
            " JOIN article_analysis an ON an.article_id = a.id"
            " WHERE ae.entity_id = ? ORDER BY ae.seen_at DESC, ae.article_id DESC LIMIT ?",
            (entity_id, articles),
        ) as cur:
            latest = list(await cur.fetchall())
        if not latest:
            return []
        ids = [row["id"] for row in latest]
        async with self.conn.execute(
            "SELECT article_id, section, sentence FROM mentions"
            f" WHERE article_id IN ({marks(ids)}) AND entity_id = ?"
            " ORDER BY article_id, section, char_start",
            (*ids, entity_id),
        ) as cur:
            where = mention_places(await cur.fetchall())
        return mention_sentences(latest, where, per_article)

    async def _co_mentioned(self, entity_id: int, limit: int, window: int) -> list[CoMention]:
        # Counted on the covering key first, then each companion's row read once: a busy
        # entity's window holds ~30k (article, entity) pairs but only a few thousand companions
        # (reading the entity row per pair was half the profile's time at 100k articles).
        async with self.conn.execute(
            "WITH recent AS (SELECT article_id FROM article_entities WHERE entity_id = ?"
            "                ORDER BY seen_at DESC LIMIT ?),"
            " counted AS (SELECT ae.entity_id, count(*) AS shared FROM recent r"
            "             JOIN article_entities ae ON ae.article_id = r.article_id"
            "             WHERE ae.entity_id != ? GROUP BY ae.entity_id)"
            f" SELECT {ENTITY_COLUMNS}, c.shared FROM counted c"
            " JOIN entities e ON e.id = c.entity_id"
            f" WHERE {NAMED} ORDER BY c.shared DESC, e.mention_count DESC, e.name LIMIT ?",
            (entity_id, window, entity_id, limit),
        ) as cur:
            return [CoMention(entity_from_row(r), r["shared"]) for r in await cur.fetchall()]
