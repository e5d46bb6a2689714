"""SQL for reading entities: an article's mentions and entities, lookups by id and name,
choices while typing, the top entities, their articles, and an entity's profile (latest
sentences, co-mentioned entities)."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

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
from bot.store.records.entities import (
    CO_MENTION_WINDOW,
    ENTITY_COLUMNS,
    NAMED,
    PROFILE_ALIASES,
    TOP,
    StoredMention,
    entity_from_row,
    mention_places,
    rank_choices,
)
from bot.store.sqlite.db import marks
from bot.store.sqlite.readers import pooled
from bot.store.sqlite.search import match_text


class EntityQueries:
    """Entity statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

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
        return [
            StoredMention(
                entity_from_row(r), r["section"], r["char_start"], r["char_end"], r["sentence"]
            )
            for r in rows
        ]

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
        rows = await self.conn.execute_fetchall(
            f"SELECT {ENTITY_COLUMNS} FROM entities e WHERE e.name_key = ?"
            " AND e.article_count > 0"
            f" UNION SELECT {ENTITY_COLUMNS} FROM entity_aliases a"
            " JOIN entities e ON e.id = a.entity_id WHERE a.alias_key = ? AND e.article_count > 0"
            " ORDER BY 4 DESC, 1",
            (key, key),
        )
        return [entity_from_row(r) for r in rows]

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
        # Each read one call to the database thread (execute_fetchall), not three (execute,
        # fetch, close): under the soak's hostile load each call waited its turn on the event
        # loop, and a profile's 18 calls made readers' /entity p99 15 -> 62 ms.
        aliases = await self.conn.execute_fetchall(
            "SELECT alias FROM entity_aliases WHERE entity_id = ?"
            " ORDER BY articles DESC, alias LIMIT ?",
            (entity.id, PROFILE_ALIASES),
        )
        alias_names = tuple(row[0] for row in aliases)
        seen = list(
            await self.conn.execute_fetchall(
                "SELECT (SELECT min(seen_at) FROM article_entities WHERE entity_id = ?),"
                " (SELECT max(seen_at) FROM article_entities WHERE entity_id = ?)",
                (entity.id, entity.id),
            )
        )
        first, last = tuple(seen[0]) if seen else (None, None)
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
        latest = list(
            await self.conn.execute_fetchall(
                "SELECT a.id, a.title, a.url, a.source, ae.seen_at, a.caption, a.body,"
                " an.sentences, an.content_hash = a.content_hash AS current"
                " FROM article_entities ae JOIN articles a ON a.id = ae.article_id"
                " JOIN article_analysis an ON an.article_id = a.id"
                " WHERE ae.entity_id = ? ORDER BY ae.seen_at DESC, ae.article_id DESC LIMIT ?",
                (entity_id, articles),
            )
        )
        if not latest:
            return []
        ids = [row["id"] for row in latest]
        where = mention_places(
            await self.conn.execute_fetchall(
                "SELECT article_id, section, sentence FROM mentions"
                f" WHERE article_id IN ({marks(ids)}) AND entity_id = ?"
                " ORDER BY article_id, section, char_start",
                (*ids, entity_id),
            )
        )
        return mention_sentences(latest, where, per_article)

    async def _co_mentioned(self, entity_id: int, limit: int, window: int) -> list[CoMention]:
        # Counted on the covering key first, then each companion's row read once: a busy
        # entity's window holds ~30k (article, entity) pairs but only a few thousand companions
        # (reading the entity row per pair was half the profile's time at 100k articles).
        rows = await self.conn.execute_fetchall(
            "WITH recent AS (SELECT article_id FROM article_entities WHERE entity_id = ?"
            "                ORDER BY seen_at DESC LIMIT ?),"
            " counted AS (SELECT ae.entity_id, count(*) AS shared FROM recent r"
            "             JOIN article_entities ae ON ae.article_id = r.article_id"
            "             WHERE ae.entity_id != ? GROUP BY ae.entity_id)"
            f" SELECT {ENTITY_COLUMNS}, c.shared FROM counted c"
            " JOIN entities e ON e.id = c.entity_id"
            f" WHERE {NAMED} ORDER BY c.shared DESC, e.mention_count DESC, e.name LIMIT ?",
            (entity_id, window, entity_id, limit),
        )
        return [CoMention(entity_from_row(r), r["shared"]) for r in rows]
