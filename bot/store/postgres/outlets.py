"""PostgreSQL SQL for outlets over a period: article counts, the stories one outlet carried,
those its peers carried without it, and the entities each side named.

Contract: bot/store/interface/outlets.py (records: bot/store/records/outlets.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.store.postgres.base import PgBase
from bot.store.records.entities import ENTITY_COLUMNS, NAMED, entity_from_row
from bot.store.records.outlets import (
    CarriedStory,
    MissedStory,
    NamedByOutlet,
    OutletCount,
    OutletNames,
    hour_range,
)

# The newest $5 articles of the period ($3 to $4) from the outlet ($1) or its peers ($2, NULL
# for every other outlet), marked mine = 1 for the outlet's own.
_PERIOD = (
    "period AS (SELECT s.article_id, CASE WHEN s.outlet = $1 THEN 1 ELSE 0 END AS mine"
    " FROM article_stories s WHERE s.hour >= $3 AND s.hour < $4 AND s.outlet IS NOT NULL"
    " AND (s.outlet = $1 OR $2::text[] IS NULL OR s.outlet = ANY($2::text[]))"
    " ORDER BY s.hour DESC, s.article_id DESC LIMIT $5)"
)


def _peers(peers: Sequence[str] | None) -> list[str] | None:
    return list(peers) if peers is not None else None


class PgOutletQueries(PgBase):
    """Outlet statements for `PostgresStore`."""

    async def outlets_between(
        self, since: datetime, until: datetime, *, limit: int = 500
    ) -> list[OutletCount]:
        low, high = hour_range(since, until)
        rows = await self._fetch(
            "SELECT outlet, count(*)::int FROM article_stories WHERE hour >= $1 AND hour < $2"
            " AND outlet IS NOT NULL GROUP BY outlet"
            ' ORDER BY count(*) DESC, outlet COLLATE "C" LIMIT $3',
            low,
            high,
            limit,
        )
        return [OutletCount(row[0], row[1]) for row in rows]

    async def feed_outlets(
        self, guild_id: int, since: datetime, until: datetime, *, limit: int = 500
    ) -> list[OutletCount]:
        low, high = hour_range(since, until)
        # The period's articles first (its hours), then whether one of the guild's feeds
        # brought each: a feed's items of every year are never read.
        rows = await self._fetch(
            "SELECT s.outlet, count(*)::int FROM article_stories s"
            " WHERE s.hour >= $1 AND s.hour < $2 AND s.outlet IS NOT NULL AND EXISTS (SELECT 1"
            " FROM feed_items i JOIN feed_subscriptions fs ON fs.feed_id = i.feed_id"
            " WHERE i.article_id = s.article_id AND fs.guild_id = $3)"
            ' GROUP BY s.outlet ORDER BY count(*) DESC, s.outlet COLLATE "C" LIMIT $4',
            low,
            high,
            guild_id,
            limit,
        )
        return [OutletCount(row[0], row[1]) for row in rows]

    async def outlet_stories(
        self, outlet: str, since: datetime, until: datetime, *, limit: int = 2000
    ) -> list[CarriedStory]:
        low, high = hour_range(since, until)
        # Times are ISO-8601 UTC text of one shape: "C" order is time order.
        rows = await self._fetch(
            "WITH mine AS (SELECT story_id FROM article_stories"
            " WHERE outlet = $1 AND hour >= $2 AND hour < $3"
            " GROUP BY story_id ORDER BY max(hour) DESC, story_id DESC LIMIT $4)"
            ' SELECT s.story_id, min(coalesce(a.published_at, a.ingested_at) COLLATE "C"),'
            " min(CASE WHEN s.outlet = $1 THEN coalesce(a.published_at, a.ingested_at)"
            ' END COLLATE "C"), count(DISTINCT s.outlet)::int FROM mine'
            " JOIN article_stories s ON s.story_id = mine.story_id"
            " JOIN articles a ON a.id = s.article_id GROUP BY s.story_id ORDER BY s.story_id",
            outlet,
            low,
            high,
            limit,
        )
        return [CarriedStory(*row) for row in rows]

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
        rows = await self._fetch(
            "SELECT s.story_id, count(DISTINCT s.outlet)::int AS outlets FROM article_stories s"
            " WHERE s.hour >= $3 AND s.hour < $4 AND s.outlet IS NOT NULL AND s.outlet <> $1"
            " AND ($2::text[] IS NULL OR s.outlet = ANY($2::text[]))"
            " GROUP BY s.story_id HAVING count(DISTINCT s.outlet) >= $5"
            " AND NOT EXISTS (SELECT 1 FROM article_stories o"
            " WHERE o.story_id = s.story_id AND o.outlet = $1)"
            " ORDER BY outlets DESC, max(s.hour) DESC, s.story_id DESC LIMIT $6",
            outlet,
            _peers(peers),
            low,
            high,
            at_least,
            limit,
        )
        return [MissedStory(*row) for row in rows]

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
        params = (outlet, _peers(peers), low, high, articles)
        named = (
            f"WITH {_PERIOD} SELECT {{columns}} FROM period p"
            " JOIN article_entities x ON x.article_id = p.article_id"
            f" JOIN entities e ON e.id = x.entity_id WHERE {NAMED}"
        )
        totals = await self._fetchrow(
            named.format(
                columns="coalesce(sum(p.mine), 0)::int, coalesce(sum(1 - p.mine), 0)::int"
            ),
            *params,
        )
        mine_total, others_total = (totals[0], totals[1]) if totals else (0, 0)
        rows = await self._fetch(
            named.format(
                columns=f"{ENTITY_COLUMNS}, sum(p.mine)::int AS mine,"
                " sum(1 - p.mine)::int AS others"
            )
            + " GROUP BY e.id HAVING sum(p.mine) > 0 ORDER BY mine DESC, others, e.id LIMIT $6",
            *params,
            limit,
        )
        found = [NamedByOutlet(entity_from_row(r), r["mine"], r["others"]) for r in rows]
        return OutletNames(found, mine_total, others_total)
