"""PostgreSQL SQL for entity insights: daily mention counts, co-mention networks, and pairs
named together.

Contract: bot/store/interface/insights.py."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models.entity import CoMention, KnownEntity
from bot.store.postgres.base import PgBase
from bot.store.records.entities import ENTITY_COLUMNS, NAMED, entity_from_row
from bot.store.records.insights import (
    PAIR_COLUMNS,
    CoMentionLinks,
    DailyCount,
    PairCounts,
    PairMentions,
    pair_from_row,
)

# The entity's articles a network is drawn from: its latest `window` ($3), since $2.
_HUB = (
    "hub AS (SELECT article_id FROM article_entities"
    " WHERE entity_id = $1 AND seen_at >= $2 ORDER BY seen_at DESC LIMIT $3)"
)


# The newest $3 articles dated in [$1, $2), and the proper names each names.
_RECENT = (
    "recent AS (SELECT a.id FROM articles a WHERE coalesce(a.published_at, a.ingested_at) >= $1"
    " AND coalesce(a.published_at, a.ingested_at) < $2"
    " ORDER BY coalesce(a.published_at, a.ingested_at) DESC, a.id DESC LIMIT $3),"
    " named AS (SELECT x.article_id, x.entity_id FROM recent r"
    " JOIN article_entities x ON x.article_id = r.id JOIN entities e ON e.id = x.entity_id"
    f" WHERE {NAMED})"
)


class PgInsightQueries(PgBase):
    """Trend and co-mention statements for `PostgresStore`."""

    async def daily_mentions(
        self, entity_ids: Sequence[int], since: str, until: str
    ) -> list[DailyCount]:
        if not entity_ids:
            return []
        # seen_at is ISO-8601 UTC text, so its first ten characters are the UTC day.
        rows = await self._fetch(
            "SELECT entity_id, substr(seen_at, 1, 10) AS day, sum(mentions)::int, count(*)::int"
            " FROM article_entities WHERE entity_id = ANY($1::bigint[])"
            " AND seen_at >= $2 AND seen_at < $3 GROUP BY entity_id, day ORDER BY entity_id, day",
            list(entity_ids),
            since,
            until,
        )
        return [DailyCount(*row) for row in rows]

    async def co_mention_links(
        self, entity_id: int, *, limit: int = 10, since: str = "", window: int = 1000
    ) -> CoMentionLinks:
        params = (entity_id, since, window)
        hub_articles = await self._fetchval(f"WITH {_HUB} SELECT count(*) FROM hub", *params)
        rows = await self._fetch(
            f"WITH {_HUB} SELECT {ENTITY_COLUMNS}, count(*) AS shared FROM hub"
            " JOIN article_entities ae ON ae.article_id = hub.article_id"
            " JOIN entities e ON e.id = ae.entity_id"
            f" WHERE ae.entity_id != $1 AND {NAMED}"
            " GROUP BY e.id ORDER BY shared DESC, e.mention_count DESC, e.name LIMIT $4",
            *params,
            limit,
        )
        neighbours = [CoMention(entity_from_row(r), r["shared"]) for r in rows]
        ids = [n.entity.id for n in neighbours]
        if len(ids) < 2:
            return CoMentionLinks(hub_articles, neighbours, [])
        rows = await self._fetch(
            f"WITH {_HUB} SELECT a.entity_id, b.entity_id, count(*) FROM hub"
            " JOIN article_entities a ON a.article_id = hub.article_id"
            " JOIN article_entities b ON b.article_id = hub.article_id"
            " AND b.entity_id > a.entity_id WHERE a.entity_id = ANY($4::bigint[])"
            " AND b.entity_id = ANY($4::bigint[]) GROUP BY a.entity_id, b.entity_id"
            " ORDER BY a.entity_id, b.entity_id",
            *params,
            ids,
        )
        return CoMentionLinks(hub_articles, neighbours, [(a, b, n) for a, b, n in rows])

    async def named_articles(self, since: str, until: str) -> int:
        return await self._fetch_count(
            "SELECT count(*) FROM articles a WHERE coalesce(a.published_at, a.ingested_at) >= $1"
            " AND coalesce(a.published_at, a.ingested_at) < $2 AND EXISTS (SELECT 1"
            " FROM article_entities x JOIN entities e ON e.id = x.entity_id"
            f" WHERE x.article_id = a.id AND {NAMED})",
            since,
            until,
        )

    async def co_mentioned_pairs(
        self, since: str, until: str, *, min_articles: int, limit: int, articles: int
    ) -> PairCounts:
        read = await self._fetch_count(
            f"WITH {_RECENT} SELECT count(DISTINCT article_id) FROM named", since, until, articles
        )
        rows = await self._fetch(
            f"WITH {_RECENT}, together AS (SELECT p.entity_id AS a, q.entity_id AS b,"
            " count(*) AS n FROM named p JOIN named q ON q.article_id = p.article_id"
            " AND q.entity_id > p.entity_id GROUP BY p.entity_id, q.entity_id"
            " HAVING count(*) >= $4),"
            " ranked AS (SELECT a, b, n::int AS n, (count(*) OVER ())::int AS tested"
            " FROM together ORDER BY n DESC, a, b LIMIT $5)"
            f" SELECT {PAIR_COLUMNS}, r.n, r.tested FROM ranked r"
            " JOIN entities e1 ON e1.id = r.a JOIN entities e2 ON e2.id = r.b"
            " ORDER BY r.n DESC, r.a, r.b",
            since,
            until,
            articles,
            min_articles,
            limit,
        )
        tested = rows[0]["tested"] if rows else 0
        return PairCounts([pair_from_row(r) for r in rows], tested, read)

    async def pair_mentions(
        self, pairs: Sequence[tuple[int, int]], since: str, until: str
    ) -> dict[tuple[int, int], PairMentions]:
        if not pairs:
            return {}
        firsts, seconds = [a for a, _ in pairs], [b for _, b in pairs]
        # Each pair's first entity by its (entity, date) index, the second by primary key.
        rows = await self._fetch(
            "SELECT w.a, w.b, count(*)::int, max(p.article_id)"
            " FROM unnest($1::bigint[], $2::bigint[]) AS w(a, b)"
            " JOIN article_entities p ON p.entity_id = w.a AND p.seen_at >= $3 AND p.seen_at < $4"
            " JOIN article_entities q ON q.article_id = p.article_id AND q.entity_id = w.b"
            " GROUP BY w.a, w.b",
            firsts,
            seconds,
            since,
            until,
        )
        return {(a, b): PairMentions(n, latest) for a, b, n, latest in rows}

    async def entities_by_key(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], KnownEntity]:
        if not keys:
            return {}
        rows = await self._fetch(
            f"SELECT {ENTITY_COLUMNS}, e.name_key FROM unnest($1::text[], $2::text[]) AS k(label,"
            " key) JOIN entities e ON e.label = k.label AND e.name_key = k.key",
            [label for label, _ in keys],
            [key for _, key in keys],
        )
        return {(r["label"], r["name_key"]): entity_from_row(r) for r in rows}
