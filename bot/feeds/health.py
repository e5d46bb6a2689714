"""Feed health: what `/feeds list` shows, and when a feed's channels must be told it is unwell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.store import Feed

# Silent failure is the top complaint about feed bots: say so once a feed has failed this long.
FAILING_FOR = timedelta(days=1)
# "Quiet" means no new item for this many times its usual gap between items, and at least...
QUIET_FACTOR = 8.0
MIN_QUIET = timedelta(days=1)
# ...once its rhythm is known from this many gaps.
MIN_RHYTHM_SAMPLES = 3
# Weight of the newest gap in the running rhythm (an exponentially weighted mean).
RHYTHM_WEIGHT = 0.3

State = Literal["new", "ok", "failing", "quiet"]
AlertKind = Literal["failing", "quiet"]


@dataclass(frozen=True)
class FeedHealth:
    """One feed's health as shown to people."""

    state: State
    status: str
    http_status: int | None
    last_success_at: str | None
    last_new_item_at: str | None
    extraction_rate: float | None  # share of new items whose full text was extracted
    failures: int
    next_poll_at: str
    error: str | None


@dataclass(frozen=True)
class FeedAlert:
    """A health problem to tell a feed's subscribed channels about (once)."""

    feed: Feed
    kind: AlertKind
    message: str


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def extraction_rate(feed: Feed) -> float | None:
    """Share of new items whose full text was extracted (None before any)."""
    total = feed.pages_extracted + feed.pages_failed
    return feed.pages_extracted / total if total else None


def describe_gap(gap: timedelta) -> str:
    """A rough human duration: "45 minutes", "5 hours", "3 days"."""
    seconds = gap.total_seconds()
    if seconds < 5400:
        return f"{max(1, round(seconds / 60))} minutes"
    if seconds < 2 * 86400:
        return f"{round(seconds / 3600)} hours"
    return f"{round(seconds / 86400)} days"


def _quiet_for(feed: Feed, now: datetime) -> timedelta | None:
    last_new = _at(feed.last_new_item_at)
    if last_new is None or feed.rhythm_seconds is None:
        return None
    if feed.rhythm_samples < MIN_RHYTHM_SAMPLES:
        return None
    limit = max(timedelta(seconds=feed.rhythm_seconds * QUIET_FACTOR), MIN_QUIET)
    gap = now - last_new
    return gap if gap > limit else None


def assess(feed: Feed, now: datetime) -> FeedHealth:
    """Summarise a feed's state for a list: new, ok, failing (a day or more) or quiet."""
    since = _at(feed.failing_since)
    state: State
    if feed.last_polled_at is None:
        state = "new"
    elif since is not None and now - since >= FAILING_FOR:
        state = "failing"
    elif since is None and _quiet_for(feed, now) is not None:
        state = "quiet"
    else:
        state = "ok"
    return FeedHealth(
        state=state,
        status=feed.last_status,
        http_status=feed.last_http_status,
        last_success_at=feed.last_success_at,
        last_new_item_at=feed.last_new_item_at,
        extraction_rate=extraction_rate(feed),
        failures=feed.failures,
        next_poll_at=feed.next_poll_at,
        error=feed.last_error,
    )


def alert_for(feed: Feed, now: datetime) -> FeedAlert | None:
    """The alert this feed's channels should get now, if any (the caller sends it once)."""
    since = _at(feed.failing_since)
    if since is not None and now - since >= FAILING_FOR:
        return FeedAlert(
            feed,
            "failing",
            f"The feed {feed.name} has been failing for {describe_gap(now - since)} "
            f"({feed.last_status}: {feed.last_error or 'no details'}). Newsdesk keeps trying "
            "less often; check the address, or remove the feed.",
        )
    quiet = _quiet_for(feed, now) if since is None else None
    if quiet is not None:
        assert feed.rhythm_seconds is not None
        usual = describe_gap(timedelta(seconds=feed.rhythm_seconds))
        return FeedAlert(
            feed,
            "quiet",
            f"The feed {feed.name} has published nothing new for {describe_gap(quiet)}, "
            f"though it usually does every {usual}. It still answers, so it may have moved.",
        )
    return None


def next_rhythm(feed: Feed, now: datetime) -> tuple[float | None, int]:
    """Fold the gap since the last new item into the feed's usual rhythm (mean, samples)."""
    last_new = _at(feed.last_new_item_at)
    if last_new is None:
        return feed.rhythm_seconds, feed.rhythm_samples
    gap = max((now - last_new).total_seconds(), 1.0)
    if feed.rhythm_seconds is None:
        return gap, 1
    blended = (1 - RHYTHM_WEIGHT) * feed.rhythm_seconds + RHYTHM_WEIGHT * gap
    return blended, feed.rhythm_samples + 1
