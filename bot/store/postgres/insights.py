"""PostgreSQL SQL for entity insights: daily mention counts and co-mention networks.

Contract: bot/store/interface/insights.py."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models.entity import CoMention
from bot.store.postgres.base import PgBase
from bot.store.records.entities import ENTITY_COLUMNS, NAMED, entity_from_row
from bot.store.records.insights import CoMentionLinks, DailyCount

# The entity's articles a network is drawn from: its latest `window` ($3), since $2.
_HUB = (
    "hub AS (SELECT article_id FROM article_entities"
    " WHERE entity_id = $1 AND seen_at >= $2 ORDER BY seen_at DESC LIMIT $3)"
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
