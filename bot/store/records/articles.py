"""Article records as the store keeps them: what storing a draft did, the article columns,
and the decoder and values both backends use."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from bot import work
from bot.models import Article, ArticleDraft, SearchHit
from bot.store.records import Row

# What an article row holds, in order (every statement that reads whole articles).
ARTICLE_COLUMNS = (
    "id, origin, url, content_hash, title, caption, body, source, desk, dateline, author, "
    "published_at, ingested_at, updated_at, metadata, categories"
)
# The same columns with only part of the body (`substr(body, start + 1, length)`: both
# backends count characters from 1) and the body's whole length in characters as `body_chars`.
ARTICLE_PART_COLUMNS = ARTICLE_COLUMNS.replace(
    " body,", " substr(body, {start}, {length}) AS body, length(body) AS body_chars,"
)
# A hit of a search without full-text terms has no matched words to show around: its snippet
# is the article's lead, this many words.
LEAD_WORDS = 24
# The same columns read through the `a` alias (feed items and announcements join articles).
ARTICLE_COLUMNS_A = ", ".join(f"a.{c.strip()}" for c in ARTICLE_COLUMNS.split(","))


class Outcome(Enum):
    """What storing one draft did."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Stored:
    """The result of storing one draft: the outcome and the article id it maps to."""

    outcome: Outcome
    article_id: int


def article_from_row(row: Row) -> Article:
    """An article from a row of ARTICLE_COLUMNS."""
    return Article(
        id=row["id"],
        origin=row["origin"],
        url=row["url"],
        title=row["title"],
        caption=row["caption"],
        body=row["body"],
        source=row["source"],
        desk=row["desk"],
        dateline=row["dateline"],
        author=row["author"],
        published_at=row["published_at"],
        ingested_at=row["ingested_at"],
        updated_at=row["updated_at"],
        metadata=json.loads(row["metadata"]),
        categories=tuple(json.loads(row["categories"])),
    )


async def articles_from_rows(rows: Iterable[Row]) -> list[Article]:
    """Articles from rows of ARTICLE_COLUMNS, made on a worker thread: a digest's window is up
    to 500 articles, about 8 ms of decoding on the event loop at each /catchup, and readers'
    answers waited behind it (the soak's slowest trips met a /catchup most often)."""
    found = list(rows)
    return await work.to_thread(lambda: [article_from_row(row) for row in found])


def stats_from_row(row: Row, size: int) -> dict[str, object]:
    """Corpus figures from a row of n, sources, first and last, and the database's bytes."""
    return {
        "articles": row["n"],
        "sources": row["sources"],
        "first": row["first"],
        "last": row["last"],
        "bytes": size,
    }


def article_values(draft: ArticleDraft, now: str, digest: str | None = None) -> tuple[object, ...]:
    """What `store_article` writes, in the order of both backends' UPDATE and INSERT: url,
    content_hash (`digest` when already computed), title, caption, body, source, desk,
    dateline, author, published_at, updated_at (`now`), metadata (JSON), categories (JSON)."""
    return (
        draft.url,
        digest or draft.content_hash,
        draft.title,
        draft.caption,
        draft.body,
        draft.source,
        draft.desk,
        draft.dateline,
        draft.author,
        draft.published_at,
        now,
        json.dumps(draft.metadata, ensure_ascii=False, sort_keys=True),
        json.dumps(list(draft.categories), ensure_ascii=False),
    )


def lead_snippet(body: str) -> str:
    """The first LEAD_WORDS words of a body, marked with "…" when there is more: the snippet
    of a search hit found by its labels alone."""
    words = body.split(maxsplit=LEAD_WORDS)
    return " ".join(words[:LEAD_WORDS]) + ("…" if len(words) > LEAD_WORDS else "")


def hit_from_row(row: Row, snippet: str, score: float) -> SearchHit:
    """A search hit from a row with id, title, source, url and `at` (the article's date)."""
    return SearchHit(
        id=row["id"],
        title=row["title"],
        source=row["source"],
        url=row["url"],
        when=row["at"],
        snippet=snippet,
        score=score,
    )
