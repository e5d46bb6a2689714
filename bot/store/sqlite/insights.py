"""SQL for entity insights: daily mention counts, co-mention networks, pairs named together."""

from __future__ import annotations

import json
from collections.abc import Sequence

import aiosqlite

from bot.models.entity import CoMention, KnownEntity
from bot.store.records.entities import ENTITY_COLUMNS, NAMED, entity_from_row
from bot.store.records.insights import (
    PAIR_COLUMNS,
    CoMentionLinks,
    DailyCount,
    PairCounts,
    PairMentions,
    pair_from_row,
)
from bot.store.sqlite.db import marks

# The entity's articles a network is drawn from: its latest `window`, since a date.
_HUB = (
    "hub AS (SELECT article_id FROM article_entities"
    " WHERE entity_id = ? AND seen_at >= ? ORDER BY seen_at DESC LIMIT ?)"
)


# The newest :articles articles dated in [:since, :until), and the proper names each names.
# CROSS JOIN keeps SQLite reading from those articles outwards (each one's entities by primary
# key): left to choose, it walked every proper name's whole index and kept the mentions in
# the window, 5x the work of a /catchup's rising pairs at 100k articles (found by the soak).
_RECENT = (
    "recent AS (SELECT a.id FROM articles a WHERE coalesce(a.published_at, a.ingested_at) >= :since"
    " AND coalesce(a.published_at, a.ingested_at) < :until"
    " ORDER BY coalesce(a.published_at, a.ingested_at) DESC, a.id DESC LIMIT :articles),"
    " named AS (SELECT x.article_id, x.entity_id FROM recent r"
    " CROSS JOIN article_entities x ON x.article_id = r.id"
    f" CROSS JOIN entities e ON e.id = x.entity_id WHERE {NAMED})"
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

    async def named_articles(self, since: str, until: str) -> int:
        async with self.conn.execute(
            "SELECT count(*) FROM articles a WHERE coalesce(a.published_at, a.ingested_at) >= ?"
            " AND coalesce(a.published_at, a.ingested_at) < ? AND EXISTS (SELECT 1"
            " FROM article_entities x JOIN entities e ON e.id = x.entity_id"
            f" WHERE x.article_id = a.id AND {NAMED})",
            (since, until),
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else 0

    async def co_mentioned_pairs(
        self, since: str, until: str, *, min_articles: int, limit: int, articles: int
    ) -> PairCounts:
        params = {"since": since, "until": until, "articles": articles}
        async with self.conn.execute(
            f"WITH {_RECENT} SELECT count(DISTINCT article_id) FROM named", params
        ) as cur:
            row = await cur.fetchone()
        read = row[0] if row else 0
        async with self.conn.execute(
            f"WITH {_RECENT}, together AS (SELECT p.entity_id AS a, q.entity_id AS b,"
            " count(*) AS n FROM named p JOIN named q ON q.article_id = p.article_id"
            " AND q.entity_id > p.entity_id GROUP BY p.entity_id, q.entity_id"
            " HAVING count(*) >= :min),"
            " ranked AS (SELECT a, b, n, count(*) OVER () AS tested FROM together"
            " ORDER BY n DESC, a, b LIMIT :limit)"
            f" SELECT {PAIR_COLUMNS}, r.n, r.tested FROM ranked r"
            " JOIN entities e1 ON e1.id = r.a JOIN entities e2 ON e2.id = r.b"
            " ORDER BY r.n DESC, r.a, r.b",
            {**params, "min": min_articles, "limit": limit},
        ) as cur:
            rows = list(await cur.fetchall())
        tested = rows[0]["tested"] if rows else 0
        return PairCounts([pair_from_row(r) for r in rows], tested, read)

    async def pair_mentions(
        self, pairs: Sequence[tuple[int, int]], since: str, until: str
    ) -> dict[tuple[int, int], PairMentions]:
        if not pairs:
            return {}
        # Each pair's rarer entity (fewer mentions in all) by its (entity, date) index, the
        # other by primary key: led by the commoner one, 200 pairs read 95,000 index entries
        # for a /catchup's rising pairs at 100k articles instead of 21,000 (found by the soak).
        async with self.conn.execute(
            "WITH given(a, b) AS (SELECT json_extract(value, '$[0]'),"
            " json_extract(value, '$[1]') FROM json_each(?)),"
            " wanted(a, b, lead, other) AS (SELECT g.a, g.b,"
            " CASE WHEN ea.mention_count <= eb.mention_count THEN g.a ELSE g.b END,"
            " CASE WHEN ea.mention_count <= eb.mention_count THEN g.b ELSE g.a END"
            " FROM given g JOIN entities ea ON ea.id = g.a JOIN entities eb ON eb.id = g.b)"
            " SELECT w.a, w.b, count(*), max(p.article_id) FROM wanted w"
            " CROSS JOIN article_entities p"
            " ON p.entity_id = w.lead AND p.seen_at >= ? AND p.seen_at < ?"
            " CROSS JOIN article_entities q"
            " ON q.article_id = p.article_id AND q.entity_id = w.other"
            " GROUP BY w.a, w.b",
            (json.dumps([list(pair) for pair in pairs]), since, until),
        ) as cur:
            return {(a, b): PairMentions(n, latest) for a, b, n, latest in await cur.fetchall()}

    async def entities_by_key(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], KnownEntity]:
        if not keys:
            return {}
        async with self.conn.execute(
            f"SELECT {ENTITY_COLUMNS}, e.name_key FROM json_each(?) k JOIN entities e"
            " ON e.label = json_extract(k.value, '$[0]')"
            " AND e.name_key = json_extract(k.value, '$[1]')",
            (json.dumps([list(key) for key in keys]),),
        ) as cur:
            return {(r["label"], r["name_key"]): entity_from_row(r) for r in await cur.fetchall()}
