"""PostgreSQL SQL for feed delivery logs, held announcements, posts per channel and channel
pacing (contract: bot/store/interface/feed_delivery.py)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.interface.feed_delivery import Settled
from bot.store.postgres.base import PgBase
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


class PgFeedDeliveryQueries(PgBase):
    """Delivery statements for `PostgresStore`."""

    # -- the delivery log -------------------------------------------------------------------

    async def log_deliveries(self, entries: Sequence[NewLogEntry], now: str) -> None:
        if not entries:
            return
        await self._executemany(
            "INSERT INTO feed_delivery_log (subscription_id, announcement_id, article_id, title,"
            " url, outcome, detail, link, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [new_log_values(entry, now) for entry in entries],
        )
        await self._execute(
            "DELETE FROM feed_delivery_log d USING (SELECT id, row_number() OVER"
            " (PARTITION BY subscription_id ORDER BY id DESC) AS age FROM feed_delivery_log"
            " WHERE subscription_id = ANY($1::bigint[])) old"
            " WHERE d.id = old.id AND old.age > $2",
            sorted({entry.subscription_id for entry in entries}),
            LOG_KEEP,
        )

    async def update_delivery_log(self, updates: Sequence[LogUpdate], now: str) -> None:
        await self._executemany(
            "UPDATE feed_delivery_log SET outcome = $1, detail = $2, link = $3, at = $4"
            " WHERE announcement_id = $5 AND outcome <> $6",
            [
                (str(u.outcome), u.detail, u.link, now, u.announcement_id, DUPLICATE)
                for u in updates
            ],
        )
        await self._executemany(
            "UPDATE feed_delivery_log SET link = $1 WHERE announcement_id = $2 AND outcome = $3",
            [(u.link, u.announcement_id, DUPLICATE) for u in updates if u.link],
        )

    async def delivery_log(
        self, guild_id: int, subscription_id: int, *, limit: int, offset: int = 0
    ) -> tuple[list[LogEntry], int]:
        mine = (
            "subscription_id = $1 AND EXISTS (SELECT 1 FROM feed_subscriptions s"
            " WHERE s.id = subscription_id AND s.guild_id = $2)"
        )
        rows = await self._fetch(
            f"SELECT {LOG_COLUMNS} FROM feed_delivery_log WHERE {mine}"
            " ORDER BY id DESC LIMIT $3 OFFSET $4",
            subscription_id,
            guild_id,
            limit,
            offset,
        )
        total = await self._fetch_count(
            f"SELECT count(*) FROM feed_delivery_log WHERE {mine}", subscription_id, guild_id
        )
        return [log_entry_from_row(row) for row in rows], total

    # -- announcements: where a story went, holds, settling ----------------------------------

    async def story_post(
        self, channel_id: int, story_id: int
    ) -> tuple[int, str, str | None] | None:
        row = await self._fetchrow(
            "SELECT id, status, message_link FROM feed_announcements"
            " WHERE channel_id = $1 AND story_id = $2",
            channel_id,
            story_id,
        )
        return (int(row["id"]), row["status"], row["message_link"]) if row else None

    async def queued_announcements(self, subscription_id: int) -> list[int]:
        rows = await self._fetch(
            "SELECT id FROM feed_announcements WHERE subscription_id = $1"
            " AND status IN ('pending', 'held') ORDER BY id",
            subscription_id,
        )
        return [int(row["id"]) for row in rows]

    async def hold_announcements(
        self, announcement_ids: Sequence[int], reason: str, until: str
    ) -> None:
        await self._execute(
            "UPDATE feed_announcements SET status = 'held', hold_reason = $1, hold_until = $2"
            " WHERE id = ANY($3::bigint[]) AND status IN ('pending', 'held')",
            reason,
            until,
            list(announcement_ids),
        )

    async def held_announcements(self) -> list[PendingAnnouncement]:
        rows = await self._fetch(
            f"SELECT {PENDING_ANNOUNCEMENT_COLUMNS} FROM feed_announcements n"
            " JOIN articles a ON a.id = n.article_id WHERE n.status = 'held' ORDER BY n.id"
        )
        return [pending_announcement_from_row(row) for row in rows]

    async def next_hold_release(self) -> str | None:
        return await self._fetch_text(
            "SELECT min(hold_until) FROM feed_announcements WHERE status = 'held'"
        )

    async def settle_announcements(self, announcement_ids: Sequence[int], status: Settled) -> None:
        await self._execute(
            "UPDATE feed_announcements SET status = $1, hold_reason = NULL, hold_until = NULL"
            " WHERE id = ANY($2::bigint[]) AND status IN ('pending', 'held')",
            status,
            list(announcement_ids),
        )

    async def channel_posts_since(self, channel_id: int, since: str) -> int:
        return await self._fetch_count(
            "SELECT count(*) FILTER (WHERE packed = 0)"
            " + count(DISTINCT message_id) FILTER (WHERE packed = 1)"
            " FROM feed_announcements WHERE channel_id = $1 AND status = 'posted'"
            " AND posted_at > $2",
            channel_id,
            since,
        )

    # -- pacing and backfills ---------------------------------------------------------------

    async def channel_pacing(self, channel_id: int) -> ChannelPacing | None:
        row = await self._fetchrow(
            f"SELECT {PACING_COLUMNS} FROM feed_channel_pacing WHERE channel_id = $1", channel_id
        )
        return pacing_from_row(row) if row else None

    async def set_channel_pacing(self, pacing: ChannelPacing) -> None:
        await self._execute(
            f"INSERT INTO feed_channel_pacing ({PACING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id,"
            " max_posts = excluded.max_posts, window_minutes = excluded.window_minutes,"
            " quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end",
            *pacing_values(pacing),
        )

    async def guild_pacings(self, guild_id: int) -> list[ChannelPacing]:
        rows = await self._fetch(
            f"SELECT {PACING_COLUMNS} FROM feed_channel_pacing WHERE guild_id = $1"
            " ORDER BY channel_id",
            guild_id,
        )
        return [pacing_from_row(row) for row in rows]

    async def subscriptions_to_backfill(self) -> list[Subscription]:
        rows = await self._fetch(
            f"SELECT {SUBSCRIPTION_COLUMNS_S} FROM feed_subscriptions s"
            " JOIN feeds f ON f.id = s.feed_id"
            " WHERE s.backfill > 0 AND f.last_success_at IS NOT NULL ORDER BY s.id"
        )
        return [subscription_from_row(row) for row in rows]
