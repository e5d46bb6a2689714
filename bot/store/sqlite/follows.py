"""SQL for follows (a member or channel following an entity or a saved search) and the
notifications they were sent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Unpack

import aiosqlite

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
from bot.store.sqlite.db import marks


class FollowQueries:
    """Follow statements; mixed into `SqliteStore`, which owns `conn`. Commands' statements are
    guild-scoped; only matching and delivery look across guilds."""

    conn: aiosqlite.Connection

    # -- follows (guild-scoped) -------------------------------------------------------------

    async def add_follow(self, **follow: Unpack[NewFollow]) -> tuple[Follow, bool]:
        cursor = await self.conn.execute(
            "INSERT INTO follows (guild_id, user_id, channel_id, kind, target, target_key,"
            " entity_key, entity_label, created_by, created_at, after_article_id)"
            " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(max(id), 0) FROM articles"
            " WHERE true ON CONFLICT DO NOTHING",
            new_follow_values(follow),
        )
        async with self.conn.execute(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.guild_id = ?"
            " AND coalesce(f.user_id, 0) = ? AND coalesce(f.channel_id, 0) = ?"
            " AND f.kind = ? AND f.target_key = ?",
            (
                follow["guild_id"],
                follow["user_id"] or 0,
                follow["channel_id"] or 0,
                follow["kind"],
                follow["target_key"],
            ),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return follow_from_row(row), cursor.rowcount > 0

    async def count_follows(
        self, guild_id: int, *, user_id: int | None = None, channel_id: int | None = None
    ) -> int:
        column, value = ("user_id", user_id) if user_id is not None else ("channel_id", channel_id)
        async with self.conn.execute(
            f"SELECT count(*) FROM follows WHERE guild_id = ? AND {column} = ?",
            (guild_id, value),
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else 0

    async def visible_follows(self, guild_id: int, user_id: int) -> list[Follow]:
        async with self.conn.execute(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.guild_id = ?"
            " AND (f.user_id = ? OR f.channel_id IS NOT NULL)"
            " ORDER BY f.channel_id IS NOT NULL, f.channel_id, f.id",
            (guild_id, user_id),
        ) as cur:
            return [follow_from_row(row) for row in await cur.fetchall()]

    async def channel_follows(self, guild_id: int) -> list[Follow]:
        async with self.conn.execute(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.guild_id = ?"
            " AND f.channel_id IS NOT NULL ORDER BY f.channel_id, f.id",
            (guild_id,),
        ) as cur:
            return [follow_from_row(row) for row in await cur.fetchall()]

    async def guild_follow(self, guild_id: int, follow_id: int) -> Follow | None:
        async with self.conn.execute(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.guild_id = ? AND f.id = ?",
            (guild_id, follow_id),
        ) as cur:
            row = await cur.fetchone()
        return follow_from_row(row) if row else None

    async def remove_follow(self, guild_id: int, follow_id: int) -> bool:
        cursor = await self.conn.execute(
            "DELETE FROM follows WHERE guild_id = ? AND id = ?", (guild_id, follow_id)
        )
        return cursor.rowcount > 0

    # -- matching new articles (all guilds) ---------------------------------------------------

    async def entity_follow_hits(self, article_ids: Sequence[int]) -> list[tuple[int, int]]:
        if not article_ids:
            return []
        async with self.conn.execute(
            "SELECT f.id, ae.article_id FROM follows f"
            " JOIN entities e ON e.name_key = f.entity_key AND e.label = f.entity_label"
            " JOIN article_entities ae ON ae.entity_id = e.id"
            f" WHERE f.kind = 'entity' AND ae.article_id IN ({marks(article_ids)})"
            " AND ae.article_id > f.after_article_id ORDER BY f.id, ae.article_id",
            tuple(article_ids),
        ) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def quote_follow_hits(self, article_ids: Sequence[int]) -> list[tuple[int, int]]:
        if not article_ids:
            return []
        async with self.conn.execute(
            "SELECT DISTINCT f.id, q.article_id FROM follows f"
            " JOIN entities e ON e.name_key = f.entity_key AND e.label = f.entity_label"
            " JOIN quotes q ON q.entity_id = e.id"
            f" WHERE f.kind = 'quotes' AND q.article_id IN ({marks(article_ids)})"
            f" AND q.article_id > f.after_article_id AND {NEW_QUOTE}"
            " ORDER BY f.id, q.article_id",
            tuple(article_ids),
        ) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def query_follows(self, newest_article_id: int) -> list[Follow]:
        async with self.conn.execute(
            f"SELECT {FOLLOW_COLUMNS} FROM follows f WHERE f.kind = 'query'"
            " AND f.after_article_id < ? ORDER BY f.id",
            (newest_article_id,),
        ) as cur:
            return [follow_from_row(row) for row in await cur.fetchall()]

    async def pair_follows(self, limit: int = 500) -> list[tuple[Follow, str | None]]:
        async with self.conn.execute(
            f"SELECT {FOLLOW_COLUMNS}, r.risen_at FROM follows f"
            " LEFT JOIN pair_rises r ON r.follow_id = f.id WHERE f.kind = 'pair'"
            " ORDER BY f.id LIMIT ?",
            (limit,),
        ) as cur:
            return [(follow_from_row(row), row["risen_at"]) for row in await cur.fetchall()]

    async def set_pair_risen(self, follow_ids: Sequence[int], risen_at: str | None) -> None:
        if risen_at is None:
            await self.conn.executemany(
                "DELETE FROM pair_rises WHERE follow_id = ?", [(i,) for i in follow_ids]
            )
            return
        await self.conn.executemany(
            "INSERT INTO pair_rises (follow_id, risen_at) VALUES (?, ?)"
            " ON CONFLICT (follow_id) DO UPDATE SET risen_at = excluded.risen_at",
            [(i, risen_at) for i in follow_ids],
        )

    # -- notifications ----------------------------------------------------------------------

    async def claim_notifications(self, hits: Iterable[tuple[int, int]], now: str) -> int:
        before = self.conn.total_changes
        await self.conn.executemany(
            "INSERT INTO follow_notifications (follow_id, article_id, created_at)"
            " VALUES (?, ?, ?) ON CONFLICT (follow_id, article_id) DO NOTHING",
            [(follow_id, article_id, now) for follow_id, article_id in hits],
        )
        return self.conn.total_changes - before

    async def pending_notifications(self, limit: int = 500) -> list[PendingNotification]:
        async with self.conn.execute(
            f"SELECT {PENDING_NOTIFICATION_COLUMNS} FROM follow_notifications n"
            " JOIN follows f ON f.id = n.follow_id"
            " WHERE n.status = 'pending' ORDER BY n.id LIMIT ?",
            (limit,),
        ) as cur:
            rows = await cur.fetchall()
        return [pending_notification_from_row(row) for row in rows]

    async def mark_notified(self, notification_ids: Sequence[int], now: str) -> None:
        await self.conn.executemany(
            "UPDATE follow_notifications SET status = 'sent', sent_at = ?,"
            " attempts = attempts + 1 WHERE id = ?",
            [(now, i) for i in notification_ids],
        )

    async def notification_failed(self, notification_ids: Sequence[int], give_up: bool) -> None:
        await self.conn.executemany(
            "UPDATE follow_notifications SET attempts = attempts + 1,"
            " status = CASE WHEN ? THEN 'failed' ELSE status END WHERE id = ?",
            [(int(give_up), i) for i in notification_ids],
        )

    async def notification_counts(self, follow_id: int) -> dict[str, int]:
        async with self.conn.execute(
            "SELECT status, count(*) FROM follow_notifications WHERE follow_id = ? GROUP BY status",
            (follow_id,),
        ) as cur:
            counts = {row[0]: row[1] for row in await cur.fetchall()}
        return {status: counts.get(status, 0) for status in NOTIFICATION_STATUSES}
