"""SQL for outlets over a period: article counts, the stories one outlet carried, those its
peers carried without it, and the entities each side named.

Contract: bot/store/interface/outlets.py (records: bot/store/records/outlets.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.store.records.entities import ENTITY_COLUMNS, NAMED, entity_from_row
from bot.store.records.outlets import (
    CarriedStory,
    MissedStory,
    NamedByOutlet,
    OutletCount,
    OutletNames,
    hour_range,
)

# The newest :articles articles of the period from the outlet or its peers (a JSON list, or
# NULL for every other outlet), marked mine = 1 for the outlet's own.
_PERIOD = (
    "period AS (SELECT s.article_id, s.outlet = :outlet AS mine FROM article_stories s"
    " WHERE s.hour >= :low AND s.hour < :high AND s.outlet IS NOT NULL AND (s.outlet = :outlet"
    " OR :peers IS NULL OR s.outlet IN (SELECT value FROM json_each(:peers)))"
    " ORDER BY s.hour DESC, s.article_id DESC LIMIT :articles)"
)


def _peers(peers: Sequence[str] | None) -> str | None:
    return json.dumps(list(peers)) if peers is not None else None


class OutletQueries:
    """Outlet statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    async def outlets_between(
        self, since: datetime, until: datetime, *, limit: int = 500
    ) -> list[OutletCount]:
        low, high = hour_range(since, until)
        async with self.conn.execute(
            "SELECT outlet, count(*) FROM article_stories WHERE hour >= ? AND hour < ?"
            " AND outlet IS NOT NULL GROUP BY outlet ORDER BY count(*) DESC, outlet LIMIT ?",
            (low, high, limit),
        ) as cur:
            return [OutletCount(row[0], row[1]) for row in await cur.fetchall()]

    async def feed_outlets(
        self, guild_id: int, since: datetime, until: datetime, *, limit: int = 500
    ) -> list[OutletCount]:
        low, high = hour_range(since, until)
        async with self.conn.execute(
            # The period's articles first (its hours), then whether one of the guild's feeds
            # brought each: a feed's items of every year are never read.
            "SELECT s.outlet, count(*) FROM article_stories s"
            " WHERE s.hour >= ? AND s.hour < ? AND s.outlet IS NOT NULL AND EXISTS (SELECT 1"
            " FROM feed_items i JOIN feed_subscriptions fs ON fs.feed_id = i.feed_id"
            " WHERE i.article_id = s.article_id AND fs.guild_id = ?)"
            " GROUP BY s.outlet ORDER BY count(*) DESC, s.outlet LIMIT ?",
            (low, high, guild_id, limit),
        ) as cur:
            return [OutletCount(row[0], row[1]) for row in await cur.fetchall()]

    async def outlet_stories(
        self, outlet: str, since: datetime, until: datetime, *, limit: int = 2000
    ) -> list[CarriedStory]:
        low, high = hour_range(since, until)
        # Times are ISO-8601 UTC text of one shape, so the smallest is the earliest.
        async with self.conn.execute(
            "WITH mine AS (SELECT story_id FROM article_stories"
            " WHERE outlet = :outlet AND hour >= :low AND hour < :high"
            " GROUP BY story_id ORDER BY max(hour) DESC, story_id DESC LIMIT :limit)"
            " SELECT s.story_id, min(coalesce(a.published_at, a.ingested_at)) AS first_at,"
            " min(CASE WHEN s.outlet = :outlet THEN coalesce(a.published_at, a.ingested_at)"
            " END) AS outlet_at, count(DISTINCT s.outlet) AS outlets FROM mine"
            " JOIN article_stories s ON s.story_id = mine.story_id"
            " JOIN articles a ON a.id = s.article_id GROUP BY s.story_id ORDER BY s.story_id",
            {"outlet": outlet, "low": low, "high": high, "limit": limit},
        ) as cur:
            return [CarriedStory(*row) for row in await cur.fetchall()]

    async def outlet_blindspots(
        self,
        outlet: str,
        peers: Sequence[str] | None,
        since: datetime,
        until: datetime,
        *,
        at_least: int,
        limit: int = 10,
    ) -> list[MissedStory]:
        low, high = hour_range(since, until)
        async with self.conn.execute(
            "SELECT s.story_id, count(DISTINCT s.outlet) AS outlets FROM article_stories s"
            " WHERE s.hour >= :low AND s.hour < :high AND s.outlet IS NOT NULL"
            " AND s.outlet <> :outlet"
            " AND (:peers IS NULL OR s.outlet IN (SELECT value FROM json_each(:peers)))"
            " GROUP BY s.story_id HAVING count(DISTINCT s.outlet) >= :at_least"
            " AND NOT EXISTS (SELECT 1 FROM article_stories o"
            " WHERE o.story_id = s.story_id AND o.outlet = :outlet)"
            " ORDER BY outlets DESC, max(s.hour) DESC, s.story_id DESC LIMIT :limit",
            {
                "outlet": outlet,
                "peers": _peers(peers),
                "low": low,
                "high": high,
                "at_least": at_least,
                "limit": limit,
            },
        ) as cur:
            return [MissedStory(*row) for row in await cur.fetchall()]

    async def outlet_names(
        self,
        outlet: str,
        peers: Sequence[str] | None,
        since: datetime,
        until: datetime,
        *,
        limit: int = 500,
        articles: int = 20_000,
    ) -> OutletNames:
        low, high = hour_range(since, until)
        params = {
            "outlet": outlet,
            "peers": _peers(peers),
            "low": low,
            "high": high,
            "articles": articles,
        }
        named = (
            f"WITH {_PERIOD} SELECT {{columns}} FROM period p"
            " JOIN article_entities x ON x.article_id = p.article_id"
            f" JOIN entities e ON e.id = x.entity_id WHERE {NAMED}"
        )
        async with self.conn.execute(
            named.format(columns="coalesce(sum(p.mine), 0), coalesce(sum(1 - p.mine), 0)"),
            params,
        ) as cur:
            totals = await cur.fetchone()
        mine_total, others_total = totals if totals else (0, 0)
        async with self.conn.execute(
            named.format(
                columns=f"{ENTITY_COLUMNS}, sum(p.mine) AS mine, sum(1 - p.mine) AS others"
            )
            + " GROUP BY e.id HAVING sum(p.mine) > 0 ORDER BY mine DESC, others, e.id"
            " LIMIT :limit",
            {**params, "limit": limit},
        ) as cur:
            rows = await cur.fetchall()
        found = [NamedByOutlet(entity_from_row(r), r["mine"], r["others"]) for r in rows]
        return OutletNames(found, mine_total, others_total)
