"""SQL for feed delivery logs, held announcements, posts per channel and channel pacing."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.store.interface.feed_delivery import Settled
from bot.store.records.feed_delivery import (
    DUPLICATE,
    LOG_COLUMNS,
    LOG_KEEP,
    PACING_COLUMNS,
    ChannelPacing,
    LogEntry,
    LogUpdate,
    NewLogEntry,
    log_entry_from_row,
    new_log_values,
    pacing_from_row,
    pacing_values,
)
from bot.store.records.feeds import (
    PENDING_ANNOUNCEMENT_COLUMNS,
    SUBSCRIPTION_COLUMNS_S,
    PendingAnnouncement,
    Subscription,
    pending_announcement_from_row,
    subscription_from_row,
)


class FeedDeliveryQueries:
    """Delivery statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    # -- the delivery log -------------------------------------------------------------------

    async def log_deliveries(self, entries: Sequence[NewLogEntry], now: str) -> None:
        if not entries:
            return
        await self.conn.executemany(
            "INSERT INTO feed_delivery_log (subscription_id, announcement_id, article_id, title,"
            " url, outcome, detail, link, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [new_log_values(entry, now) for entry in entries],
        )
        for subscription_id in sorted({entry.subscription_id for entry in entries}):
            await self.conn.execute(
                "DELETE FROM feed_delivery_log WHERE subscription_id = ? AND id <="
                " (SELECT id FROM feed_delivery_log WHERE subscription_id = ?"
                " ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (subscription_id, subscription_id, LOG_KEEP),
            )

    async def update_delivery_log(self, updates: Sequence[LogUpdate], now: str) -> None:
        await self.conn.executemany(
            "UPDATE feed_delivery_log SET outcome = ?, detail = ?, link = ?, at = ?"
            " WHERE announcement_id = ? AND outcome <> ?",
            [
                (str(u.outcome), u.detail, u.link, now, u.announcement_id, DUPLICATE)
                for u in updates
            ],
        )
        await self.conn.executemany(
            "UPDATE feed_delivery_log SET link = ? WHERE announcement_id = ? AND outcome = ?",
            [(u.link, u.announcement_id, DUPLICATE) for u in updates if u.link],
        )

    async def delivery_log(
        self, guild_id: int, subscription_id: int, *, limit: int, offset: int = 0
    ) -> tuple[list[LogEntry], int]:
        mine = (
            "subscription_id = ? AND EXISTS (SELECT 1 FROM feed_subscriptions s"
            " WHERE s.id = subscription_id AND s.guild_id = ?)"
        )
        async with self.conn.execute(
            f"SELECT {LOG_COLUMNS} FROM feed_delivery_log WHERE {mine}"
            " ORDER BY id DESC LIMIT ? OFFSET ?",
            (subscription_id, guild_id, limit, offset),
        ) as cur:
            entries = [log_entry_from_row(row) for row in await cur.fetchall()]
        async with self.conn.execute(
            f"SELECT count(*) FROM feed_delivery_log WHERE {mine}", (subscription_id, guild_id)
        ) as cur:
            row = await cur.fetchone()
        return entries, row[0] if row else 0

    # -- announcements: where a story went, holds, settling ----------------------------------

    async def story_post(
        self, channel_id: int, story_id: int
    ) -> tuple[int, str, str | None] | None:
        async with self.conn.execute(
            "SELECT id, status, message_link FROM feed_announcements"
            " WHERE channel_id = ? AND story_id = ?",
            (channel_id, story_id),
        ) as cur:
            row = await cur.fetchone()
        return (row[0], row[1], row[2]) if row else None

    async def queued_announcements(self, subscription_id: int) -> list[int]:
        async with self.conn.execute(
            "SELECT id FROM feed_announcements WHERE subscription_id = ?"
            " AND status IN ('pending', 'held') ORDER BY id",
            (subscription_id,),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def hold_announcements(
        self, announcement_ids: Sequence[int], reason: str, until: str
    ) -> None:
        await self.conn.executemany(
            "UPDATE feed_announcements SET status = 'held', hold_reason = ?, hold_until = ?"
            " WHERE id = ? AND status IN ('pending', 'held')",
            [(reason, until, i) for i in announcement_ids],
        )

    async def held_announcements(self) -> list[PendingAnnouncement]:
        async with self.conn.execute(
            f"SELECT {PENDING_ANNOUNCEMENT_COLUMNS} FROM feed_announcements n"
            " JOIN articles a ON a.id = n.article_id WHERE n.status = 'held' ORDER BY n.id"
        ) as cur:
            return [pending_announcement_from_row(row) for row in await cur.fetchall()]

    async def next_hold_release(self) -> str | None:
        async with self.conn.execute(
            "SELECT min(hold_until) FROM feed_announcements WHERE status = 'held'"
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def settle_announcements(self, announcement_ids: Sequence[int], status: Settled) -> None:
        await self.conn.executemany(
            "UPDATE feed_announcements SET status = ?, hold_reason = NULL, hold_until = NULL"
            " WHERE id = ? AND status IN ('pending', 'held')",
            [(status, i) for i in announcement_ids],
        )

    async def channel_posts_since(self, channel_id: int, since: str) -> int:
        async with self.conn.execute(
            "SELECT count(*) FILTER (WHERE packed = 0)"
            " + count(DISTINCT message_id) FILTER (WHERE packed = 1)"
            " FROM feed_announcements WHERE channel_id = ? AND status = 'posted'"
            " AND posted_at > ?",
            (channel_id, since),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0] or 0) if row else 0

    # -- pacing and backfills ---------------------------------------------------------------

    async def channel_pacing(self, channel_id: int) -> ChannelPacing | None:
        async with self.conn.execute(
            f"SELECT {PACING_COLUMNS} FROM feed_channel_pacing WHERE channel_id = ?",
            (channel_id,),
        ) as cur:
            row = await cur.fetchone()
        return pacing_from_row(row) if row else None

    async def set_channel_pacing(self, pacing: ChannelPacing) -> None:
        await self.conn.execute(
            f"INSERT INTO feed_channel_pacing ({PACING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id,"
            " max_posts = excluded.max_posts, window_minutes = excluded.window_minutes,"
            " quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end",
            pacing_values(pacing),
        )

    async def guild_pacings(self, guild_id: int) -> list[ChannelPacing]:
        async with self.conn.execute(
            f"SELECT {PACING_COLUMNS} FROM feed_channel_pacing WHERE guild_id = ?"
            " ORDER BY channel_id",
            (guild_id,),
        ) as cur:
            return [pacing_from_row(row) for row in await cur.fetchall()]

    async def subscriptions_to_backfill(self) -> list[Subscription]:
        async with self.conn.execute(
            f"SELECT {SUBSCRIPTION_COLUMNS_S} FROM feed_subscriptions s"
            " JOIN feeds f ON f.id = s.feed_id"
            " WHERE s.backfill > 0 AND f.last_success_at IS NOT NULL ORDER BY s.id"
        ) as cur:
            return [subscription_from_row(row) for row in await cur.fetchall()]
