"""PostgreSQL SQL for feeds, subscriptions, seen items and announcements.

Contract: bot/store/interface/feeds.py (records and row decoders: bot/store/records/). Several
processes may poll at once here, so every "first one wins" write is one statement whose
UNIQUE key decides (ON CONFLICT), and its RETURNING clause says who won.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Unpack

import asyncpg

from bot.clock import utc_iso
from bot.errors import StoreError
from bot.models import Article
from bot.models.delivery import PostedMessage
from bot.store.postgres.base import PgBase
from bot.store.records.articles import ARTICLE_COLUMNS_A, article_from_row
from bot.store.records.feeds import (
    FEED_COLUMNS,
    FEED_STATE,
    PENDING_ANNOUNCEMENT_COLUMNS,
    SUBSCRIPTION_COLUMNS,
    SUBSCRIPTION_COLUMNS_S,
    Feed,
    NewSubscription,
    PendingAnnouncement,
    SeenItem,
    Subscription,
    SubscriptionChanges,
    feed_from_row,
    new_subscription_values,
    pending_announcement_from_row,
    subscription_change_values,
    subscription_from_row,
)

_SUBSCRIBED = "EXISTS (SELECT 1 FROM feed_subscriptions s WHERE s.feed_id = feeds.id)"
# A feed nobody is polling: never claimed, released, or its owner's lease ran out ($1 is now).
_UNCLAIMED = "(poll_lease_until IS NULL OR poll_lease_until <= $1)"


class PgFeedQueries(PgBase):
    """Feed statements for `PostgresStore`. Guild data is guild-scoped."""

    # -- feeds ------------------------------------------------------------------------------

    async def add_feed(self, url: str, now: str, interval_seconds: int) -> Feed:
        await self._execute(
            "INSERT INTO feeds (url, interval_seconds, next_poll_at, created_at)"
            " VALUES ($1, $2, $3, $3) ON CONFLICT (url) DO NOTHING",
            url,
            interval_seconds,
            now,
        )
        found = await self.feed_by_url(url)
        assert found is not None
        return found

    async def feed(self, feed_id: int) -> Feed | None:
        row = await self._fetchrow(f"SELECT {FEED_COLUMNS} FROM feeds WHERE id = $1", feed_id)
        return feed_from_row(row) if row else None

    async def feed_by_url(self, url: str) -> Feed | None:
        row = await self._fetchrow(f"SELECT {FEED_COLUMNS} FROM feeds WHERE url = $1", url)
        return feed_from_row(row) if row else None

    async def save_feed(
        self, feed: Feed, *, owner: str | None = None, release: bool = False
    ) -> bool:
        assignments = ", ".join(f"{name} = ${n}" for n, name in enumerate(FEED_STATE, 1))
        if release:
            assignments += ", poll_owner = NULL, poll_lease_until = NULL"
        values: list[object] = [getattr(feed, name) for name in FEED_STATE]
        values.append(feed.id)
        where = f"id = ${len(values)}"
        if owner is not None:
            values.append(owner)
            where += f" AND poll_owner = ${len(values)}"
        return await self._execute(f"UPDATE feeds SET {assignments} WHERE {where}", *values) > 0

    async def feeds_due(self, now: str, limit: int = 50) -> list[Feed]:
        rows = await self._fetch(
            f"SELECT {FEED_COLUMNS} FROM feeds WHERE next_poll_at <= $1 AND {_UNCLAIMED}"
            f" AND {_SUBSCRIBED} ORDER BY next_poll_at, id LIMIT $2",
            now,
            limit,
        )
        return [feed_from_row(row) for row in rows]

    async def all_feeds(self) -> list[tuple[Feed, int]]:
        rows = await self._fetch(
            f"SELECT {FEED_COLUMNS}, (SELECT count(*) FROM feed_subscriptions s"
            " WHERE s.feed_id = feeds.id) AS subscribers FROM feeds ORDER BY id"
        )
        return [(feed_from_row(row), row["subscribers"]) for row in rows]

    async def next_feed_due(self) -> str | None:
        return await self._fetch_text(
            "SELECT min(greatest(next_poll_at, coalesce(poll_lease_until, next_poll_at)))"
            f" FROM feeds WHERE {_SUBSCRIBED}"
        )

    async def feed_poll_times(self) -> tuple[int, str | None, str | None]:
        row = await self._fetchrow(
            "SELECT count(*), max(last_polled_at), max(last_success_at)"
            f" FROM feeds WHERE {_SUBSCRIBED}"
        )
        assert row is not None
        return int(row[0]), row[1], row[2]

    # -- poll claims (several processes on one database poll each due feed once) ------------

    async def claim_feed_poll(
        self, feed_id: int, *, owner: str, now: datetime, lease: timedelta, due: str | None = None
    ) -> Feed | None:
        # One UPDATE: PostgreSQL re-checks the WHERE on the row it locked, so of processes
        # that all saw the feed due and unclaimed, exactly one wins.
        slot = "" if due is None else " AND next_poll_at = $5 AND next_poll_at <= $1"
        args: list[object] = [utc_iso(now), owner, utc_iso(now + lease), feed_id]
        if due is not None:
            args.append(due)
        row = await self._fetchrow(
            f"UPDATE feeds SET poll_owner = $2, poll_lease_until = $3 WHERE id = $4"
            f" AND {_UNCLAIMED}{slot} RETURNING {FEED_COLUMNS}",
            *args,
        )
        return feed_from_row(row) if row else None

    async def renew_feed_poll(
        self, feed_id: int, *, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        renewed = await self._execute(
            "UPDATE feeds SET poll_lease_until = $1 WHERE id = $2 AND poll_owner = $3",
            utc_iso(now + lease),
            feed_id,
            owner,
        )
        return renewed > 0

    async def release_feed_polls(self, owner: str) -> int:
        return await self._execute(
            "UPDATE feeds SET poll_owner = NULL, poll_lease_until = NULL WHERE poll_owner = $1",
            owner,
        )

    # -- seen items -------------------------------------------------------------------------

    async def seen_guids(self, feed_id: int, guids: Sequence[str]) -> set[str]:
        if not guids:
            return set()
        rows = await self._fetch(
            "SELECT guid FROM feed_items WHERE feed_id = $1 AND guid = ANY($2::text[])",
            feed_id,
            list(guids),
        )
        return {row[0] for row in rows}

    async def add_feed_items(
        self, feed_id: int, items: Iterable[SeenItem], *, backlog: bool, now: str
    ) -> list[tuple[int, int | None]]:
        added: list[tuple[int, int | None]] = []
        for item in items:
            item_id = await self._fetchval(
                "INSERT INTO feed_items (feed_id, guid, url, article_id, backlog, first_seen_at)"
                " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (feed_id, guid) DO NOTHING"
                " RETURNING id",
                feed_id,
                item.guid,
                item.url,
                item.article_id,
                int(backlog),
                now,
            )
            if item_id is not None:
                added.append((item_id, item.article_id))
        return added

    async def article_id_for(self, origin: str, content_hash: str) -> int | None:
        return await self._fetch_id(
            "(SELECT id FROM articles WHERE origin = $1) UNION ALL"
            " (SELECT id FROM articles WHERE content_hash = $2) LIMIT 1",
            origin,
            content_hash,
        )

    async def feed_item_count(self, feed_id: int) -> int:
        return await self._fetch_count(
            "SELECT count(*) FROM feed_items WHERE feed_id = $1", feed_id
        )

    # -- subscriptions (guild-scoped) ---------------------------------------------------------

    async def add_subscription(
        self, **subscription: Unpack[NewSubscription]
    ) -> tuple[Subscription, bool]:
        row = await self._fetchrow(
            "INSERT INTO feed_subscriptions (guild_id, channel_id, feed_id, filter, role_id,"
            " created_by, created_at, backfill, after_item_id)"
            " SELECT $1, $2, $3, $4, $5, $6, $7, $8, coalesce(max(id), 0) FROM feed_items"
            " WHERE feed_id = $3 ON CONFLICT (guild_id, channel_id, feed_id)"
            " DO UPDATE SET filter = excluded.filter, role_id = excluded.role_id,"
            " backfill = excluded.backfill"
            # xmax is 0 on a row this statement inserted, set on one it updated.
            f" RETURNING {SUBSCRIPTION_COLUMNS}, xmax = 0 AS inserted",
            *new_subscription_values(subscription),
        )
        assert row is not None
        return subscription_from_row(row), bool(row["inserted"])

    async def update_subscription(
        self, guild_id: int, subscription_id: int, **changes: Unpack[SubscriptionChanges]
    ) -> Subscription | None:
        values = subscription_change_values(changes)
        if not values:
            return await self.subscription(guild_id, subscription_id)
        async with self.transaction():
            before = await self._fetchrow(
                f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions"
                " WHERE guild_id = $1 AND id = $2 FOR UPDATE",
                guild_id,
                subscription_id,
            )
            if before is None:
                return None
            old = subscription_from_row(before)
            assignments = ", ".join(f"{column} = ${n}" for n, (column, _) in enumerate(values, 3))
            if changes.get("paused") is False and old.paused:
                # Resumed: what the feed listed while paused is not owed.
                assignments += ", after_item_id = (SELECT coalesce(max(id), 0) FROM feed_items"
                assignments += " WHERE feed_id = feed_subscriptions.feed_id)"
            try:
                row = await self._fetchrow(
                    f"UPDATE feed_subscriptions SET {assignments} WHERE guild_id = $1 AND id = $2"
                    f" RETURNING {SUBSCRIPTION_COLUMNS}",
                    guild_id,
                    subscription_id,
                    *(value for _, value in values),
                )
            except asyncpg.UniqueViolationError as exc:
                raise StoreError("that channel already follows this feed") from exc
            channel = changes.get("channel_id")
            if channel is not None and channel != old.channel_id:
                await self._move_queued(subscription_id, channel)
        return subscription_from_row(row) if row else None

    async def _move_queued(self, subscription_id: int, channel_id: int) -> None:
        """Queued announcements follow their subscription into its new channel, except stories
        that channel already has (its UNIQUE key keeps each story once per channel)."""
        queued = "subscription_id = $1 AND status IN ('pending', 'held')"
        await self._execute(
            f"DELETE FROM feed_announcements WHERE {queued} AND story_id IN"
            " (SELECT story_id FROM feed_announcements WHERE channel_id = $2)",
            subscription_id,
            channel_id,
        )
        await self._execute(
            f"UPDATE feed_announcements SET channel_id = $2 WHERE {queued}",
            subscription_id,
            channel_id,
        )

    async def subscription(self, guild_id: int, subscription_id: int) -> Subscription | None:
        row = await self._fetchrow(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions"
            " WHERE guild_id = $1 AND id = $2",
            guild_id,
            subscription_id,
        )
        return subscription_from_row(row) if row else None

    async def guild_subscriptions(self, guild_id: int) -> list[tuple[Subscription, Feed]]:
        rows = await self._fetch(
            f"SELECT {SUBSCRIPTION_COLUMNS_S} FROM feed_subscriptions s"
            " JOIN feeds f ON f.id = s.feed_id"
            " WHERE s.guild_id = $1 ORDER BY lower(f.title), f.url, s.channel_id",
            guild_id,
        )
        found = []
        for subscription in [subscription_from_row(row) for row in rows]:
            feed = await self.feed(subscription.feed_id)
            assert feed is not None  # the foreign key cascades deletes
            found.append((subscription, feed))
        return found

    async def subscription_by_id(self, subscription_id: int) -> Subscription | None:
        row = await self._fetchrow(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions WHERE id = $1",
            subscription_id,
        )
        return subscription_from_row(row) if row else None

    async def feed_subscriptions(self, feed_id: int) -> list[Subscription]:
        rows = await self._fetch(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions WHERE feed_id = $1 ORDER BY id",
            feed_id,
        )
        return [subscription_from_row(row) for row in rows]

    async def remove_subscription(self, guild_id: int, subscription_id: int) -> bool:
        removed = await self._execute(
            "DELETE FROM feed_subscriptions WHERE guild_id = $1 AND id = $2",
            guild_id,
            subscription_id,
        )
        return removed > 0

    # -- announcements ----------------------------------------------------------------------

    async def queue_announcement(
        self, subscription: Subscription, story_id: int, article_id: int, now: str
    ) -> int | None:
        return await self._fetch_id(
            "INSERT INTO feed_announcements (subscription_id, channel_id, story_id, article_id,"
            " created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel_id, story_id)"
            " DO NOTHING RETURNING id",
            subscription.id,
            subscription.channel_id,
            story_id,
            article_id,
            now,
        )

    async def pending_announcements(self, limit: int = 500) -> list[PendingAnnouncement]:
        rows = await self._fetch(
            f"SELECT {PENDING_ANNOUNCEMENT_COLUMNS} FROM feed_announcements n"
            " JOIN articles a ON a.id = n.article_id"
            " WHERE n.status IN ('pending', 'posting') ORDER BY n.id LIMIT $1",
            limit,
        )
        return [pending_announcement_from_row(row) for row in rows]

    async def announcements_posting(self, announcement_ids: Sequence[int]) -> None:
        await self._execute(
            "UPDATE feed_announcements SET status = 'posting'"
            " WHERE id = ANY($1::bigint[]) AND status IN ('pending', 'held')",
            list(announcement_ids),
        )

    async def mark_announced(
        self, posted: Mapping[int, PostedMessage | None], now: str, *, packed: bool = False
    ) -> None:
        await self._executemany(
            "UPDATE feed_announcements SET status = 'posted', message_id = $1, message_link = $2,"
            " posted_at = $3, packed = $4, hold_reason = NULL, hold_until = NULL,"
            " attempts = attempts + 1 WHERE id = $5",
            [
                (m.message_id if m else None, m.link if m else None, now, int(packed), i)
                for i, m in posted.items()
            ],
        )

    async def announcement_failed(self, announcement_ids: Sequence[int], give_up: bool) -> None:
        await self._execute(
            "UPDATE feed_announcements SET attempts = attempts + 1,"
            " status = CASE WHEN $1 THEN 'failed' ELSE 'pending' END"
            " WHERE id = ANY($2::bigint[])",
            give_up,
            list(announcement_ids),
        )

    async def announced_count(self, channel_id: int) -> int:
        return await self._fetch_count(
            "SELECT count(*) FROM feed_announcements WHERE channel_id = $1 AND status = 'posted'",
            channel_id,
        )

    async def feed_articles(self, feed_id: int, limit: int = 10) -> list[Article]:
        rows = await self._fetch(
            f"SELECT {ARTICLE_COLUMNS_A} FROM feed_items i JOIN articles a ON a.id = i.article_id"
            " WHERE i.feed_id = $1 ORDER BY i.id DESC LIMIT $2",
            feed_id,
            limit,
        )
        return [article_from_row(row) for row in rows]
