"""What the store keeps of a subscription's own options (the name and avatar its posts carry,
the selector for its articles' text), the channel webhooks the bot posts through, the reasons
it fell back to posting as itself (each told once), and the webhook messages that carried
announcements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, Unpack

from bot.store.records.feed_options import (
    ChannelWebhook,
    FeedOptionChanges,
    FeedOptions,
    WebhookPost,
)


class FeedOptionStore(Protocol):
    """Subscription options and channel webhooks; commands' statements are guild-scoped."""

    async def feed_options(self, subscription_id: int) -> FeedOptions:
        """A subscription's options (the defaults when it never set any; the poller's and the
        announcer's view, any guild)."""
        ...

    async def guild_feed_options(self, guild_id: int) -> list[FeedOptions]:
        """The options every subscription of this guild set, by subscription id."""
        ...

    async def set_feed_options(
        self, guild_id: int, subscription_id: int, **changes: Unpack[FeedOptionChanges]
    ) -> FeedOptions | None:
        """Change some of a subscription's options and return them all; None (nothing
        changed) when this guild has no such subscription."""
        ...

    async def feed_selectors(self, feed_id: int) -> list[str]:
        """The selectors the feed's subscriptions set (none empty), oldest subscription first."""
        ...

    async def channel_webhook(self, channel_id: int) -> ChannelWebhook | None:
        """The bot's webhook record for a channel, or None."""
        ...

    async def save_channel_webhook(self, webhook: ChannelWebhook) -> None:
        """Write a channel's webhook record (created or replaced)."""
        ...

    async def note_webhook_fallback(self, channel_id: int, kind: str, now: str) -> bool:
        """Record that the bot fell back to its own identity in a channel for this reason;
        True only the first time (until `clear_webhook_fallbacks`): whoever gets True tells."""
        ...

    async def clear_webhook_fallbacks(self, channel_id: int) -> int:
        """Forget a channel's fallback reasons (its webhook works again, or an admin set an
        identity again): a new failure is news again. Return how many were forgotten."""
        ...

    async def record_webhook_posts(self, posts: Sequence[WebhookPost]) -> None:
        """Remember which webhook message carried each announcement (first write wins)."""
        ...

    async def webhook_posts(self, announcement_ids: Sequence[int]) -> list[WebhookPost]:
        """The webhook messages recorded for these announcements, by announcement id."""
        ...
