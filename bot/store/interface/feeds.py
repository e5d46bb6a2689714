"""What the store keeps for feeds: feeds and their poll claims, seen items, subscriptions and
the announcements queued for channels (stories are in stories.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol, Unpack

from bot.models import Article
from bot.models.delivery import PostedMessage
from bot.store.records.feeds import (
    Feed,
    NewSubscription,
    PendingAnnouncement,
    SeenItem,
    Subscription,
    SubscriptionChanges,
)


class FeedStore(Protocol):
    """Feeds, subscriptions and announcements; guild data is guild-scoped."""

    async def add_feed(self, url: str, now: str, interval_seconds: int) -> Feed:
        """Return the feed at this (canonical) URL, creating it due now if it is new."""
        ...

    async def feed(self, feed_id: int) -> Feed | None:
        """Return the feed with this id, or None."""
        ...

    async def feed_by_url(self, url: str) -> Feed | None:
        """Return the feed with this canonical URL, or None."""
        ...

    async def save_feed(
        self, feed: Feed, *, owner: str | None = None, release: bool = False
    ) -> bool:
        """Write a feed's changed state (everything but id, url and created_at). With `owner`,
        only while that poller holds the feed's poll claim (False, nothing written, if not);
        `release` also ends the claim, in the same statement."""
        ...

    async def feeds_due(self, now: str, limit: int = 50) -> list[Feed]:
        """Subscribed feeds due at `now` that no live poll claim holds, most overdue first."""
        ...

    async def all_feeds(self) -> list[tuple[Feed, int]]:
        """Every feed with its number of subscriptions (all guilds: an operator's view)."""
        ...

    async def next_feed_due(self) -> str | None:
        """When the next subscribed feed is due (ISO UTC), or None when nothing is subscribed;
        a feed another poller holds counts from its claim's end (it may die with it)."""
        ...

    async def feed_poll_times(self) -> tuple[int, str | None, str | None]:
        """For operators: how many feeds are subscribed, when one was last polled and when
        one last answered successfully (ISO UTC, None before the first)."""
        ...

    async def claim_feed_poll(
        self, feed_id: int, *, owner: str, now: datetime, lease: timedelta, due: str | None = None
    ) -> Feed | None:
        """Claim a feed's poll for `owner` until `now + lease` and return the feed as stored;
        None when a live claim holds it or, given `due` (the next_poll_at the caller saw), when
        it is no longer due at that time (someone polled it meanwhile)."""
        ...

    async def renew_feed_poll(
        self, feed_id: int, *, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        """Extend `owner`'s poll claim to `now + lease` (the poll's heartbeat); False when the
        claim is no longer its own (taken over after its lease ran out, or released)."""
        ...

    async def release_feed_polls(self, owner: str) -> int:
        """End every poll claim `owner` holds (clean shutdown: another process may poll at once)."""
        ...

    async def seen_guids(self, feed_id: int, guids: Sequence[str]) -> set[str]:
        """Which of these entry ids the feed has already listed."""
        ...

    async def add_feed_items(
        self, feed_id: int, items: Iterable[SeenItem], *, backlog: bool, now: str
    ) -> list[tuple[int, int | None]]:
        """Record entries as seen; return (item id, article id) for those not seen before."""
        ...

    async def article_id_for(self, origin: str, content_hash: str) -> int | None:
        """The stored article with this origin, else with this text (what ingest deduped to)."""
        ...

    async def feed_item_count(self, feed_id: int) -> int:
        """How many entries this feed has listed so far."""
        ...

    async def add_subscription(
        self, **subscription: Unpack[NewSubscription]
    ) -> tuple[Subscription, bool]:
        """Subscribe a channel to a feed from now on; return it and whether it is new.

        An existing subscription of the same channel to the same feed gets the new filter and
        role instead of a second row. Entries the feed already listed are never announced.
        """
        ...

    async def update_subscription(
        self, guild_id: int, subscription_id: int, **changes: Unpack[SubscriptionChanges]
    ) -> Subscription | None:
        """Change one of this guild's subscriptions in place (its id, history and seen items
        stay); None when the guild has no such subscription. A new `channel_id` takes the
        announcements still queued along (those whose story that channel already has are
        dropped); `paused=False` resumes from now: items the feed listed meanwhile are not
        owed. Raises StoreError when that channel already follows the same feed."""
        ...

    async def subscription(self, guild_id: int, subscription_id: int) -> Subscription | None:
        """One subscription of this guild, or None (another guild's id finds nothing)."""
        ...

    async def guild_subscriptions(self, guild_id: int) -> list[tuple[Subscription, Feed]]:
        """This guild's subscriptions with their feeds, by feed title then channel."""
        ...

    async def subscription_by_id(self, subscription_id: int) -> Subscription | None:
        """A subscription by id in any guild (the poller's view; commands use `subscription`)."""
        ...

    async def feed_subscriptions(self, feed_id: int) -> list[Subscription]:
        """Every subscription to one feed, across guilds (the poller's view)."""
        ...

    async def remove_subscription(self, guild_id: int, subscription_id: int) -> bool:
        """Remove one of this guild's subscriptions; False if it has none with that id."""
        ...

    async def queue_announcement(
        self, subscription: Subscription, story_id: int, article_id: int, now: str
    ) -> int | None:
        """Queue a story for a subscription's channel and return the announcement's id; None
        if that channel already had the story."""
        ...

    async def pending_announcements(self, limit: int = 500) -> list[PendingAnnouncement]:
        """Queued announcements not yet posted, oldest first."""
        ...

    async def announcements_posting(self, announcement_ids: Sequence[int]) -> None:
        """Record that these (pending or held) are being posted now (a crash mid-post leaves
        them 'posting')."""
        ...

    async def mark_announced(
        self, posted: Mapping[int, PostedMessage | None], now: str, *, packed: bool = False
    ) -> None:
        """Mark announcements as posted, each with the message that carried it (None when the
        poster did not say); `packed`: inside one card with others (it counts as one post)."""
        ...

    async def announcement_failed(self, announcement_ids: Sequence[int], give_up: bool) -> None:
        """Count a failed delivery; after too many, stop trying (status 'failed')."""
        ...

    async def announced_count(self, channel_id: int) -> int:
        """How many stories have been posted into a channel."""
        ...

    async def feed_articles(self, feed_id: int, limit: int = 10) -> list[Article]:
        """The newest articles a feed brought, newest first."""
        ...
