"""When a feed is polled next: its interval, jitter, and backoff after each success or failure."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta

from bot.clock import utc_iso
from bot.feeds.fetcher import Fetched
from bot.feeds.parse import ParsedFeed
from bot.store import Feed

MIN_INTERVAL = timedelta(minutes=5)
MAX_INTERVAL = timedelta(hours=6)
MAX_BACKOFF = timedelta(hours=6)
JITTER = 0.1  # up to 10% of the interval, so feeds added together drift apart


def poll_interval(feed: Feed, parsed: ParsedFeed) -> int:
    """Seconds between polls of a feed, honouring its TTL within the allowed range."""
    seconds = feed.interval_seconds
    if parsed.ttl_minutes:
        seconds = max(seconds, parsed.ttl_minutes * 60)  # the feed asks to be read less often
    low, high = MIN_INTERVAL.total_seconds(), MAX_INTERVAL.total_seconds()
    return int(min(max(seconds, low), high))


def next_poll_at(now: datetime, delay: timedelta, rng: random.Random) -> str:
    """When to poll again after `delay`, plus a little jitter."""
    jitter = timedelta(seconds=rng.uniform(0, JITTER * delay.total_seconds()))
    return utc_iso(now + delay + jitter)


def after_success(
    feed: Feed, fetched: Fetched, status: str, now: datetime, rng: random.Random
) -> Feed:
    """The feed's state after it answered (including 304 Not Modified)."""
    at = utc_iso(now)
    return dataclasses.replace(
        feed,
        etag=fetched.etag or (feed.etag if fetched.not_modified else None),
        last_modified=fetched.last_modified
        or (feed.last_modified if fetched.not_modified else None),
        next_poll_at=next_poll_at(now, timedelta(seconds=feed.interval_seconds), rng),
        last_polled_at=at,
        last_status=status,
        last_http_status=fetched.status,
        last_error=None,
        last_success_at=at,
        failures=0,
        failing_since=None,
    )


def after_failure(
    feed: Feed,
    status: str,
    http_status: int | None,
    error: str,
    retry_after: timedelta | None,
    now: datetime,
    rng: random.Random,
) -> Feed:
    """The feed's state after a failed poll, with its next poll backed off."""
    failures = feed.failures + 1
    # Back off exponentially, but keep polling at least every few hours so a feed that
    # recovers is noticed; a Retry-After from the server wins when it asks for longer.
    interval = timedelta(seconds=feed.interval_seconds)
    delay = min(interval * 2 ** (failures - 1), MAX_BACKOFF)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return dataclasses.replace(
        feed,
        next_poll_at=next_poll_at(now, delay, rng),
        last_polled_at=utc_iso(now),
        last_status=status,
        last_http_status=http_status,
        last_error=error[:500],
        failures=failures,
        failing_since=feed.failing_since or utc_iso(now),
    )
