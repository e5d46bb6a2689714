"""SQL for entity insights: daily mention counts and co-mention networks."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.models.entity import CoMention
from bot.store.records.entities import ENTITY_COLUMNS, NAMED, entity_from_row
from bot.store.records.insights import CoMentionLinks, DailyCount
from bot.store.sqlite.db import marks

# The entity's articles a network is drawn from: its latest `window`, since a date.
_HUB = (
    "hub AS (SELECT article_id FROM article_entities"
    " WHERE entity_id = ? AND seen_at >= ? ORDER BY seen_at DESC LIMIT ?)"
)


class InsightQueries:
    """Trend and co-mention statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    async def daily_mentions(
        self, entity_ids: Sequence[int], since: str, until: str
    ) -> list[DailyCount]:
        if not entity_ids:
            return []
        # seen_at is ISO-8601 UTC text, so its first ten characters are the UTC day.
        async with self.conn.execute(
            "SELECT entity_id, substr(seen_at, 1, 10) AS day, sum(mentions), count(*)"
            f" FROM article_entities WHERE entity_id IN ({marks(entity_ids)})"
            " AND seen_at >= ? AND seen_at < ? GROUP BY entity_id, day ORDER BY entity_id, day",
            (*entity_ids, since, until),
        ) as cur:
            return [DailyCount(*row) for row in await cur.fetchall()]

    async def co_mention_links(
        self, entity_id: int, *, limit: int = 10, since: str = "", window: int = 1000
    ) -> CoMentionLinks:
        params = (entity_id, since, window)
        async with self.conn.execute(f"WITH {_HUB} SELECT count(*) FROM hub", params) as cur:
            row = await cur.fetchone()
        hub_articles = row[0] if row else 0
        async with self.conn.execute(
            # Counted on the covering key, then each companion's row read once (as profiles).
            f"WITH {_HUB}, counted AS (SELECT ae.entity_id, count(*) AS shared FROM hub"
            " JOIN article_entities ae ON ae.article_id = hub.article_id"
            " WHERE ae.entity_id != ? GROUP BY ae.entity_id)"
            f" SELECT {ENTITY_COLUMNS}, c.shared FROM counted c"
            " JOIN entities e ON e.id = c.entity_id"
            f" WHERE {NAMED} ORDER BY c.shared DESC, e.mention_count DESC, e.name LIMIT ?",
            (*params, entity_id, limit),
        ) as cur:
            neighbours = [CoMention(entity_from_row(r), r["shared"]) for r in await cur.fetchall()]
        ids = [n.entity.id for n in neighbours]
        if len(ids) < 2:
            return CoMentionLinks(hub_articles, neighbours, [])
        async with self.conn.execute(
            f"WITH {_HUB} SELECT a.entity_id, b.entity_id, count(*) FROM hub"
            " JOIN article_entities a ON a.article_id = hub.article_id"
            " JOIN article_entities b ON b.article_id = hub.article_id"
            f" AND b.entity_id > a.entity_id WHERE a.entity_id IN ({marks(ids)})"
            f" AND b.entity_id IN ({marks(ids)}) GROUP BY a.entity_id, b.entity_id"
            " ORDER BY a.entity_id, b.entity_id",
            (*params, *ids, *ids),
        ) as cur:
            links = [(a, b, n) for a, b, n in await cur.fetchall()]
        return CoMentionLinks(hub_articles, neighbours, links)
