"""JSON and JSON Lines articles: one object (or a list) with title, body/text, url, source..."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.ingest.text import ArticleFormatError
from bot.ingest.urls import canonical_url
from bot.models import ArticleDraft

KNOWN_FIELDS = (
    "title",
    "body",
    "text",
    "url",
    "source",
    "author",
    "published_at",
    "caption",
    "category",
    "categories",
)
# No article needs deeper JSON; deeper input is an attack on every recursive step after parsing
# (scrubbing, storing metadata as JSON), so it is refused before any of them.
MAX_DEPTH = 64
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"

# JSON may escape half a UTF-16 pair ("\\ud800"): valid JSON, but text no database or Discord takes.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(value: object) -> object:
    """Replace lone surrogates with U+FFFD everywhere in a decoded JSON value."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


def _too_deep(record: dict[str, Any]) -> bool:
    """Whether lists and objects nest past MAX_DEPTH (checked without recursion)."""
    stack: list[tuple[list[Any] | dict[str, Any], int]] = [(record, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, list | dict))
    return False


def _loads(text: str) -> object:
    """json.loads, with input nested too deeply for its recursion a format error. NaN and
    ±Infinity, which Python reads but JSON has not (nor PostgreSQL's jsonb, where metadata
    goes), are kept as their text."""
    try:
        return json.loads(text, parse_constant=str)
    except RecursionError:
        raise ArticleFormatError(TOO_DEEP) from None


def _readable_url(url: str) -> str | None:
    """The URL if it can be parsed (canonical_url and link renderers would raise), else None."""
    try:
        urlsplit(url).port  # noqa: B018 - ValueError for "http://[::1" or a port out of range
    except ValueError:
        return None
    return url or None


def parse_timestamp(value: object) -> str | None:
    """Read an ISO-8601 date or datetime (or Unix seconds) as ISO UTC; None if unreadable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC).isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="seconds")


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return value.strip() if isinstance(value, str) else ""


def _categories(record: dict[str, Any]) -> tuple[str, ...]:
    """`category` and `categories`, each a name or a list of names (other values are left out;
    ingest's cleaning bounds them)."""
    found: list[str] = []
    for key in ("category", "categories"):
        value = record.get(key)
        items = value if isinstance(value, list) else [value]
        found.extend(item.strip() for item in items if isinstance(item, str) and item.strip())
    return tuple(found)


def draft_from_record(record: object, origin: str) -> ArticleDraft:
    """Turn one JSON object into a draft; unknown fields are kept as metadata."""
    if not isinstance(record, dict):
        raise ArticleFormatError(f"expected a JSON object, got {type(record).__name__}")
    if _too_deep(record):
        raise ArticleFormatError(TOO_DEEP)
    record = _scrub(record)
    assert isinstance(record, dict)
    title = " ".join(_text(record, "title").split())
    if not title:
        raise ArticleFormatError("missing title")
    body = _text(record, "body") or _text(record, "text")
    if not body:
        raise ArticleFormatError("missing body (no 'body' or 'text' field)")
    paragraphs = [" ".join(p.split()) for p in body.replace("\r\n", "\n").split("\n\n")]
    raw_url = _text(record, "url")
    url = _readable_url(raw_url)
    metadata = {k: v for k, v in record.items() if k not in KNOWN_FIELDS}
    if raw_url and url is None:
        metadata["url_raw"] = raw_url  # kept for the record, never linked or fetched
    published = parse_timestamp(record.get("published_at"))
    if record.get("published_at") and published is None:
        metadata["published_at_raw"] = record.get("published_at")
    return ArticleDraft(
        title=title,
        body="\n\n".join(p for p in paragraphs if p),
        caption=_text(record, "caption"),
        origin=canonical_url(url) if url else origin,
        url=url,
        source=_text(record, "source"),
        author=_text(record, "author"),
        published_at=published,
        metadata=metadata,
        categories=_categories(record),
    )


def parse_json(text: str, origin: str) -> Iterator[tuple[str, ArticleDraft | str]]:
    """Yield (where, draft or reason) for a JSON file holding one object or a list of them."""
    try:
        data = _loads(text)
    except json.JSONDecodeError as exc:
        yield origin, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        return
    except ArticleFormatError as exc:
        yield origin, str(exc)
        return
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records):
        where = f"{origin}#{index}" if isinstance(data, list) else origin
        try:
            yield where, draft_from_record(record, where)
        except ArticleFormatError as exc:
            yield where, str(exc)


def parse_jsonl(text: str, origin: str) -> Iterator[tuple[str, ArticleDraft | str]]:
    """Yield (where, draft or reason) for each non-empty line of a JSON Lines text."""
    for number, line in enumerate(text.splitlines(), start=1):
        yield from parse_jsonl_line(line, number, origin)


def parse_jsonl_line(
    line: str, number: int, origin: str
) -> Iterator[tuple[str, ArticleDraft | str]]:
    """Yield (where, draft or reason) for line `number` of a JSON Lines file (nothing if blank)."""
    if not line.strip():
        return
    where = f"{origin}:{number}"
    try:
        record = _loads(line)
    except json.JSONDecodeError as exc:
        yield where, f"invalid JSON on line {number}: {exc.msg}"
        return
    except ArticleFormatError as exc:
        yield where, f"line {number}: {exc}"
        return
    try:
        yield where, draft_from_record(record, where)
    except ArticleFormatError as exc:
        yield where, f"line {number}: {exc}"
