"""Quotations as the store keeps them (`StoredQuote`), the rows both backends write, and the
column list and row decoder both backends read them with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.models.quote import Quote
from bot.store.records import Row

# What every quote read selects (either backend): the quote and its article's heading.
QUOTE_COLUMNS = (
    "q.article_id, q.char_start, q.char_end, q.quote, q.quote_key, q.speaker, q.speaker_label,"
    " q.entity_id, q.seen_at, a.title, a.url, a.source"
)
# The names one article's entities are filed under (`$1`/`?` twice: the article), read by
# `filed_names`.
FILED_NAMES = (
    "SELECT e.id, e.name_key, e.label, 1 AS own FROM article_entities ae"
    " JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id = {article}"
    " UNION ALL SELECT e.id, aa.alias_key, e.label, 0 FROM article_aliases aa"
    " JOIN entities e ON e.id = aa.entity_id WHERE aa.article_id = {article}"
)
# Quotes joined to their articles, kept only when the article's stored analysis is of its
# current text (either backend: `FROM quotes q{CURRENT_QUOTES}`).
CURRENT_QUOTES = (
    " JOIN articles a ON a.id = q.article_id"
    " JOIN article_analysis an ON an.article_id = q.article_id"
    " AND an.content_hash = a.content_hash"
)
# Attributed quotations no earlier article quoted their speaker saying in the same words.
NEW_QUOTE = (
    "q.entity_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM quotes p"
    " WHERE p.entity_id = q.entity_id AND p.quote_key = q.quote_key"
    " AND p.article_id < q.article_id)"
)


@dataclass(frozen=True)
class StoredQuote:
    """A stored quotation with its speaker's entity and its article's heading."""

    article_id: int
    start: int
    end: int
    quote: str
    key: str  # the words folded (bot.models.quote.quote_key)
    speaker: str | None  # as the article's analysis named them
    speaker_label: str | None
    entity_id: int | None  # the speaker's canonical entity, when one is known
    when: str  # the article's date (published, else ingested), ISO UTC
    title: str
    url: str | None
    source: str | None


def quote_from_row(row: Row) -> StoredQuote:
    """A quotation from a row of QUOTE_COLUMNS."""
    return StoredQuote(
        article_id=row["article_id"],
        start=row["char_start"],
        end=row["char_end"],
        quote=row["quote"],
        key=row["quote_key"],
        speaker=row["speaker"],
        speaker_label=row["speaker_label"],
        entity_id=row["entity_id"],
        when=row["seen_at"],
        title=row["title"],
        url=row["url"],
        source=row["source"],
    )


def filed_names(rows: Iterable[Row]) -> dict[tuple[str, str], int]:
    """(key, label) -> entity id from rows of FILED_NAMES: an article's entities under
    their own keys (own = 1) and under the other forms it names them by; an entity's own
    key wins over another's alias."""
    found: dict[tuple[str, str], int] = {}
    for row in sorted(rows, key=lambda r: -int(r["own"])):  # own keys first
        found.setdefault((row["name_key"], row["label"]), row["id"])
    return found


def quote_rows(
    article_id: int, quotes: Sequence[Quote], filed: Mapping[tuple[str, str], int], seen_at: str
) -> list[tuple[int, int, int, str, str, str | None, str | None, int | None, str]]:
    """The rows an article's quotations insert, in both backends' column order (article_id,
    char_start, char_end, quote, quote_key, speaker, speaker_label, entity_id, seen_at)."""
    rows = []
    seen: set[int] = set()
    for q in quotes:
        if q.start in seen:  # one quotation per start offset (the key)
            continue
        seen.add(q.start)
        key = q.speaker_entity_key  # the (name key, label) the store files the speaker under
        entity_id = filed.get(key) if key is not None else None
        rows.append(
            (
                article_id,
                q.start,
                q.end,
                q.quote,
                q.key,
                q.speaker,
                q.speaker_label,
                entity_id,
                seen_at,
            )
        )
    return rows
