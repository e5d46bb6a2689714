"""What the NLP core finds in an article: sentences, mentions, entities, quotations and the
analysis the store keeps with it (plain data, no spaCy)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.models.quote import Quote


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article split the way ingest stores it.

    Offsets in the resulting `Analysis` point into `body`. `title` helps rank summary
    sentences and `caption` contributes entities, but neither is ever picked as a summary
    sentence; mentions found there carry `section="title"` / `"caption"` and `sentence=-1`.
    """

    body: str
    title: str = ""
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with character offsets into the analysed body text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a named entity, resolved to its canonical name within the article."""

    text: str
    label: str
    start: int
    end: int
    canonical: str
    sentence: int
    section: str = "body"


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity of one article: its type, the surface forms seen and how often."""

    canonical: str
    label: str
    aliases: tuple[str, ...]
    count: int
    first_sentence: int


@dataclass(frozen=True)
class Analysis:
    """Everything the NLP step produces for one article.

    `summary` is the default summary (sentence indices in document order); `ranking` lists
    every summarisable sentence best first (MMR order), so any length can be cut from it
    without running the model again (see `summary.select`).
    """

    sentences: list[Sentence]
    mentions: list[Mention]
    summary: list[int]
    ranking: list[int] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    # Content terms per sentence, kept so multi-article summaries need no model.
    terms: list[tuple[str, ...]] = field(default_factory=list, repr=False)
    summarisable: list[bool] = field(default_factory=list, repr=False)
    # Direct quotations in the body and their speakers (bot/nlp/quotes.py), in text order.
    quotes: list[Quote] = field(default_factory=list)
