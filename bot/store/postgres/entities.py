"""PostgreSQL SQL for reading entities: an article's mentions and entities, lookups by id
and name, choices while typing, the top entities, their articles, and an entity's profile.

Contract: bot/store/interface/entities.py."""

from __future__ import annotations

from collections.abc import Sequence

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
from bot.store.postgres.base import PgBase
from bot.store.postgres.tsquery import to_tsquery_text
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


class PgEntityQueries(PgBase):
    """Entity statements for `PostgresStore`."""

    async def article_mentions(
        self, article_id: int, *, sentences: int | None = None
    ) -> list[StoredMention]:
        rows = await self._fetch(
            f"SELECT {ENTITY_COLUMNS}, m.section, m.char_start, m.char_end, m.sentence"
            " FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.article_id = $1"
            " AND ($2::int IS NULL OR m.section <> 'body' OR m.sentence < $2::int)"
            " ORDER BY m.section, m.char_start",
            article_id,
            sentences,
        )
        return [
            StoredMention(
                entity_from_row(r), r["section"], r["char_start"], r["char_end"], r["sentence"]
            )
            for r in rows
        ]

    async def article_entities(self, article_id: int, limit: int = 25) -> list[EntityTally]:
        rows = await self._fetch(
            f"SELECT {ENTITY_COLUMNS}, ae.mentions FROM article_entities ae"
            f" JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id = $1 AND {NAMED}"
            " ORDER BY ae.mentions DESC, e.mention_count DESC, e.name LIMIT $2",
            article_id,
            limit,
        )
        return [EntityTally(entity_from_row(r), r["mentions"], 1) for r in rows]

    async def entity(self, entity_id: int) -> KnownEntity | None:
        row = await self._fetchrow(
            f"SELECT {ENTITY_COLUMNS} FROM entities e WHERE e.id = $1 AND e.article_count > 0",
            entity_id,
        )
        return entity_from_row(row) if row else None

    async def entities_named(self, name: str) -> list[KnownEntity]:
        key = normalise_name(name)
        if not key:
            return []
        rows = await self._fetch(
            f"SELECT {ENTITY_COLUMNS} FROM entities e WHERE e.name_key = $1"
            " AND e.article_count > 0"
            f" UNION SELECT {ENTITY_COLUMNS} FROM entity_aliases a"
            " JOIN entities e ON e.id = a.entity_id WHERE a.alias_key = $1 AND e.article_count > 0"
            " ORDER BY 4 DESC, 1",
            key,
        )
        return [entity_from_row(r) for r in rows]

    async def entity_choices(
        self, words: Query | None, typed: str, limit: int = 25
    ) -> list[KnownEntity]:
        if words is None:
            return await self._top_names(None, limit)
        key = normalise_name(typed)
        found = {
            e.id: e
            for e in await self.entities_named(typed)
            if e.label in NAME_LABELS and normalise_name(e.name) == key
        }
        rows = await self._fetch(
            f"SELECT {ENTITY_COLUMNS} FROM entities e"
            f" WHERE e.name_search @@ to_tsquery('newsdesk', $1) AND {NAMED}"
            " AND e.article_count > 0 ORDER BY e.mention_count DESC LIMIT $2",
            to_tsquery_text(words),
            limit,
        )
        if len(key) >= 2:
            rows += await self._fetch(
                f"SELECT {ENTITY_COLUMNS} FROM (SELECT entity_id FROM entity_aliases"
                "  WHERE alias_key >= $1 AND alias_key < $2 ORDER BY articles DESC LIMIT $3) a"
                f" JOIN entities e ON e.id = a.entity_id WHERE {NAMED} AND e.article_count > 0",
                key,
                key + TOP,
                limit,
            )
        for row in rows:
            found.setdefault(row["id"], entity_from_row(row))
        return rank_choices(found.values(), key, limit)

    async def _top_names(self, labels: Sequence[str] | None, limit: int) -> list[KnownEntity]:
        where = "e.label = ANY($1::text[])" if labels else f"{NAMED} AND $1::text[] IS NULL"
        rows = await self._fetch(
            f"SELECT {ENTITY_COLUMNS} FROM entities e WHERE {where} AND e.article_count > 0"
            " ORDER BY e.mention_count DESC, e.article_count DESC, e.name LIMIT $2",
            list(labels) if labels else None,
            limit,
        )
        return [entity_from_row(r) for r in rows]

    async def top_entities(
        self, labels: Sequence[str] | None = None, since: str | None = None, limit: int = 10
    ) -> list[EntityTally]:
        if since is None:
            return [
                EntityTally(e, e.mention_count, e.article_count)
                for e in await self._top_names(labels, limit)
            ]
        where = "e.label = ANY($2::text[])" if labels else f"{NAMED} AND $2::text[] IS NULL"
        rows = await self._fetch(
            f"SELECT {ENTITY_COLUMNS}, p.mentions AS period_mentions, p.articles"
            " FROM (SELECT entity_id, sum(mentions) AS mentions, count(*) AS articles"
            "       FROM article_entities WHERE seen_at >= $1 GROUP BY entity_id) p"
            f" JOIN entities e ON e.id = p.entity_id WHERE {where}"
            " ORDER BY p.mentions DESC, p.articles DESC, e.name LIMIT $3",
            since,
            list(labels) if labels else None,
            limit,
        )
        return [EntityTally(entity_from_row(r), r["period_mentions"], r["articles"]) for r in rows]

    async def entity_article_ids(self, entity_ids: Sequence[int]) -> list[int]:
        if not entity_ids:
            return []
        rows = await self._fetch(
            "SELECT DISTINCT article_id FROM article_entities WHERE entity_id = ANY($1::bigint[])"
            " ORDER BY article_id",
            list(entity_ids),
        )
        return [row[0] for row in rows]

    async def entity_profile(
        self, entity: KnownEntity, *, articles: int = 5, per_article: int = 3, co_mentions: int = 10
    ) -> EntityProfile:
        alias_rows = await self._fetch(
            "SELECT alias FROM entity_aliases WHERE entity_id = $1"
            " ORDER BY articles DESC, alias LIMIT $2",
            entity.id,
            PROFILE_ALIASES,
        )
        span = await self._fetchrow(
            "SELECT min(seen_at), max(seen_at) FROM article_entities WHERE entity_id = $1",
            entity.id,
        )
        return EntityProfile(
            entity=entity,
            aliases=tuple(row[0] for row in alias_rows),
            first_seen=span[0] if span else None,
            last_seen=span[1] if span else None,
            sentences=await self._latest_sentences(entity.id, articles, per_article),
            co_mentioned=await self._co_mentioned(entity.id, co_mentions, CO_MENTION_WINDOW),
            co_mention_window=CO_MENTION_WINDOW,
        )

    async def _latest_sentences(
        self, entity_id: int, articles: int, per_article: int
    ) -> list[EntitySentence]:
        latest = await self._fetch(
            "SELECT a.id, a.title, a.url, a.source, ae.seen_at, a.caption, a.body,"
            " an.sentences, an.content_hash = a.content_hash AS current"
            " FROM article_entities ae JOIN articles a ON a.id = ae.article_id"
            " JOIN article_analysis an ON an.article_id = a.id"
            " WHERE ae.entity_id = $1 ORDER BY ae.seen_at DESC, ae.article_id DESC LIMIT $2",
            entity_id,
            articles,
        )
        if not latest:
            return []
        where = mention_places(
            await self._fetch(
                "SELECT article_id, section, sentence FROM mentions"
                " WHERE article_id = ANY($1::bigint[]) AND entity_id = $2"
                " ORDER BY article_id, section, char_start",
                [row["id"] for row in latest],
                entity_id,
            )
        )
        return mention_sentences(latest, where, per_article)

    async def _co_mentioned(self, entity_id: int, limit: int, window: int) -> list[CoMention]:
        rows = await self._fetch(
            "WITH recent AS (SELECT article_id FROM article_entities WHERE entity_id = $1"
            "                ORDER BY seen_at DESC LIMIT $2)"
            f" SELECT {ENTITY_COLUMNS}, count(*) AS shared FROM recent r"
            " JOIN article_entities ae ON ae.article_id = r.article_id"
            " JOIN entities e ON e.id = ae.entity_id"
            f" WHERE ae.entity_id != $1 AND {NAMED}"
            " GROUP BY e.id ORDER BY shared DESC, e.mention_count DESC, e.name LIMIT $3",
            entity_id,
            window,
            limit,
        )
        return [CoMention(entity_from_row(r), r["shared"]) for r in rows]
