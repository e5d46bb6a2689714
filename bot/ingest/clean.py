"""The last check before an article is stored, whatever format it came in: what outsiders
claim is bounded by what we know (a publication date cannot be later than its arrival)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from bot.models import ArticleDraft


def _moment(value: str) -> datetime | None:
    """An ISO-8601 date or datetime as UTC (naive means UTC); None if unreadable or out of
    range (year 1 east of Greenwich, year 9999 west of it)."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed.replace(tzinfo=parsed.tzinfo or UTC).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _published(draft: ArticleDraft, now: datetime) -> tuple[str | None, dict[str, object]]:
    """The publication date to store (ISO UTC, at most `now`) and what to add to metadata."""
    if draft.published_at is None:
        return None, {}
    claimed = _moment(draft.published_at)
    if claimed is None:
        return None, {"published_at_raw": draft.published_at}
    if claimed > now:
        # A date from the future would rank first in every search and catch-up until it came:
        # the article is dated when it arrived, and the claim is kept for the record.
        return _iso(now), {"claimed_published_at": _iso(claimed)}
    return _iso(claimed), {}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def clean_draft(draft: ArticleDraft, now: datetime) -> ArticleDraft:
    """The draft as it may be stored at `now`: its publication date capped at `now`."""
    published, noted = _published(draft, now)
    if published == draft.published_at and not noted:
        return draft
    return dataclasses.replace(draft, published_at=published, metadata={**draft.metadata, **noted})
