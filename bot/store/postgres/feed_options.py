"""PostgreSQL SQL for subscriptions' own options, the channel webhooks the bot posts through,
the fallbacks it told, and the webhook messages that carried announcements.

Contract: bot/store/interface/feed_options.py. A fallback is told by the one process whose
INSERT created its row (ON CONFLICT DO NOTHING), however many noticed it at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from bot.store.postgres.base import PgBase
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


class PgFeedOptionQueries(PgBase):
    """Feed option statements for `PostgresStore`."""

    async def feed_options(self, subscription_id: int) -> FeedOptions:
        row = await self._fetchrow(
            f"SELECT {FEED_OPTION_COLUMNS} FROM feed_options WHERE subscription_id = $1",
            subscription_id,
        )
        return feed_options_from_row(row) if row else FeedOptions(subscription_id)

    async def guild_feed_options(self, guild_id: int) -> list[FeedOptions]:
        rows = await self._fetch(
            f"SELECT {FEED_OPTION_COLUMNS} FROM feed_options WHERE subscription_id IN"
            " (SELECT id FROM feed_subscriptions WHERE guild_id = $1) ORDER BY subscription_id",
            guild_id,
        )
        return [feed_options_from_row(row) for row in rows]

    async def set_feed_options(
        self, guild_id: int, subscription_id: int, **changes: Unpack[FeedOptionChanges]
    ) -> FeedOptions | None:
        changed = option_changes(changes)
        columns = [column for column, _ in changed]
        if not columns:
            found = await self._fetch_id(
                "SELECT id FROM feed_subscriptions WHERE guild_id = $1 AND id = $2",
                guild_id,
                subscription_id,
            )
            return await self.feed_options(subscription_id) if found else None
        values = ", ".join(f"${n}" for n in range(3, 3 + len(columns)))
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
        # The SELECT finds the subscription only in this guild: another's id inserts nothing.
        touched = await self._execute(
            f"INSERT INTO feed_options (subscription_id, {', '.join(columns)})"
            f" SELECT id, {values} FROM feed_subscriptions WHERE guild_id = $1 AND id = $2"
            f" ON CONFLICT (subscription_id) DO UPDATE SET {updates}",
            guild_id,
            subscription_id,
            *(value for _, value in changed),
        )
        return await self.feed_options(subscription_id) if touched else None

    async def feed_selectors(self, feed_id: int) -> list[str]:
        rows = await self._fetch(
            "SELECT o.selector FROM feed_options o JOIN feed_subscriptions s"
            " ON s.id = o.subscription_id WHERE s.feed_id = $1 AND o.selector != ''"
            " ORDER BY s.id",
            feed_id,
        )
        return [row["selector"] for row in rows]

    async def channel_webhook(self, channel_id: int) -> ChannelWebhook | None:
        row = await self._fetchrow(
            "SELECT channel_id, guild_id, webhook_id, gone FROM channel_webhooks"
            " WHERE channel_id = $1",
            channel_id,
        )
        return channel_webhook_from_row(row) if row else None

    async def save_channel_webhook(self, webhook: ChannelWebhook) -> None:
        await self._execute(
            "INSERT INTO channel_webhooks (channel_id, guild_id, webhook_id, gone)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (channel_id) DO UPDATE SET"
            " guild_id = excluded.guild_id, webhook_id = excluded.webhook_id,"
            " gone = excluded.gone",
            webhook.channel_id,
            webhook.guild_id,
            webhook.webhook_id,
            int(webhook.gone),
        )

    async def note_webhook_fallback(self, channel_id: int, kind: str, now: str) -> bool:
        added = await self._execute(
            "INSERT INTO webhook_fallbacks (channel_id, kind, told_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (channel_id, kind) DO NOTHING",
            channel_id,
            kind,
            now,
        )
        return added > 0

    async def clear_webhook_fallbacks(self, channel_id: int) -> int:
        return await self._execute(
            "DELETE FROM webhook_fallbacks WHERE channel_id = $1", channel_id
        )

    async def record_webhook_posts(self, posts: Sequence[WebhookPost]) -> None:
        await self._executemany(
            "INSERT INTO webhook_posts (announcement_id, channel_id, webhook_id, message_id)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (announcement_id) DO NOTHING",
            [(p.announcement_id, p.channel_id, p.webhook_id, p.message_id) for p in posts],
        )

    async def webhook_posts(self, announcement_ids: Sequence[int]) -> list[WebhookPost]:
        rows = await self._fetch(
            "SELECT announcement_id, channel_id, webhook_id, message_id FROM webhook_posts"
            " WHERE announcement_id = ANY($1::bigint[]) ORDER BY announcement_id",
            list(announcement_ids),
        )
        return [webhook_post_from_row(row) for row in rows]
