"""PostgreSQL SQL for follows and the notifications they were sent.

Contract: bot/store/interface/follows.py (records and row decoders: bot/store/records/). The
UNIQUE (follow_id, article_id) row is the claim, cluster-wide: however many processes match
the same new article, one INSERT creates the row and only that process notifies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Unpack

from bot.store.postgres.base import PgBase
from bot.store.records.follows import (
    FOLLOW_COLUMNS,
    NOTIFICATION_STATUSES,
    PENDING_NOTIFICATION_COLUMNS,
    Follow,
    NewFollow,
    PendingNotification,
    follow_from_row,
    new_follow_values,
    pending_notification_from_row,
)
from bot.store.records.quotes import NEW_QUOTE


class PgFollowQueries(PgBase):
    """Follow statements for `PostgresStore`. Commands' statements are guild-scoped; only
    matching and delivery look across guilds."""

    # -- follows (guild-scoped) -------------------------------------------------------------

    async def add_follow(self, **follow: Unpack[NewFollow]) -> tuple[Follow, bool]:
        added = await self._execute(
            "INSERT INTO follows (guild_id, user_id, channel_id, kind, target, target_key,"
            " entity_key, entity_label, created_by, created_at, after_article_id)"
            " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce(max(id), 0) FROM articles"
            " ON CONFLICT DO NOTHING",
            *new_follow_values(follow),
        )
        row = await self._fetchrow(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.guild_id = $1"
            " AND coalesce(f.user_id, 0) = $2 AND coalesce(f.channel_id, 0) = $3"
            " AND f.kind = $4 AND f.target_key = $5",
            follow["guild_id"],
            follow["user_id"] or 0,
            follow["channel_id"] or 0,
            follow["kind"],
            follow["target_key"],
        )
        assert row is not None
        return follow_from_row(row), added > 0

    async def count_follows(
        self, guild_id: int, *, user_id: int | None = None, channel_id: int | None = None
    ) -> int:
        column, value = ("user_id", user_id) if user_id is not None else ("channel_id", channel_id)
        return await self._fetch_count(
            f"SELECT count(*) FROM follows WHERE guild_id = $1 AND {column} = $2",
            guild_id,
            value,
        )

    async def visible_follows(self, guild_id: int, user_id: int) -> list[Follow]:
        rows = await self._fetch(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.guild_id = $1"
            " AND (f.user_id = $2 OR f.channel_id IS NOT NULL)"
            " ORDER BY f.channel_id IS NOT NULL, f.channel_id, f.id",
            guild_id,
            user_id,
        )
        return [follow_from_row(row) for row in rows]

    async def channel_follows(self, guild_id: int) -> list[Follow]:
        rows = await self._fetch(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.guild_id = $1"
            " AND f.channel_id IS NOT NULL ORDER BY f.channel_id, f.id",
            guild_id,
        )
        return [follow_from_row(row) for row in rows]

    async def guild_follow(self, guild_id: int, follow_id: int) -> Follow | None:
        row = await self._fetchrow(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.guild_id = $1 AND f.id = $2",
            guild_id,
            follow_id,
        )
        return follow_from_row(row) if row else None

    async def remove_follow(self, guild_id: int, follow_id: int) -> bool:
        removed = await self._execute(
            "DELETE FROM follows WHERE guild_id = $1 AND id = $2", guild_id, follow_id
        )
        return removed > 0

    # -- matching new articles (all guilds) ---------------------------------------------------

    async def entity_follow_hits(self, article_ids: Sequence[int]) -> list[tuple[int, int]]:
        if not article_ids:
            return []
        rows = await self._fetch(
            "SELECT f.id, ae.article_id FROM follows f"
            " JOIN entities e ON e.name_key = f.entity_key AND e.label = f.entity_label"
            " JOIN article_entities ae ON ae.entity_id = e.id"
            " WHERE f.kind = 'entity' AND ae.article_id = ANY($1::bigint[])"
            " AND ae.article_id > f.after_article_id ORDER BY f.id, ae.article_id",
            list(article_ids),
        )
        return [(row[0], row[1]) for row in rows]

    async def quote_follow_hits(self, article_ids: Sequence[int]) -> list[tuple[int, int]]:
        if not article_ids:
            return []
        rows = await self._fetch(
            "SELECT DISTINCT f.id, q.article_id FROM follows f"
            " JOIN entities e ON e.name_key = f.entity_key AND e.label = f.entity_label"
            " JOIN quotes q ON q.entity_id = e.id"
            " WHERE f.kind = 'quotes' AND q.article_id = ANY($1::bigint[])"
            f" AND q.article_id > f.after_article_id AND {NEW_QUOTE}"
            " ORDER BY f.id, q.article_id",
            list(article_ids),
        )
        return [(row[0], row[1]) for row in rows]

    async def query_follows(self, newest_article_id: int) -> list[Follow]:
        rows = await self._fetch(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.kind = 'query'"
            " AND f.after_article_id < $1 ORDER BY f.id",
            newest_article_id,
        )
        return [follow_from_row(row) for row in rows]

    async def pair_follows(self, limit: int = 500) -> list[tuple[Follow, str | None]]:
        rows = await self._fetch(
            f"SELECT {FOLLOW_COLUMNS}, r.risen_at FROM follows f"
            " LEFT JOIN pair_rises r ON r.follow_id = f.id WHERE f.kind = 'pair'"
            " ORDER BY f.id LIMIT $1",
            limit,
        )
        return [(follow_from_row(row), row["risen_at"]) for row in rows]

    async def set_pair_risen(self, follow_ids: Sequence[int], risen_at: str | None) -> None:
        if not follow_ids:
            return
        if risen_at is None:
            await self._execute(
                "DELETE FROM pair_rises WHERE follow_id = ANY($1::bigint[])", list(follow_ids)
            )
            return
        await self._execute(
            "INSERT INTO pair_rises (follow_id, risen_at)"
            " SELECT i, $2 FROM unnest($1::bigint[]) AS i ON CONFLICT (follow_id)"
            " DO UPDATE SET risen_at = excluded.risen_at",
            sorted(follow_ids),
            risen_at,
        )

    # -- notifications ----------------------------------------------------------------------

    async def claim_notifications(self, hits: Iterable[tuple[int, int]], now: str) -> int:
        pairs = sorted(set(hits))  # one order, so concurrent claimers never deadlock
        if not pairs:
            return 0
        return await self._execute(
            "INSERT INTO follow_notifications (follow_id, article_id, created_at)"
            " SELECT f, a, $3 FROM unnest($1::bigint[], $2::bigint[]) AS h (f, a)"
            " ON CONFLICT (follow_id, article_id) DO NOTHING",
            [follow_id for follow_id, _ in pairs],
            [article_id for _, article_id in pairs],
            now,
        )

    async def pending_notifications(self, limit: int = 500) -> list[PendingNotification]:
        rows = await self._fetch(
            f"SELECT {PENDING_NOTIFICATION_COLUMNS} FROM follow_notifications n"
            " JOIN follows f ON f.id = n.follow_id"
            " WHERE n.status = 'pending' ORDER BY n.id LIMIT $1",
            limit,
        )
        return [pending_notification_from_row(row) for row in rows]

    async def mark_notified(self, notification_ids: Sequence[int], now: str) -> None:
        await self._execute(
            "UPDATE follow_notifications SET status = 'sent', sent_at = $1,"
            " attempts = attempts + 1 WHERE id = ANY($2::bigint[])",
            now,
            list(notification_ids),
        )

    async def notification_failed(self, notification_ids: Sequence[int], give_up: bool) -> None:
        await self._execute(
            "UPDATE follow_notifications SET attempts = attempts + 1,"
            " status = CASE WHEN $1 THEN 'failed' ELSE status END WHERE id = ANY($2::bigint[])",
            give_up,
            list(notification_ids),
        )

    async def notification_counts(self, follow_id: int) -> dict[str, int]:
        rows = await self._fetch(
            "SELECT status, count(*) FROM follow_notifications WHERE follow_id = $1"
            " GROUP BY status",
            follow_id,
        )
        counts = {row[0]: row[1] for row in rows}
        return {status: counts.get(status, 0) for status in NOTIFICATION_STATUSES}
