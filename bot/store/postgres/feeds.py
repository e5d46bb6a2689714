"""PostgreSQL SQL for feeds, subscriptions, seen items, story clusters and announcements.

Same contract as bot/store/sqlite/feeds.py (its dataclasses and row decoders are shared). Several
processes may poll at once here, so every "first one wins" write is one statement whose
UNIQUE key decides (ON CONFLICT), and its RETURNING clause says who won.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from bot.clock import utc_iso
from bot.models import Article
from bot.store.postgres.base import PgBase
from bot.store.records.articles import article_from_row
from bot.store.records.feeds import (
    ARTICLE_COLUMNS_A,
    FEED_COLUMNS,
    FEED_STATE,
    PENDING_ANNOUNCEMENT_COLUMNS,
    SUBSCRIPTION_COLUMNS,
    SUBSCRIPTION_COLUMNS_S,
    Feed,
    PendingAnnouncement,
    SeenItem,
    StoryMember,
    Subscription,
    feed_from_row,
    pending_announcement_from_row,
    subscription_from_row,
)

_SUBSCRIBED = "EXISTS (SELECT 1 FROM feed_subscriptions s WHERE s.feed_id = feeds.id)"
# A feed nobody is polling: never claimed, released, or its owner's lease ran out ($1 is now).
_UNCLAIMED = "(poll_lease_until IS NULL OR poll_lease_until <= $1)"


class PgFeedQueries(PgBase):
    """Feed statements for `PostgresStore`. Guild data is guild-scoped."""

    # -- feeds ------------------------------------------------------------------------------

    async def add_feed(self, url: str, now: str, interval_seconds: int) -> Feed:
        """Return the feed at this (canonical) URL, creating it due now if it is new."""
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
        """Return the feed with this id, or None."""
        row = await self._fetchrow(f"SELECT {FEED_COLUMNS} FROM feeds WHERE id = $1", feed_id)
        return feed_from_row(row) if row else None

    async def feed_by_url(self, url: str) -> Feed | None:
        """Return the feed with this canonical URL, or None."""
        row = await self._fetchrow(f"SELECT {FEED_COLUMNS} FROM feeds WHERE url = $1", url)
        return feed_from_row(row) if row else None

    async def save_feed(
        self, feed: Feed, *, owner: str | None = None, release: bool = False
    ) -> bool:
        """Write a feed's changed state (everything but id, url and created_at). With `owner`,
        only while that poller holds the feed's poll claim (False, nothing written, if not);
        `release` also ends the claim, in the same statement."""
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
        """Subscribed feeds due at `now` that no live poll claim holds, most overdue first."""
        rows = await self._fetch(
            f"SELECT {FEED_COLUMNS} FROM feeds WHERE next_poll_at <= $1 AND {_UNCLAIMED}"
            f" AND {_SUBSCRIBED} ORDER BY next_poll_at, id LIMIT $2",
            now,
            limit,
        )
        return [feed_from_row(row) for row in rows]

    async def all_feeds(self) -> list[tuple[Feed, int]]:
        """Every feed with its number of subscriptions (all guilds: an operator's view)."""
        rows = await self._fetch(
            f"SELECT {FEED_COLUMNS}, (SELECT count(*) FROM feed_subscriptions s"
            " WHERE s.feed_id = feeds.id) AS subscribers FROM feeds ORDER BY id"
        )
        return [(feed_from_row(row), row["subscribers"]) for row in rows]

    async def next_feed_due(self) -> str | None:
        """When the next subscribed feed is due (ISO UTC), or None when nothing is subscribed;
        a feed another poller holds counts from its claim's end (it may die with it)."""
        return await self._fetchval(
            "SELECT min(greatest(next_poll_at, coalesce(poll_lease_until, next_poll_at)))"
            f" FROM feeds WHERE {_SUBSCRIBED}"
        )

    # -- poll claims (several processes on one database poll each due feed once) ------------

    async def claim_feed_poll(
        self,
        feed_id: int,
        *,
        owner: str,
        now: datetime,
        lease: timedelta,
        due: str | None = None,
    ) -> Feed | None:
        """Claim a feed's poll for `owner` until `now + lease` and return the feed as stored;
        None when a live claim holds it or, given `due` (the next_poll_at the caller saw), when
        it is no longer due at that time (someone polled it meanwhile)."""
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
        """Extend `owner`'s poll claim to `now + lease` (the poll's heartbeat); False when the
        claim is no longer its own (taken over after its lease ran out, or released)."""
        renewed = await self._execute(
            "UPDATE feeds SET poll_lease_until = $1 WHERE id = $2 AND poll_owner = $3",
            utc_iso(now + lease),
            feed_id,
            owner,
        )
        return renewed > 0

    async def release_feed_polls(self, owner: str) -> int:
        """End every poll claim `owner` holds (clean shutdown: another process may poll)."""
        return await self._execute(
            "UPDATE feeds SET poll_owner = NULL, poll_lease_until = NULL WHERE poll_owner = $1",
            owner,
        )

    # -- seen items -------------------------------------------------------------------------

    async def seen_guids(self, feed_id: int, guids: Sequence[str]) -> set[str]:
        """Which of these entry ids the feed has already listed."""
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
        """Record entries as seen; return (item id, article id) for those not seen before."""
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
        """The stored article with this origin, else with this text (what ingest deduped to)."""
        return await self._fetchval(
            "(SELECT id FROM articles WHERE origin = $1) UNION ALL"
            " (SELECT id FROM articles WHERE content_hash = $2) LIMIT 1",
            origin,
            content_hash,
        )

    async def feed_item_count(self, feed_id: int) -> int:
        """How many entries this feed has listed so far."""
        return await self._fetchval("SELECT count(*) FROM feed_items WHERE feed_id = $1", feed_id)

    # -- subscriptions (guild-scoped) ---------------------------------------------------------

    async def add_subscription(
        self,
        *,
        guild_id: int,
        channel_id: int,
        feed_id: int,
        filter_text: str,
        role_id: int | None,
        created_by: int,
        now: str,
    ) -> tuple[Subscription, bool]:
        """Subscribe a channel to a feed from now on; return it and whether it is new (the
        same channel and feed again gets the new filter and role instead of a second row)."""
        row = await self._fetchrow(
            "INSERT INTO feed_subscriptions (guild_id, channel_id, feed_id, filter, role_id,"
            " created_by, created_at, after_item_id)"
            " SELECT $1, $2, $3, $4, $5, $6, $7, coalesce(max(id), 0) FROM feed_items"
            " WHERE feed_id = $3 ON CONFLICT (guild_id, channel_id, feed_id)"
            " DO UPDATE SET filter = excluded.filter, role_id = excluded.role_id"
            # xmax is 0 on a row this statement inserted, set on one it updated.
            f" RETURNING {SUBSCRIPTION_COLUMNS}, xmax = 0 AS inserted",
            guild_id,
            channel_id,
            feed_id,
            filter_text,
            role_id,
            created_by,
            now,
        )
        assert row is not None
        return subscription_from_row({k: v for k, v in row.items() if k != "inserted"}), row[
            "inserted"
        ]

    async def subscription(self, guild_id: int, subscription_id: int) -> Subscription | None:
        """One subscription of this guild, or None (another guild's id finds nothing)."""
        row = await self._fetchrow(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions"
            " WHERE guild_id = $1 AND id = $2",
            guild_id,
            subscription_id,
        )
        return subscription_from_row(row) if row else None

    async def guild_subscriptions(self, guild_id: int) -> list[tuple[Subscription, Feed]]:
        """This guild's subscriptions with their feeds, by feed title then channel."""
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
        """A subscription by id in any guild (the poller's view; commands use `subscription`)."""
        row = await self._fetchrow(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions WHERE id = $1",
            subscription_id,
        )
        return subscription_from_row(row) if row else None

    async def feed_subscriptions(self, feed_id: int) -> list[Subscription]:
        """Every subscription to one feed, across guilds (the poller's view)."""
        rows = await self._fetch(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM feed_subscriptions WHERE feed_id = $1 ORDER BY id",
            feed_id,
        )
        return [subscription_from_row(row) for row in rows]

    async def remove_subscription(self, guild_id: int, subscription_id: int) -> bool:
        """Remove one of this guild's subscriptions; False if it has none with that id."""
        removed = await self._execute(
            "DELETE FROM feed_subscriptions WHERE guild_id = $1 AND id = $2",
            guild_id,
            subscription_id,
        )
        return removed > 0

    # -- story clusters ---------------------------------------------------------------------

    async def stories_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        """Map each article (that has one) to its story id."""
        if not article_ids:
            return {}
        rows = await self._fetch(
            "SELECT article_id, story_id FROM article_stories WHERE article_id = ANY($1::bigint[])",
            list(article_ids),
        )
        return {row[0]: row[1] for row in rows}

    async def add_story_member(
        self, article_id: int, story_id: int, signature: bytes | None, now: str
    ) -> None:
        """Put an article in a story (first assignment wins)."""
        await self._execute(
            "INSERT INTO article_stories (article_id, story_id, signature, added_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (article_id) DO NOTHING",
            article_id,
            story_id,
            signature,
            now,
        )

    async def recent_story_members(self, since: str) -> list[StoryMember]:
        """Articles clustered at or after `since` that have a signature (to rebuild the index)."""
        rows = await self._fetch(
            "SELECT article_id, story_id, signature, added_at FROM article_stories"
            " WHERE added_at >= $1 AND signature IS NOT NULL ORDER BY article_id",
            since,
        )
        return [StoryMember(*row) for row in rows]

    async def story_sources(self, story_id: int) -> list[str]:
        """The distinct sources (outlets) that carried a story, in the order they reported it."""
        rows = await self._fetch(
            "SELECT a.source FROM article_stories s JOIN articles a ON a.id = s.article_id"
            " WHERE s.story_id = $1 GROUP BY a.source ORDER BY min(a.id)",
            story_id,
        )
        return [row[0] for row in rows]

    # -- announcements ----------------------------------------------------------------------

    async def queue_announcement(
        self, subscription: Subscription, story_id: int, article_id: int, now: str
    ) -> bool:
        """Queue a story for a subscription's channel; False if that channel already had it."""
        queued = await self._execute(
            "INSERT INTO feed_announcements (subscription_id, channel_id, story_id, article_id,"
            " created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel_id, story_id)"
            " DO NOTHING",
            subscription.id,
            subscription.channel_id,
            story_id,
            article_id,
            now,
        )
        return queued > 0

    async def pending_announcements(self, limit: int = 500) -> list[PendingAnnouncement]:
        """Queued announcements not yet posted, oldest first."""
        rows = await self._fetch(
            f"SELECT {PENDING_ANNOUNCEMENT_COLUMNS} FROM feed_announcements n"
            " JOIN articles a ON a.id = n.article_id"
            " WHERE n.status IN ('pending', 'posting') ORDER BY n.id LIMIT $1",
            limit,
        )
        return [pending_announcement_from_row(row) for row in rows]

    async def announcements_posting(self, announcement_ids: Sequence[int]) -> None:
        """Record that these are being posted now (a crash mid-post leaves them 'posting')."""
        await self._execute(
            "UPDATE feed_announcements SET status = 'posting'"
            " WHERE id = ANY($1::bigint[]) AND status = 'pending'",
            list(announcement_ids),
        )

    async def mark_announced(
        self, announcement_ids: Sequence[int], message_id: int | None, now: str
    ) -> None:
        """Mark announcements as posted (with the message that carried them)."""
        await self._execute(
            "UPDATE feed_announcements SET status = 'posted', message_id = $1, posted_at = $2,"
            " attempts = attempts + 1 WHERE id = ANY($3::bigint[])",
            message_id,
            now,
            list(announcement_ids),
        )

    async def announcement_failed(self, announcement_ids: Sequence[int], give_up: bool) -> None:
        """Count a failed delivery; after too many, stop trying (status 'failed')."""
        await self._execute(
            "UPDATE feed_announcements SET attempts = attempts + 1,"
            " status = CASE WHEN $1 THEN 'failed' ELSE 'pending' END"
            " WHERE id = ANY($2::bigint[])",
            give_up,
            list(announcement_ids),
        )

    async def announced_count(self, channel_id: int) -> int:
        """How many stories have been posted into a channel."""
        return await self._fetchval(
            "SELECT count(*) FROM feed_announcements WHERE channel_id = $1 AND status = 'posted'",
            channel_id,
        )

    async def feed_articles(self, feed_id: int, limit: int = 10) -> list[Article]:
        """The newest articles a feed brought, newest first."""
        rows = await self._fetch(
            f"SELECT {ARTICLE_COLUMNS_A} FROM feed_items i JOIN articles a ON a.id = i.article_id"
            " WHERE i.feed_id = $1 ORDER BY i.id DESC LIMIT $2",
            feed_id,
            limit,
        )
        return [article_from_row(row) for row in rows]
