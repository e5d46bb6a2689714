"""What the store keeps about feed deliveries: each subscription's delivery log, held
announcements (flood control, quiet hours), posts counted per channel, and channel pacing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from bot.store.records.feed_delivery import ChannelPacing, LogEntry, LogUpdate, NewLogEntry
from bot.store.records.feeds import PendingAnnouncement, Subscription

# What an announcement becomes when it will never be posted by itself.
Settled = Literal["digest", "dropped"]


class FeedDeliveryStore(Protocol):
    """Delivery logs, holds and pacing; what a guild reads is guild-scoped."""

    async def log_deliveries(self, entries: Sequence[NewLogEntry], now: str) -> None:
        """Add lines to subscriptions' delivery logs (at ISO UTC `now`), keeping the last
        LOG_KEEP of each subscription. Call inside the transaction that did what they say."""
        ...

    async def update_delivery_log(self, updates: Sequence[LogUpdate], now: str) -> None:
        """Change the lines of queued items (found by announcement id) to their new outcome;
        a duplicate story's line (which names the first announcement of its story) keeps its
        outcome and takes the first post's link."""
        ...

    async def delivery_log(
        self, guild_id: int, subscription_id: int, *, limit: int, offset: int = 0
    ) -> tuple[list[LogEntry], int]:
        """One of this guild's subscriptions' log lines, newest first, and how many it has
        (nothing for another guild's subscription)."""
        ...

    async def story_post(
        self, channel_id: int, story_id: int
    ) -> tuple[int, str, str | None] | None:
        """The announcement that has (or will have) a story in a channel: its id, its status
        and its message's link once posted; None when the channel never had the story."""
        ...

    async def queued_announcements(self, subscription_id: int) -> list[int]:
        """A subscription's announcements not yet posted (pending or held), oldest first."""
        ...

    async def hold_announcements(
        self, announcement_ids: Sequence[int], reason: str, until: str
    ) -> None:
        """Hold announcements (`reason` "flood" or "quiet") until ISO UTC `until`."""
        ...

    async def held_announcements(self) -> list[PendingAnnouncement]:
        """Every held announcement, oldest first (with its channel, reason and time)."""
        ...

    async def next_hold_release(self) -> str | None:
        """When the earliest held announcement may go out (ISO UTC), or None."""
        ...

    async def settle_announcements(self, announcement_ids: Sequence[int], status: Settled) -> None:
        """Mark announcements that will not be posted by themselves: left to the channel's
        digest, or dropped (their subscription was paused, or the server muted them)."""
        ...

    async def channel_posts_since(self, channel_id: int, since: str) -> int:
        """Feed posts in a channel after ISO UTC `since`: each article posted alone counts one,
        each packed card one."""
        ...

    async def channel_pacing(self, channel_id: int) -> ChannelPacing | None:
        """A channel's own pacing, or None (the defaults apply)."""
        ...

    async def set_channel_pacing(self, pacing: ChannelPacing) -> None:
        """Store a channel's pacing (replacing what it had)."""
        ...

    async def guild_pacings(self, guild_id: int) -> list[ChannelPacing]:
        """The pacing of this guild's channels that have their own, by channel id."""
        ...

    async def subscriptions_to_backfill(self) -> list[Subscription]:
        """Subscriptions (any guild) with a backfill still to post whose feed has been read."""
        ...
