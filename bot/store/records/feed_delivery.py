"""What the store keeps about feed deliveries: each subscription's delivery log (what became
of every item it saw, and why) and each channel's pacing (flood control, quiet hours), with
the row decoders both backends use."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from bot.store.records import Row

# Lines of the delivery log kept per subscription; older ones are pruned as new ones come.
LOG_KEEP = 200
# Flood control when a channel has set nothing: at most this many posts per window.
DEFAULT_MAX_POSTS = 10
DEFAULT_WINDOW_MINUTES = 10


class DeliveryOutcome(StrEnum):
    """What became of one item for one subscription (the delivery log's outcome column)."""

    QUEUED = "queued"  # waiting for the next delivery
    POSTED = "posted"  # in the channel; `link` is the message
    FILTERED = "filtered"  # the subscription's filter left it out; `detail` names the rule
    MUTED = "muted"  # the server's mute list hid it; `detail` names the entry
    DUPLICATE = "duplicate story"  # the channel already had this story; `link` is that post
    TOO_OLD = "too old"  # published before the subscription's maximum age
    FLOOD = "held by flood control"  # over the channel's posts per window: packed later
    QUIET = "held for quiet hours"  # released in one packed post when quiet hours end
    DIGEST = "left to the digest"  # flood overflow rolled into the channel's digest
    PAUSED = "paused"  # arrived while the subscription was paused: not owed
    FAILED = "failed"  # Discord refused or the channel is gone; `detail` says how


# A duplicate story's line names the first announcement of its story (for that one's link).
DUPLICATE = str(DeliveryOutcome.DUPLICATE)


@dataclass(frozen=True)
class NewLogEntry:
    """A line to add to a subscription's delivery log."""

    subscription_id: int
    title: str
    url: str | None
    outcome: DeliveryOutcome
    detail: str = ""
    link: str | None = None
    article_id: int | None = None
    # Set for queued items, whose line later changes; for a duplicate story, the first
    # announcement of the story, whose post's link the line takes.
    announcement_id: int | None = None


@dataclass(frozen=True)
class LogUpdate:
    """A queued item's new outcome (the line of its announcement changes in place)."""

    announcement_id: int
    outcome: DeliveryOutcome
    detail: str = ""
    link: str | None = None


@dataclass(frozen=True)
class LogEntry:
    """One line of a delivery log, as stored (`at`: when it last changed, ISO UTC)."""

    id: int
    subscription_id: int
    announcement_id: int | None
    article_id: int | None
    title: str
    url: str | None
    outcome: DeliveryOutcome
    detail: str
    link: str | None
    at: str


LOG_FIELDS = [f.name for f in dataclasses.fields(LogEntry)]
LOG_COLUMNS = ", ".join(LOG_FIELDS)


def new_log_values(entry: NewLogEntry, now: str) -> tuple[object, ...]:
    """A new line's values in the order of both backends' INSERT."""
    return (
        entry.subscription_id,
        entry.announcement_id,
        entry.article_id,
        entry.title,
        entry.url,
        str(entry.outcome),
        entry.detail,
        entry.link,
        now,
    )


def log_entry_from_row(row: Row) -> LogEntry:
    """A delivery log line from a row of LOG_COLUMNS."""
    values = {name: row[name] for name in LOG_FIELDS}
    values["outcome"] = DeliveryOutcome(values["outcome"])
    return LogEntry(**values)


@dataclass(frozen=True)
class ChannelPacing:
    """How fast feeds may post in one channel: at most `max_posts` per `window_minutes`, and
    nothing between `quiet_start` and `quiet_end` ('HH:MM' in the server's timezone)."""

    channel_id: int
    guild_id: int
    max_posts: int = DEFAULT_MAX_POSTS
    window_minutes: int = DEFAULT_WINDOW_MINUTES
    quiet_start: str | None = None
    quiet_end: str | None = None


PACING_FIELDS = [f.name for f in dataclasses.fields(ChannelPacing)]
PACING_COLUMNS = ", ".join(PACING_FIELDS)


def pacing_values(pacing: ChannelPacing) -> tuple[object, ...]:
    """A channel's pacing as values in PACING_COLUMNS order (both backends' INSERT)."""
    return tuple(getattr(pacing, name) for name in PACING_FIELDS)


def pacing_from_row(row: Row) -> ChannelPacing:
    """A channel's pacing from a row of PACING_COLUMNS."""
    return ChannelPacing(**{name: row[name] for name in PACING_FIELDS})
