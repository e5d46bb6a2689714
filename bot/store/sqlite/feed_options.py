"""SQL for subscriptions' own options, the channel webhooks the bot posts through, the
fallbacks it told, and the webhook messages that carried announcements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

import aiosqlite

from bot.store.records.feed_options import (
    FEED_OPTION_COLUMNS,
    ChannelWebhook,
    FeedOptionChanges,
    FeedOptions,
    WebhookPost,
    channel_webhook_from_row,
    feed_options_from_row,
    option_changes,
    webhook_post_from_row,
)
from bot.store.sqlite.db import marks


class FeedOptionQueries:
    """Feed option statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    async def feed_options(self, subscription_id: int) -> FeedOptions:
        async with self.conn.execute(
            f"SELECT {FEED_OPTION_COLUMNS} FROM feed_options WHERE subscription_id = ?",
            (subscription_id,),
        ) as cur:
            row = await cur.fetchone()
        return feed_options_from_row(row) if row else FeedOptions(subscription_id)

    async def guild_feed_options(self, guild_id: int) -> list[FeedOptions]:
        async with self.conn.execute(
            f"SELECT {FEED_OPTION_COLUMNS} FROM feed_options WHERE subscription_id IN"
            " (SELECT id FROM feed_subscriptions WHERE guild_id = ?) ORDER BY subscription_id",
            (guild_id,),
        ) as cur:
            return [feed_options_from_row(row) for row in await cur.fetchall()]

    async def set_feed_options(
        self, guild_id: int, subscription_id: int, **changes: Unpack[FeedOptionChanges]
    ) -> FeedOptions | None:
        changed = option_changes(changes)
        columns = [column for column, _ in changed]
        if not columns:
            async with self.conn.execute(
                "SELECT 1 FROM feed_subscriptions WHERE guild_id = ? AND id = ?",
                (guild_id, subscription_id),
            ) as cur:
                found = await cur.fetchone()
            return await self.feed_options(subscription_id) if found else None
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
        # The SELECT finds the subscription only in this guild: another's id inserts nothing.
        cursor = await self.conn.execute(
            f"INSERT INTO feed_options (subscription_id, {', '.join(columns)})"
            f" SELECT id{', ?' * len(columns)} FROM feed_subscriptions WHERE guild_id = ?"
            f" AND id = ? ON CONFLICT (subscription_id) DO UPDATE SET {updates}",
            (*(value for _, value in changed), guild_id, subscription_id),
        )
        if cursor.rowcount <= 0:
            return None
        return await self.feed_options(subscription_id)

    async def feed_selectors(self, feed_id: int) -> list[str]:
        async with self.conn.execute(
            "SELECT o.selector FROM feed_options o JOIN feed_subscriptions s"
            " ON s.id = o.subscription_id WHERE s.feed_id = ? AND o.selector != '' ORDER BY s.id",
            (feed_id,),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def channel_webhook(self, channel_id: int) -> ChannelWebhook | None:
        async with self.conn.execute(
            "SELECT channel_id, guild_id, webhook_id, gone FROM channel_webhooks"
            " WHERE channel_id = ?",
            (channel_id,),
        ) as cur:
            row = await cur.fetchone()
        return channel_webhook_from_row(row) if row else None

    async def save_channel_webhook(self, webhook: ChannelWebhook) -> None:
        await self.conn.execute(
            "INSERT INTO channel_webhooks (channel_id, guild_id, webhook_id, gone)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET"
            " guild_id = excluded.guild_id, webhook_id = excluded.webhook_id,"
            " gone = excluded.gone",
            (webhook.channel_id, webhook.guild_id, webhook.webhook_id, int(webhook.gone)),
        )

    async def note_webhook_fallback(self, channel_id: int, kind: str, now: str) -> bool:
        cursor = await self.conn.execute(
            "INSERT INTO webhook_fallbacks (channel_id, kind, told_at) VALUES (?, ?, ?)"
            " ON CONFLICT (channel_id, kind) DO NOTHING",
            (channel_id, kind, now),
        )
        return cursor.rowcount > 0

    async def clear_webhook_fallbacks(self, channel_id: int) -> int:
        cursor = await self.conn.execute(
            "DELETE FROM webhook_fallbacks WHERE channel_id = ?", (channel_id,)
        )
        return cursor.rowcount

    async def record_webhook_posts(self, posts: Sequence[WebhookPost]) -> None:
        await self.conn.executemany(
            "INSERT INTO webhook_posts (announcement_id, channel_id, webhook_id, message_id)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (announcement_id) DO NOTHING",
            [(p.announcement_id, p.channel_id, p.webhook_id, p.message_id) for p in posts],
        )

    async def webhook_posts(self, announcement_ids: Sequence[int]) -> list[WebhookPost]:
        if not announcement_ids:
            return []
        async with self.conn.execute(
            "SELECT announcement_id, channel_id, webhook_id, message_id FROM webhook_posts"
            f" WHERE announcement_id IN ({marks(announcement_ids)}) ORDER BY announcement_id",
            tuple(announcement_ids),
        ) as cur:
            return [webhook_post_from_row(row) for row in await cur.fetchall()]
