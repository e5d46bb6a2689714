"""A subscription's own options (the identity its posts carry, the selector for its articles'
text), the channel webhooks the bot posts through, and the webhook messages that carried
announcements, as the store returns them; with their row decoders (both backends)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from bot.store.records import Row

# Columns of `feed_options`, in the order `feed_options_from_row` reads them.
FEED_OPTION_COLUMNS = "subscription_id, identity_name, avatar_url, selector"
# What `set_feed_options` may change: each key is its column.
FEED_OPTION_KEYS = ("identity_name", "avatar_url", "selector")


@dataclass(frozen=True)
class FeedOptions:
    """How one subscription posts and reads: under `identity_name` and `avatar_url` through
    its channel's webhook (both '' post as the bot), its articles' text picked by the CSS
    `selector` ('' lets trafilatura choose)."""

    subscription_id: int
    identity_name: str = ""
    avatar_url: str = ""
    selector: str = ""

    @property
    def own_identity(self) -> bool:
        """True when its posts should carry a name or avatar of their own."""
        return bool(self.identity_name or self.avatar_url)


class FeedOptionChanges(TypedDict, total=False):
    """What `set_feed_options` takes (keyword arguments; absent keys stay as they are, ''
    clears one)."""

    identity_name: str
    avatar_url: str
    selector: str


@dataclass(frozen=True)
class ChannelWebhook:
    """The webhook the bot made in a channel (`webhook_id`, None before it made one), and
    whether an admin deleted it (`gone`: the bot posts as itself there until told again)."""

    channel_id: int
    guild_id: int
    webhook_id: int | None
    gone: bool = False


@dataclass(frozen=True)
class WebhookPost:
    """The webhook message that carried one announcement."""

    announcement_id: int
    channel_id: int
    webhook_id: int
    message_id: int


def feed_options_from_row(row: Row) -> FeedOptions:
    """Options from a row of FEED_OPTION_COLUMNS."""
    return FeedOptions(
        row["subscription_id"], row["identity_name"], row["avatar_url"], row["selector"]
    )


def channel_webhook_from_row(row: Row) -> ChannelWebhook:
    """A channel's webhook from a `channel_webhooks` row."""
    return ChannelWebhook(row["channel_id"], row["guild_id"], row["webhook_id"], bool(row["gone"]))


def webhook_post_from_row(row: Row) -> WebhookPost:
    """A webhook post from a `webhook_posts` row."""
    return WebhookPost(
        row["announcement_id"], row["channel_id"], row["webhook_id"], row["message_id"]
    )


def option_changes(changes: FeedOptionChanges) -> list[tuple[str, str]]:
    """(column, value) for each change given, in FEED_OPTION_KEYS order (both backends build
    their statement from it)."""
    given: dict[str, object] = dict(changes)
    return [(key, str(given[key])) for key in FEED_OPTION_KEYS if key in given]
