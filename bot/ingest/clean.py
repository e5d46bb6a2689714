"""The last check before an article is stored, whatever format it came in: no control
characters in any text (NUL, escape sequences), and what outsiders claim is bounded by what we
know (a publication date cannot be later than its arrival, categories are few and short)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.ingest.records import MAX_DEPTH, TOO_DEEP
from bot.ingest.text import ArticleFormatError
from bot.ingest.urls import quote_controls
from bot.models import ArticleDraft
from bot.models.text import strip_controls

# Fields shown on one line: what the control characters leave is joined with single spaces.
LINE_FIELDS = ("title", "caption", "source", "desk", "dateline", "author")
# What an article's categories may hold: no feed files an item under more, or longer, names.
MAX_CATEGORIES = 32
MAX_CATEGORY_CHARS = 100


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
        return None, {"published_at_raw": strip_controls(draft.published_at)}
    if claimed > now:
        # A date from the future would rank first in every search and catch-up until it came:
        # the article is dated when it arrived, and the claim is kept for the record.
        return _iso(now), {"claimed_published_at": _iso(claimed)}
    return _iso(claimed), {}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _line(text: str) -> str:
    cleaned = strip_controls(text)
    return text if cleaned is text else " ".join(cleaned.split())


def _body(text: str) -> str:
    cleaned = strip_controls(text)
    if cleaned is text:
        return text
    # Taking controls out may leave spaces at a paragraph's edges, or empty paragraphs.
    paragraphs = (p.strip() for p in cleaned.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def clean_categories(names: Iterable[object]) -> tuple[str, ...]:
    """Categories as stored: text only, one line each, at most MAX_CATEGORY_CHARS, each name
    once whatever its case, at most MAX_CATEGORIES of them, in the order given."""
    kept: dict[str, str] = {}
    for name in names:
        if not isinstance(name, str):
            continue
        line = " ".join(strip_controls(name).split())[:MAX_CATEGORY_CHARS].strip()
        if line and line.casefold() not in kept:
            kept[line.casefold()] = line
            if len(kept) >= MAX_CATEGORIES:
                break
    return tuple(kept.values())


def _clean_value(value: object, depth: int = 1) -> object:
    """A metadata value with control characters out of every string and key."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | dict) and depth > MAX_DEPTH:
        raise ArticleFormatError(f"metadata {TOO_DEEP}")
    if isinstance(value, list):
        return [_clean_value(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {strip_controls(str(k)): _clean_value(v, depth + 1) for k, v in value.items()}
    return value


def clean_draft(draft: ArticleDraft, now: datetime) -> ArticleDraft:
    """The draft as it may be stored at `now`: control characters out of every text field,
    the publication date capped at `now`. ArticleFormatError if no title is left."""
    published, noted = _published(draft, now)
    metadata = _clean_value(draft.metadata)
    assert isinstance(metadata, dict)
    cleaned = dataclasses.replace(
        draft,
        **{name: _line(getattr(draft, name)) for name in LINE_FIELDS},
        body=_body(draft.body),
        origin=quote_controls(draft.origin),
        url=quote_controls(draft.url) if draft.url else draft.url,
        published_at=published,
        metadata={**metadata, **noted},
        categories=clean_categories(draft.categories),
    )
    if not cleaned.title:
        raise ArticleFormatError("missing title (nothing left without control characters)")
    return cleaned
