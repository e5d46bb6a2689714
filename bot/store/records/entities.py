"""NLP results as the store keeps them: stored analyses and mentions, entity keys, and the
row and JSON helpers shared by the SQLite and PostgreSQL entity stores."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot import work
from bot.models import Article
from bot.models.analysis import Analysis
from bot.models.entity import NAME_LABELS, KnownEntity
from bot.models.text import normalise_name
from bot.store.records import Row
from bot.store.records.articles import article_from_row

ENTITY_COLUMNS = "e.id, e.name, e.label, e.mention_count, e.article_count"
# A stored analysis read through the `an` alias, with its article's mentions through `m`.
ANALYSIS_COLUMNS_AN = (
    "an.article_id, an.content_hash, an.nlp_version, an.sentences, an.ranking,"
    " an.summarisable, an.terms"
)
MENTION_COLUMNS_M = (
    f"m.article_id, {ENTITY_COLUMNS}, m.section, m.char_start, m.char_end, m.sentence"
)
# Proper names only: dates and amounts are stored as facts but are not things to look up.
NAMED = f"e.label IN ({', '.join(repr(label) for label in sorted(NAME_LABELS))})"
# An entity profile lists this many aliases, and finds who is named with it in the entity's
# latest this many articles.
PROFILE_ALIASES = 8
CO_MENTION_WINDOW = 1000
# The last code point: `key < prefix || TOP` bounds a prefix range scan on an index.
TOP = "\U0010ffff"


@dataclass(frozen=True)
class StoredAnalysis:
    """An article's stored analysis as saved: offsets, ranking and terms, plus what it was of."""

    article_id: int
    content_hash: str
    nlp_version: str
    sentences: list[tuple[int, int]]
    ranking: list[int]
    summarisable: list[bool]
    terms: list[tuple[str, ...]]

    @classmethod
    def from_row(cls, row: Row, *, sentences: int | None = None) -> StoredAnalysis:
        """Decode an article_analysis row (either backend: the JSON columns are the same);
        with `sentences`, only the first sentences' spans, terms and flags, and the ranking
        of those (decoding a 1,000,000-character report's whole analysis took ~100 ms of a
        /catchup's CPU, on the event loop, to use its first 300 sentences)."""
        if sentences is None:
            spans, flags, terms = (
                json.loads(row[c]) for c in ("sentences", "summarisable", "terms")
            )
            ranking = json.loads(row["ranking"])
        else:
            spans, flags, terms = (
                first_items(row[c], sentences) for c in ("sentences", "summarisable", "terms")
            )
            ranking = [i for i in json.loads(row["ranking"]) if i < len(spans)]
        return cls(
            article_id=row["article_id"],
            content_hash=row["content_hash"],
            nlp_version=row["nlp_version"],
            sentences=[(s, e) for s, e in spans],
            ranking=ranking,
            summarisable=flags,
            terms=[tuple(t) for t in terms],
        )


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def first_items(array: str, count: int) -> list[Any]:
    """The first `count` items of a JSON array, decoding nothing past them."""
    items: list[Any] = []
    at = _SPACE.match(array, array.index("[") + 1).end()  # type: ignore[union-attr]
    while len(items) < count and array[at] != "]":
        item, at = _DECODER.raw_decode(array, at)
        items.append(item)
        at = _SPACE.match(array, at).end()  # type: ignore[union-attr]
        if array[at] == ",":
            at = _SPACE.match(array, at + 1).end()  # type: ignore[union-attr]
    return items


@dataclass(frozen=True)
class StoredMention:
    """A stored mention: where it is and which canonical entity it names."""

    entity: KnownEntity
    section: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True)
class AnalysedText:
    """An article's current stored analysis (of its text as stored, by this NLP code) with what
    it was of: the article, its body only as far as the analysis's last sentence read, and
    the mentions in the sentences read (and in the title and caption)."""

    article: Article
    analysis: StoredAnalysis
    mentions: list[StoredMention]


def read_to(analysis: StoredAnalysis) -> int:
    """Characters of the body that the analysis's sentences (as read) lie within."""
    return analysis.sentences[-1][1] if analysis.sentences else 0


def mention_from_row(row: Row) -> StoredMention:
    """A mention from a row of ENTITY_COLUMNS, section, char_start, char_end, sentence."""
    return StoredMention(
        entity_from_row(row), row["section"], row["char_start"], row["char_end"], row["sentence"]
    )


async def decoded_analyses(rows: Iterable[Row], sentences: int) -> dict[int, StoredAnalysis]:
    """Analysis rows decoded (`StoredAnalysis.from_row`) by article id, on a worker thread: a
    /catchup's hundred analyses took about 20 ms of JSON on the event loop, where readers'
    answers waited behind it (found by the soak)."""
    found = list(rows)
    return await work.to_thread(
        lambda: {r["article_id"]: StoredAnalysis.from_row(r, sentences=sentences) for r in found}
    )


async def joined_texts(
    analyses: Mapping[int, StoredAnalysis], article_rows: Iterable[Row], mention_rows: Iterable[Row]
) -> dict[int, AnalysedText]:
    """`analysed_texts` of the article and mention rows, built on a worker thread (as
    `decoded_analyses`)."""
    articles, mentions = list(article_rows), list(mention_rows)
    return await work.to_thread(
        lambda: analysed_texts(analyses, map(article_from_row, articles), mentions)
    )


def analysed_texts(
    analyses: Mapping[int, StoredAnalysis],
    articles: Iterable[Article],
    mention_rows: Iterable[Row],
) -> dict[int, AnalysedText]:
    """Join what the batched reads found (either backend), by article id; mention rows carry
    `article_id` and come in section then text order."""
    mentions: dict[int, list[StoredMention]] = {}
    for row in mention_rows:
        mentions.setdefault(row["article_id"], []).append(mention_from_row(row))
    return {
        a.id: AnalysedText(a, analyses[a.id], mentions.get(a.id, []))
        for a in articles
        if a.id in analyses
    }


def entity_key(name: str, label: str) -> str:
    """The normalised name an entity is filed under (case, diacritics, possessives folded)."""
    if label in NAME_LABELS:
        return normalise_name(name)
    return " ".join(name.casefold().split())  # "$5 million", "Monday": facts keep their text


def entity_from_row(row: Row) -> KnownEntity:
    """An entity from a row of ENTITY_COLUMNS."""
    return KnownEntity(
        id=row["id"],
        name=row["name"],
        label=row["label"],
        mention_count=row["mention_count"],
        article_count=row["article_count"],
    )


def analysis_json(analysis: Analysis) -> tuple[str, str, str, str]:
    """An analysis's sentences, ranking, summarisable flags and terms as stored (JSON)."""
    return (
        json.dumps([[s.start, s.end] for s in analysis.sentences]),
        json.dumps(analysis.ranking),
        json.dumps(analysis.summarisable),
        json.dumps(analysis.terms, ensure_ascii=False),
    )


@dataclass(frozen=True)
class AnalysisRows:
    """The rows one analysis writes: mentions, per-entity counts and per-article aliases
    (counts and aliases in key order, so concurrent writers lock rows in one order)."""

    mentions: list[tuple[int, int, str, int, int, int]]
    entities: list[tuple[int, int, int, str]]
    aliases: list[tuple[int, int, str, str]]


def analysis_rows(
    article_id: int,
    analysis: Analysis,
    ids: Mapping[tuple[str, str], int],
    keys: Mapping[int, str],
    seen_at: str,
) -> AnalysisRows:
    """Mention, article-entity and alias rows for an analysis whose (name, label) pairs map
    to entity `ids` filed under `keys`; a form other than the entity's own key is an alias."""
    counts: Counter[int] = Counter()
    mention_rows = []
    aliases: dict[tuple[str, int], str] = {}
    for m in analysis.mentions:
        eid = ids[m.canonical, m.label]
        counts[eid] += 1
        mention_rows.append((article_id, eid, m.section, m.start, m.end, m.sentence))
        form_key = entity_key(m.text, m.label)
        if form_key and form_key != keys[eid]:
            aliases.setdefault((form_key, eid), m.text)
    return AnalysisRows(
        mention_rows,
        [(article_id, eid, n, seen_at) for eid, n in sorted(counts.items())],
        [(article_id, eid, key, alias) for (key, eid), alias in sorted(aliases.items())],
    )


def mention_places(rows: Iterable[Row]) -> dict[int, list[tuple[str, int]]]:
    """(article_id, section, sentence) rows grouped by article, in the order read."""
    places: dict[int, list[tuple[str, int]]] = {}
    for row in rows:
        places.setdefault(row["article_id"], []).append((row["section"], row["sentence"]))
    return places


def rank_choices(found: Iterable[KnownEntity], typed_key: str, limit: int) -> list[KnownEntity]:
    """Type-ahead order: the exact name first, then the most mentioned, then by name."""
    ranked = sorted(
        found, key=lambda e: (normalise_name(e.name) != typed_key, -e.mention_count, e.name)
    )
    return ranked[:limit]
