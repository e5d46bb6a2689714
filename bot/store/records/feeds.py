"""The feed domain's records as the store returns them, and their row decoders (shared by
the SQLite and PostgreSQL stores)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NotRequired, TypedDict

from bot.models import Article
from bot.store.records import Row
from bot.store.records.articles import ARTICLE_COLUMNS_A, article_from_row


@dataclass(frozen=True)
class Feed:
    """A polled feed and its state: validators, schedule, health figures (times ISO UTC)."""

    id: int
    url: str
    title: str
    site_url: str | None
    etag: str | None
    last_modified: str | None
    interval_seconds: int
    next_poll_at: str
    last_polled_at: str | None
    last_status: str
    last_http_status: int | None
    last_error: str | None
    last_success_at: str | None
    last_new_item_at: str | None
    failures: int
    failing_since: str | None
    pages_extracted: int
    pages_failed: int
    rhythm_seconds: float | None
    rhythm_samples: int
    alert: str | None
    created_at: str

    @property
    def name(self) -> str:
        """What to call the feed: its title, else its URL."""
        return self.title or self.url


FEED_FIELDS = [f.name for f in dataclasses.fields(Feed)]
FEED_COLUMNS = ", ".join(FEED_FIELDS)
# Everything the poller may change; id, url and created_at never change.
FEED_STATE = [f.name for f in dataclasses.fields(Feed) if f.name not in {"id", "url", "created_at"}]


@dataclass(frozen=True)
class Subscription:
    """A channel following a feed in one guild: its filter, optional role ping, whether it is
    paused, its message template (JSON, '' for the server's default), the oldest item it
    takes (hours, 0 for any) and how many of the feed's latest items are still to post once."""

    id: int
    guild_id: int
    channel_id: int
    feed_id: int
    filter: str
    role_id: int | None
    created_by: int
    created_at: str
    after_item_id: int
    paused: bool = False
    template: str = ""
    max_age_hours: int = 0
    backfill: int = 0


SUBSCRIPTION_FIELDS = [f.name for f in dataclasses.fields(Subscription)]
SUBSCRIPTION_COLUMNS = ", ".join(SUBSCRIPTION_FIELDS)


class NewSubscription(TypedDict):
    """What `add_subscription` takes (keyword arguments): which channel follows which feed."""

    guild_id: int
    channel_id: int
    feed_id: int
    filter_text: str
    role_id: int | None
    created_by: int
    now: str  # ISO UTC; entries the feed listed before are never announced
    backfill: NotRequired[int]  # the feed's latest items to post once (default none)


def new_subscription_values(subscription: NewSubscription) -> tuple[object, ...]:
    """A new subscription's values in the order of both backends' INSERT (`now` is
    created_at)."""
    return (
        subscription["guild_id"],
        subscription["channel_id"],
        subscription["feed_id"],
        subscription["filter_text"],
        subscription["role_id"],
        subscription["created_by"],
        subscription["now"],
        subscription.get("backfill", 0),
    )


class SubscriptionChanges(TypedDict, total=False):
    """What `update_subscription` may change (keyword arguments; absent keys stay as they
    are; `role_id=None` removes the role)."""

    channel_id: int
    filter_text: str
    role_id: int | None
    template: str
    max_age_hours: int
    paused: bool
    backfill: int


# Each change's column, in a fixed order (both backends build their UPDATE from it).
SUBSCRIPTION_CHANGES = {
    "channel_id": "channel_id",
    "filter_text": "filter",
    "role_id": "role_id",
    "template": "template",
    "max_age_hours": "max_age_hours",
    "paused": "paused",
    "backfill": "backfill",
}


def subscription_change_values(changes: SubscriptionChanges) -> list[tuple[str, object]]:
    """(column, value) for each change given, in SUBSCRIPTION_CHANGES order (booleans as 0/1,
    which both backends' integer columns take)."""
    given: dict[str, object] = dict(changes)
    return [
        (column, int(value) if isinstance(value, bool) else value)
        for key, column in SUBSCRIPTION_CHANGES.items()
        if key in given
        for value in [given[key]]
    ]


@dataclass(frozen=True)
class SeenItem:
    """A feed entry recorded as processed, and the article it became (if any)."""

    guid: str
    url: str | None
    article_id: int | None


@dataclass(frozen=True)
class PendingAnnouncement:
    """A story queued for one subscription's channel but not yet posted."""

    id: int
    subscription_id: int
    story_id: int
    article: Article
    attempts: int
    resumed: bool = False  # a post was under way when the bot stopped: it may be in the channel
    channel_id: int = 0  # the channel it is queued for
    hold_reason: str | None = None  # "flood" or "quiet" while held
    hold_until: str | None = None  # when a held announcement may go out (ISO UTC)


# What `pending_announcements` selects (either backend), decoded by `pending_announcement_from_row`.
PENDING_ANNOUNCEMENT_COLUMNS = (
    "n.id AS nid, n.subscription_id, n.story_id, n.attempts, n.status, n.channel_id AS nchannel,"
    f" n.hold_reason, n.hold_until, {ARTICLE_COLUMNS_A}"
)
SUBSCRIPTION_COLUMNS_S = ", ".join(f"s.{c.strip()}" for c in SUBSCRIPTION_COLUMNS.split(","))


def feed_from_row(row: Row) -> Feed:
    """A feed from a row of FEED_COLUMNS."""
    return Feed(**{name: row[name] for name in FEED_FIELDS})


def subscription_from_row(row: Row) -> Subscription:
    """A subscription from a row of SUBSCRIPTION_COLUMNS (or SUBSCRIPTION_COLUMNS_S)."""
    values = {name: row[name] for name in SUBSCRIPTION_FIELDS}
    values["paused"] = bool(values["paused"])
    return Subscription(**values)


def pending_announcement_from_row(row: Row) -> PendingAnnouncement:
    """A queued announcement from a row of PENDING_ANNOUNCEMENT_COLUMNS."""
    return PendingAnnouncement(
        id=row["nid"],
        subscription_id=row["subscription_id"],
        story_id=row["story_id"],
        article=article_from_row(row),
        attempts=row["attempts"],
        resumed=row["status"] == "posting",
        channel_id=row["nchannel"],
        hold_reason=row["hold_reason"],
        hold_until=row["hold_until"],
    )
