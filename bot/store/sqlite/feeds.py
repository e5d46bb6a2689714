"""SQL for feeds, subscriptions, seen items and announcements."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Unpack

import aiosqlite

from bot.clock import utc_iso
from bot.errors import StoreError
from bot.models import Article
from bot.models.delivery import PostedMessage
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

# A feed nobody is polling: never claimed, released, or its owner's lease ran out (`?` is now).
_UNCLAIMED = "(poll_lease_until IS NULL OR poll_lease_until <= ?)"


class FeedQueries:
    """Feed statements; mixed into `SqliteStore`, which owns `conn`. Guild data is guild-scoped."""

    conn: aiosqlite.Connection
    transaction: Callable[[], contextlib.AbstractAsyncContextManager[None]]

    # -- feeds ------------------------------------------------------------------------------

    async def add_feed(self, url: str, now: str, interval_seconds: int) -> Feed:
        await self.conn.execute(
            "INSERT INTO feeds (url, interval_seconds, next_poll_at, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
            (url, interval_seconds, now, now),
        )
        found = await self.feed_by_url(url)
        assert found is not None
        return found

    async def feed(self, feed_id: int) -> Feed | None:
        async with self.conn.execute(
            f"SELECT {FEED_COLUMNS} FROM feeds WHERE id = ?", (feed_id,)
        ) as cur:
            row = await cur.fetchone()
        return feed_from_row(row) if row else None

    async def feed_by_url(self, url: str) -> Feed | None:
        async with self.conn.execute(
            f"SELECT {FEED_COLUMNS} FROM feeds WHERE url = ?", (url,)
        ) as cur:
            row = await cur.fetchone()
        return feed_from_row(row) if row else None

    async def save_feed(
        self, feed: Feed, *, owner: str | None = None, release: bool = False
    ) -> bool:
        assignments = ", ".join(f"{name} = ?" for name in FEED_STATE)
        if release:
            assignments += ", poll_owner = NULL, poll_lease_until = NULL"
        values = [getattr(feed, name) for name in FEED_STATE]
        held = "" if owner is None else " AND poll_owner = ?"
        cursor = await self.conn.execute(
            f"UPDATE feeds SET {assignments} WHERE id = ?{held}",
            (*values, feed.id, *(() if owner is None else (owner,))),
        )
        return cursor.rowcount > 0

    async def feeds_due(self, now: str, limit: int = 50) -> list[Feed]:
        async with self.conn.execute(
            f"SELECT {FEED_COLUMNS} FROM feeds WHERE next_poll_at <= ? AND {_UNCLAIMED}"
            " AND EXISTS (SELECT 1 FROM feed_subscriptions s WHERE s.feed_id = feeds.id)"
            " ORDER BY next_poll_at, id LIMIT ?",
            (now, now, limit),
        ) as cur:
            return [feed_from_row(row) for row in await cur.fetchall()]

    async def all_feeds(self) -> list[tuple[Feed, int]]:
        async with self.conn.execute(
            f"SELECT {FEED_COLUMNS}, (SELECT count(*) FROM feed_subscriptions s"
            " WHERE s.feed_id = feeds.id) AS subscribers FROM feeds ORDER BY id"
        ) as cur:
            rows = await cur.fetchall()
        return [(feed_from_row(row), row["subscribers"]) for row in rows]

    async def next_feed_due(self) -> str | None:
        async with self.conn.execute(
            "SELECT min(max(next_poll_at, coalesce(poll_lease_until, next_poll_at))) FROM feeds"
            " WHERE EXISTS (SELECT 1 FROM feed_subscriptions s WHERE s.feed_id = feeds.id)"
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def feed_poll_times(self) -> tuple[int, str | None, str | None]:
        async with self.conn.execute(
            "SELECT count(*), max(last_polled_at), max(last_success_at) FROM feeds"
            " WHERE EXISTS (SELECT 1 FROM feed_subscriptions s WHERE s.feed_id = feeds.id)"
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return int(row[0]), row[1], row[2]

    # -- poll claims (several bots on one database poll each due feed once) -----------------

    async def claim_feed_poll(
        self, feed_id: int, *, owner: str, now: datetime, lease: timedelta, due: str | None = None
    ) -> Feed | None:
        at = utc_iso(now)
        slot = "" if due is None else " AND next_poll_at = ? AND next_poll_at <= ?"
        # Its own transaction, never inside another coroutine's on this connection.
        async with (
            self.transaction(),
            self.conn.execute(
                f"UPDATE feeds SET poll_owner = ?, poll_lease_until = ? WHERE id = ?"
                f" AND {_UNCLAIMED}{slot} RETURNING {FEED_COLUMNS}",
                (owner, utc_iso(now + lease), feed_id, at, *(() if due is None else (due, at))),
            ) as cur,
        ):
            row = await cur.fetchone()
        return feed_from_row(row) if row else None

    async def renew_feed_poll(
        self, feed_id: int, *, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        async with self.transaction():  # never inside another coroutine's transaction
            cursor = await self.conn.execute(
                "UPDATE feeds SET poll_lease_until = ? WHERE id = ? AND poll_owner = ?",
                (utc_iso(now + lease), feed_id, owner),
            )
        return cursor.rowcount > 0

    async def release_feed_polls(self, owner: str) -> int:
        async with self.transaction():  # never inside another coroutine's transaction
            cursor = await self.conn.execute(
                "UPDATE feeds SET poll_owner = NULL, poll_lease_until = NULL WHERE poll_owner = ?",
                (owner,),
            )
        return cursor.rowcount

    # -- seen items -------------------------------------------------------------------------

    async def seen_guids(self, feed_id: int, guids: Sequence[str]) -> set[str]:
        if not guids:
            return set()
        marks = ",".join("?" * len(guids))
        async with self.conn.execute(
            f"SELECT guid FROM feed_items WHERE feed_id = ? AND guid IN ({marks})",
            (feed_id, *guids),
        ) as cur:
            return {row[0] for row in await cur.fetchall()}

    async def add_feed_items(
        self, feed_id: int, items: Iterable[SeenItem], *, backlog: bool, now: str
    ) -> list[tuple[int, int | None]]:
        added: list[tuple[int, int | None]] = []
        for item in items:
            cursor = await self.conn.execute(
                "INSERT INTO feed_items (feed_id, guid, url, article_id, backlog, first_seen_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, guid) DO NOTHING",
                (feed_id, item.guid, item.url, item.article_id, int(backlog), now),
            )
            if cursor.rowcount and cursor.lastrowid is not None:
                added.append((cursor.lastrowid, item.article_id))
        return added

    async def article_id_for(self, origin: str, content_hash: str) -> int | None:
        async with self.conn.execute(
            "SELECT id FROM articles WHERE origin = ? UNION ALL"
            " SELECT id FROM articles WHERE content_hash = ? LIMIT 1",
            (origin, content_hash),
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def feed_item_count(self, feed_id: int) -> int:
        async with self.conn.execute(
            "SELECT count(*) FROM feed_items WHERE feed_id = ?", (feed_id,)
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else 0

    # -- subscriptions (guild-scoped) ---------------------------------------------------------

    async def add_subscription(
        self, **subscription: Unpack[NewSubscription]
    ) -> tuple[Subscription, bool]:
        key = (subscription["guild_id"], subscription["channel_id"], subscription["feed_id"])
        cursor = await self.conn.execute(
            "INSERT INTO feed_subscriptions (guild_id, channel_id, feed_id, filter, role_id,"
            " created_by, created_at, backfill, after_item_id)"
            " SELECT ?, ?, ?, ?, ?, ?, ?, ?, coalesce(max(id), 0) FROM feed_items"
            " WHERE feed_id = ? ON CONFLICT (guild_id, channel_id, feed_id)"
            " DO UPDATE SET filter = excluded.filter, role_id = excluded.role_id,"
            " backfill = excluded.backfill",
            (*new_subscription_values(subscription), subscription["feed_id"]),
        )
        async with self.conn.execute(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions"
            " WHERE guild_id = ? AND channel_id = ? AND feed_id = ?",
            key,
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        added = subscription_from_row(row)
        return added, added.id == cursor.lastrowid

    async def update_subscription(
        self, guild_id: int, subscription_id: int, **changes: Unpack[SubscriptionChanges]
    ) -> Subscription | None:
        before = await self.subscription(guild_id, subscription_id)
        values = subscription_change_values(changes)
        if before is None or not values:
            return before
        assignments = ", ".join(f"{column} = ?" for column, _ in values)
        if changes.get("paused") is False and before.paused:
            # Resumed: what the feed listed while paused is not owed.
            assignments += ", after_item_id = (SELECT coalesce(max(id), 0) FROM feed_items"
            assignments += " WHERE feed_id = feed_subscriptions.feed_id)"
        try:
            await self.conn.execute(
                f"UPDATE feed_subscriptions SET {assignments} WHERE guild_id = ? AND id = ?",
                (*(value for _, value in values), guild_id, subscription_id),
            )
        except sqlite3.IntegrityError as exc:
            raise StoreError("that channel already follows this feed") from exc
        channel = changes.get("channel_id")
        if channel is not None and channel != before.channel_id:
            await self._move_queued(subscription_id, channel)
        return await self.subscription(guild_id, subscription_id)

    async def _move_queued(self, subscription_id: int, channel_id: int) -> None:
        """Queued announcements follow their subscription into its new channel, except stories
        that channel already has (its UNIQUE key keeps each story once per channel)."""
        queued = "subscription_id = ? AND status IN ('pending', 'held')"
        await self.conn.execute(
            f"DELETE FROM feed_announcements WHERE {queued} AND story_id IN"
            " (SELECT story_id FROM feed_announcements WHERE channel_id = ?)",
            (subscription_id, channel_id),
        )
        await self.conn.execute(
            f"UPDATE feed_announcements SET channel_id = ? WHERE {queued}",
            (channel_id, subscription_id),
        )

    async def subscription(self, guild_id: int, subscription_id: int) -> Subscription | None:
        async with self.conn.execute(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions WHERE guild_id = ? AND id = ?",
            (guild_id, subscription_id),
        ) as cur:
            row = await cur.fetchone()
        return subscription_from_row(row) if row else None

    async def guild_subscriptions(self, guild_id: int) -> list[tuple[Subscription, Feed]]:
        async with self.conn.execute(
            f"SELECT {SUBSCRIPTION_COLUMNS_S} FROM feed_subscriptions s"
            " JOIN feeds f ON f.id = s.feed_id"
            " WHERE s.guild_id = ? ORDER BY f.title COLLATE NOCASE, f.url, s.channel_id",
            (guild_id,),
        ) as cur:
            subscriptions = [subscription_from_row(row) for row in await cur.fetchall()]
        found = []
        for subscription in subscriptions:
            feed = await self.feed(subscription.feed_id)
            assert feed is not None  # the foreign key cascades deletes
            found.append((subscription, feed))
        return found

    async def subscription_by_id(self, subscription_id: int) -> Subscription | None:
        async with self.conn.execute(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions WHERE id = ?",
            (subscription_id,),
        ) as cur:
            row = await cur.fetchone()
        return subscription_from_row(row) if row else None

    async def feed_subscriptions(self, feed_id: int) -> list[Subscription]:
        async with self.conn.execute(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions WHERE feed_id = ? ORDER BY id",
            (feed_id,),
        ) as cur:
            return [subscription_from_row(row) for row in await cur.fetchall()]

    async def remove_subscription(self, guild_id: int, subscription_id: int) -> bool:
        cursor = await self.conn.execute(
            "DELETE FROM feed_subscriptions WHERE guild_id = ? AND id = ?",
            (guild_id, subscription_id),
        )
        return cursor.rowcount > 0

    # -- announcements ----------------------------------------------------------------------

    async def queue_announcement(
        self, subscription: Subscription, story_id: int, article_id: int, now: str
    ) -> int | None:
        cursor = await self.conn.execute(
            "INSERT INTO feed_announcements (subscription_id, channel_id, story_id, article_id,"
            " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, story_id) DO NOTHING",
            (subscription.id, subscription.channel_id, story_id, article_id, now),
        )
        return cursor.lastrowid if cursor.rowcount > 0 else None

    async def pending_announcements(self, limit: int = 500) -> list[PendingAnnouncement]:
        async with self.conn.execute(
            f"SELECT {PENDING_ANNOUNCEMENT_COLUMNS} FROM feed_announcements n"
            " JOIN articles a ON a.id = n.article_id"
            " WHERE n.status IN ('pending', 'posting') ORDER BY n.id LIMIT ?",
            (limit,),
        ) as cur:
            rows = await cur.fetchall()
        return [pending_announcement_from_row(row) for row in rows]

    async def announcements_posting(self, announcement_ids: Sequence[int]) -> None:
        await self.conn.executemany(
            "UPDATE feed_announcements SET status = 'posting'"
            " WHERE id = ? AND status IN ('pending', 'held')",
            [(i,) for i in announcement_ids],
        )

    async def mark_announced(
        self, posted: Mapping[int, PostedMessage | None], now: str, *, packed: bool = False
    ) -> None:
        await self.conn.executemany(
            "UPDATE feed_announcements SET status = 'posted', message_id = ?, message_link = ?,"
            " posted_at = ?, packed = ?, hold_reason = NULL, hold_until = NULL,"
            " attempts = attempts + 1 WHERE id = ?",
            [
                (m.message_id if m else None, m.link if m else None, now, int(packed), i)
                for i, m in posted.items()
            ],
        )

    async def announcement_failed(self, announcement_ids: Sequence[int], give_up: bool) -> None:
        await self.conn.executemany(
            "UPDATE feed_announcements SET attempts = attempts + 1,"
            " status = CASE WHEN ? THEN 'failed' ELSE 'pending' END WHERE id = ?",
            [(int(give_up), i) for i in announcement_ids],
        )

    async def announced_count(self, channel_id: int) -> int:
        async with self.conn.execute(
            "SELECT count(*) FROM feed_announcements WHERE channel_id = ? AND status = 'posted'",
            (channel_id,),
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else 0

    async def feed_articles(self, feed_id: int, limit: int = 10) -> list[Article]:
        async with self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS_A} FROM feed_items i JOIN articles a ON a.id = i.article_id"
            " WHERE i.feed_id = ? ORDER BY i.id DESC LIMIT ?",
            (feed_id, limit),
        ) as cur:
            return [article_from_row(row) for row in await cur.fetchall()]
