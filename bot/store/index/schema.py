"""The search index's fields and words: what tantivy keeps of each article beside the database.

No text is stored (the page's rows come from the database): title, caption and body are
searched (BM25 boosted 10/2/1, each field its own length norm, so a phrase never runs from the
headline into the body), byline and categories match `author:` and `category:` terms, the
source (one case-folded token) and the publication time filter, and the id and time are fast
fields for ranking. Words are folded like the SQLite index's unicode61 with remove_diacritics:
split on anything not a letter or digit, lower case, accents removed (ASCII folding). Each
searched field has a gram field beside it (`body_grams`: adjacent pairs with a common word as
one term, document ids only) that lets a phrase of common words skip to its candidates
(grams.py).

One extra document, the *watermark* (id WATERMARK_ID, no text, no publication time), records
the highest `search_seq` of the database the index holds and the schema version it was built
with; it moves in the same tantivy commit as the documents it covers (keeping.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

import tantivy

from bot.store.index.grams import GRAM_FIELDS, GRAMS, gram_analyzer, gram_text

# Bump when the fields, the tokenizer or the common words change: an index of another version
# is rebuilt. 2: the gram fields (grams.py).
SCHEMA_VERSION = 2
# (field, BM25 boost): a word in the headline counts ten times one in the body.
FIELD_WEIGHTS: dict[str, float] = {"title": 10.0, "caption": 2.0, "body": 1.0}
LABEL_FIELDS = ("author", "category")
NEWS = "news"
SOURCE = "source_key"
WATERMARK_ID = -1
DAY = 86_400


def news_analyzer() -> tantivy.TextAnalyzer:
    """Words as the SQLite index's unicode61 tokenizer with remove_diacritics sees them."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def source_analyzer() -> tantivy.TextAnalyzer:
    """A source name as one token, case folded (sources are compared case-insensitively)."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def news_schema() -> tantivy.Schema:
    """The index's fields (see the module docstring)."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    for name in (*FIELD_WEIGHTS, *LABEL_FIELDS):
        builder.add_text_field(name, tokenizer_name=NEWS)
    for name in GRAM_FIELDS.values():
        # Document ids only: a gram only narrows a phrase's candidates, it is never scored.
        builder.add_text_field(name, tokenizer_name=GRAMS, index_option="basic")
    builder.add_text_field("source", tokenizer_name=SOURCE)
    builder.add_integer_field("published", indexed=True, fast=True)
    # The publication day as a term: the ranking reads windows of days through it.
    builder.add_integer_field("day", indexed=True)
    # The watermark document's: the highest search_seq held, and the schema version.
    builder.add_integer_field("seq", stored=True)
    builder.add_integer_field("version", stored=True)
    return builder.build()


def register_tokenizers(index: tantivy.Index) -> None:
    """Make the analyzers known to an index (tantivy does not save them with it)."""
    index.register_tokenizer(NEWS, news_analyzer())
    index.register_tokenizer(SOURCE, source_analyzer())
    index.register_tokenizer(GRAMS, gram_analyzer())


def match_count(result: tantivy.SearchResult) -> int:
    """The number of matches a search counted (`count=True`).

    tantivy's bundled stub leaves `SearchResult.count` out, though the binding has it."""
    count: int | None = getattr(result, "count", None)
    return count or 0


def int_values(
    searcher: tantivy.Searcher, field: str, addresses: list[tantivy.DocAddress]
) -> list[int]:
    """An integer fast field's values for documents (every article document has them all)."""
    return [int(value or 0) for value in searcher.fast_field_values(field, addresses)]


def seconds(iso: str) -> int:
    """Seconds since the epoch of an ISO date or datetime (UTC when it names no zone)."""
    when = datetime.fromisoformat(iso.strip().replace("Z", "+00:00"))
    return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp())


def _categories(value: object) -> list[str]:
    """An article's categories, whether the backend gives the JSON text or the list."""
    names = json.loads(value) if isinstance(value, str) else value
    return [str(name) for name in names] if isinstance(names, list | tuple) else []


def document(
    row: Mapping[str, object], schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer
) -> tantivy.Document:
    """One article row (id, title, caption, body, source, author, categories and `at`, its
    publication time or else its ingest time) as an index document, with each searched
    field's grams (grams.py) cut from the words `analyzer` (a news_analyzer) finds in it."""
    published = seconds(str(row["at"]))
    texts = {name: str(row[name] or "") for name in FIELD_WEIGHTS}
    fields: dict[str, object] = {
        "id": int(row["id"]),  # type: ignore[call-overload]
        **texts,
        **{GRAM_FIELDS[name]: gram_text(analyzer, text) for name, text in texts.items()},
        "source": row["source"] or "",
        "author": row["author"] or "",
        "category": _categories(row["categories"]),
        "published": published,
        "day": published // DAY,
    }
    return tantivy.Document.from_dict(fields, schema)


def watermark_document(seq: int, schema: tantivy.Schema) -> tantivy.Document:
    """The document saying the index holds every change up to `seq`."""
    fields = {"id": WATERMARK_ID, "seq": seq, "version": SCHEMA_VERSION}
    return tantivy.Document.from_dict(fields, schema)
