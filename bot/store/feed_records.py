"""The feed domain's records as the store returns them, and their row decoders (shared by
the SQLite and PostgreSQL stores)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.models import Article
from bot.store.articles import _ARTICLE_COLUMNS, _article


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


_FEED_FIELDS = [f.name for f in dataclasses.fields(Feed)]
_FEED_COLUMNS = ", ".join(_FEED_FIELDS)
# Everything the poller may change; id, url and created_at never change.
_FEED_STATE = [
    f.name for f in dataclasses.fields(Feed) if f.name not in {"id", "url", "created_at"}
]


@dataclass(frozen=True)
class Subscription:
    """A channel following a feed in one guild, with its filter and optional role ping."""

    id: int
    guild_id: int
    channel_id: int
    feed_id: int
    filter: str
    role_id: int | None
    created_by: int
    created_at: str
    after_item_id: int


_SUBSCRIPTION_COLUMNS = ", ".join(f.name for f in dataclasses.fields(Subscription))


@dataclass(frozen=True)
class SeenItem:
    """A feed entry recorded as processed, and the article it became (if any)."""

    guid: str
    url: str | None
    article_id: int | None


@dataclass(frozen=True)
class StoryMember:
    """An article's place in a story cluster, with its MinHash signature (bytes, or None)."""

    article_id: int
    story_id: int
    signature: bytes | None
    added_at: str


@dataclass(frozen=True)
class PendingAnnouncement:
    """A story queued for one subscription's channel but not yet posted."""

    id: int
    subscription_id: int
    story_id: int
    article: Article
    attempts: int
    resumed: bool = False  # a post was under way when the bot stopped: it may be in the channel


# Article columns as read through the `a` alias (announcements and feed items join them).
_ARTICLE_COLUMNS_A = ", ".join(f"a.{c.strip()}" for c in _ARTICLE_COLUMNS.split(","))
# What `pending_announcements` selects (either backend), decoded by `_pending_announcement`.
_PENDING_COLUMNS = (
    f"n.id AS nid, n.subscription_id, n.story_id, n.attempts, n.status, {_ARTICLE_COLUMNS_A}"
)
_SUBSCRIPTION_COLUMNS_S = ", ".join(f"s.{c.strip()}" for c in _SUBSCRIPTION_COLUMNS.split(","))
# A feed nobody is polling: never claimed, released, or its owner's lease ran out (`?` is now).
_UNCLAIMED = "(poll_lease_until IS NULL OR poll_lease_until <= ?)"


# Row decoders take any mapping row: aiosqlite's Row here, asyncpg's Record in postgres/.
def _feed(row: Mapping[str, Any]) -> Feed:
    return Feed(**{name: row[name] for name in _FEED_FIELDS})


def _subscription(row: Mapping[str, Any]) -> Subscription:
    return Subscription(**dict(row))


def _pending_announcement(row: Mapping[str, Any]) -> PendingAnnouncement:
    return PendingAnnouncement(
        id=row["nid"],
        subscription_id=row["subscription_id"],
        story_id=row["story_id"],
        article=_article(row),
        attempts=row["attempts"],
        resumed=row["status"] == "posting",
    )
