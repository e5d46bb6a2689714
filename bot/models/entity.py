"""Entities in the news as readers meet them: types, known entities, their profiles and
article summaries (plain data: the NLP core finds them, the store fills them, renderers and the
CLI read them)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.errors import NewsdeskError
from bot.models import Article
from bot.models.analysis import Sentence

#: Words readers use for entity types, and the spaCy labels each one covers.
ENTITY_TYPES: dict[str, tuple[str, ...]] = {
    "person": ("PERSON",),
    "organisation": ("ORG",),
    "place": ("GPE", "LOC", "FAC"),
    "group": ("NORP",),
    "event": ("EVENT",),
    "other": ("PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"),
}
#: Labels of proper names: these must contain a capital letter and take part in aliasing.
NAME_LABELS = frozenset(
    ["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "PRODUCT", "WORK_OF_ART", "LAW"]
)
_TYPE_OF_LABEL = {label: name for name, labels in ENTITY_TYPES.items() for label in labels}
_TYPE_OF_LABEL.update({"MONEY": "amount", "DATE": "date"})
_QUALIFIER = re.compile(r"^(?P<name>.*\S)\s*\((?P<kind>[A-Za-z_ ]+)\)\s*$")


def type_name(label: str) -> str:
    """The reader's word for a spaCy label: "PERSON" -> "person", "GPE" -> "place"."""
    return _TYPE_OF_LABEL.get(label, label.lower())


def labels_for(kind: str) -> tuple[str, ...] | None:
    """Labels for a type word ("place") or a raw label ("GPE"); None when it is neither."""
    kind = kind.strip()
    if kind.lower() in ENTITY_TYPES:
        return ENTITY_TYPES[kind.lower()]
    if kind.upper() in _TYPE_OF_LABEL:
        return (kind.upper(),)
    return None


def split_qualifier(text: str) -> tuple[str, tuple[str, ...] | None]:
    """Read "Gaza (place)" as the name "Gaza" restricted to place labels; other text as is."""
    match = _QUALIFIER.match(text)
    if match:
        labels = labels_for(match["kind"])
        if labels is not None:
            return match["name"], labels
    return text, None


@dataclass(frozen=True, slots=True)
class KnownEntity:
    """A canonical entity of the whole corpus, with its running totals."""

    id: int
    name: str
    label: str
    mention_count: int
    article_count: int

    @property
    def kind(self) -> str:
        """The reader's word for its type ("person", "organisation", "place", ...)."""
        return type_name(self.label)

    @property
    def ref(self) -> str:
        """A reference that finds exactly this entity again (autocomplete values)."""
        return f"#{self.id}"


@dataclass(frozen=True, slots=True)
class EntityTally:
    """How often an entity appears in some set of articles (one article, or a period)."""

    entity: KnownEntity
    mentions: int
    articles: int


@dataclass(frozen=True, slots=True)
class EntitySentence:
    """A sentence that mentions an entity, with the article it comes from."""

    article_id: int
    title: str
    when: str
    url: str | None
    source: str
    text: str


class Columns(Protocol):
    """A row read by column name (either store backend's)."""

    def __getitem__(self, key: str, /) -> Any: ...


def mention_sentences(
    latest: Sequence[Columns],
    places: Mapping[int, Sequence[tuple[str, int]]],
    per_article: int,
) -> list[EntitySentence]:
    """The sentences naming an entity in its latest articles, for either store backend.

    `latest` rows (newest first) carry the article's id, title, url, source, seen_at, caption,
    body, its stored sentence offsets (`sentences`, JSON) and whether that analysis is of the
    current text (`current`); `places` lists each article's (section, sentence index)
    mentions in text order. At most `per_article` sentences an article, and a sentence wire
    copy repeats across outlets only once.
    """
    out: list[EntitySentence] = []
    seen_texts: set[str] = set()
    for row in latest:
        if not row["current"]:
            continue  # the text changed after it was analysed; offsets would be wrong
        spans = json.loads(row["sentences"])
        texts = []
        for section, index in places.get(row["id"], []):
            if section == "body" and 0 <= index < len(spans):
                start, end = spans[index]
                texts.append(row["body"][start:end])
            elif section == "caption" and row["caption"]:
                texts.append(row["caption"])
        picked = 0
        for text in dict.fromkeys(texts):  # in order, each sentence once
            folded = " ".join(text.casefold().split())
            if picked >= per_article or folded in seen_texts:
                continue
            seen_texts.add(folded)
            picked += 1
            out.append(
                EntitySentence(
                    article_id=row["id"],
                    title=row["title"],
                    when=row["seen_at"],
                    url=row["url"],
                    source=row["source"],
                    text=text,
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class CoMention:
    """Another entity named in the same articles, and in how many of them."""

    entity: KnownEntity
    shared_articles: int


@dataclass(frozen=True)
class EntityProfile:
    """Everything `/entity` shows: type, aliases, counts, dates, latest sentences, company."""

    entity: KnownEntity
    aliases: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None
    sentences: list[EntitySentence]
    co_mentioned: list[CoMention]
    # Co-mentions are counted over this many of the entity's latest articles at most.
    co_mention_window: int = 0


@dataclass(frozen=True)
class ArticleSummary:
    """An article's extractive summary (whole sentences, document order) and its entities."""

    article: Article
    sentences: list[Sentence]
    entities: list[EntityTally]


def qualified_names(candidates: list[KnownEntity]) -> list[str]:
    """Names that tell candidates apart: "Gaza (place)" beside "Gaza (group)", "Gaza (LOC)"
    beside "Gaza (GPE)", and plain names where the names already differ."""
    out = []
    for c in candidates:
        namesakes = [o for o in candidates if o.name.casefold() == c.name.casefold()]
        if len(namesakes) == 1:
            out.append(c.name)
        elif [o.kind for o in namesakes].count(c.kind) == 1:
            out.append(f"{c.name} ({c.kind})")
        else:
            out.append(f"{c.name} ({c.label})")
    return out


class AmbiguousEntity(NewsdeskError):
    """Several entities answer to one name; `candidates` are the likeliest, most mentioned first."""

    def __init__(self, name: str, candidates: list[KnownEntity]) -> None:
        self.name = name
        self.candidates = candidates
        names = qualified_names(candidates[:5])
        super().__init__(
            f"Several entities are called “{name}”: {', '.join(names)}. "
            f"Name one the same way, e.g. “{names[0]}”."
        )
