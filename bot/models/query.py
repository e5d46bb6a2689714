"""A parsed search, as it crosses from the query language (bot/search) into the store: words,
phrases, OR groups, exclusions, prefixes, field-scoped terms and typed filters. Each store
backend compiles it to its own dialect once (SQLite: an FTS5 expression; PostgreSQL: a
tsquery); nobody reads a compiled string back.

    Query(groups=((Term(("shin", "bet")),), (Term(("truce",)), Term(("ceasefire",)))),
          excluded=(Term(("egypt",)),), filters=SearchFilters(sources=("YWN",)))

is `"shin bet" truce OR ceasefire -egypt source:YWN`: every group must match (any one of its
alternatives), no excluded term may, and the filters narrow what is searched.

A term may be scoped to a field: `title:` terms are searched in the headline alone (they are
full-text terms and count for relevance like any other); `author:` and `category:` terms are
*label* terms, matched in the article's byline and in the categories its feed or record gave
it, word for word (an `author:"Jane Doe"` term matches the byline "Jane Doe and Ann Lee").
Label terms narrow a search without counting for relevance, and a group of alternatives is
either all full-text terms or all label terms: `storm OR author:Lee` is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

# Where a term is looked for: the headline alone, the byline, or the article's categories
# (a term without a field is looked for in the headline, caption and body).
Field = Literal["title", "author", "category"]
FIELDS: tuple[Field, ...] = get_args(Field)
# Fields matched outside the full-text index, on the article's labels.
LABEL_FIELDS: frozenset[Field] = frozenset({"author", "category"})


@dataclass(frozen=True)
class Term:
    """One searchable unit: a word or a phrase (its words, in order); with `prefix`, its last
    word matches every word starting with it; with `field`, only there."""

    words: tuple[str, ...]
    prefix: bool = False
    field: Field | None = None

    def __post_init__(self) -> None:
        if not self.words or not all(self.words):
            raise ValueError("a search term needs words")
        if self.field is not None and self.field not in FIELDS:
            raise ValueError(f"no such field: {self.field!r}")

    @property
    def is_phrase(self) -> bool:
        """True for two or more words that must appear together, in order."""
        return len(self.words) > 1

    @property
    def is_label(self) -> bool:
        """True for an `author:` or `category:` term (matched on labels, not in the text)."""
        return self.field in LABEL_FIELDS


@dataclass(frozen=True)
class Reach:
    """How much of the full-text index one term reads: `lists`, the index lists (one per word;
    a prefix, one per indexed word it expands to), and `postings`, the articles those lists
    hold, summed. A store counts both only up to the caps it is given, so a term past a cap
    reports just past it: enough to say "too broad" without reading the rest."""

    lists: int
    postings: int


@dataclass(frozen=True)
class SearchFilters:
    """What a search is limited to besides its words (all optional).

    `entities` are names as typed; the search layer resolves them to `article_ids` (through
    the NLP index) before the store sees the query, and the store refuses unresolved ones."""

    sources: tuple[str, ...] = ()  # any of these, case-insensitive
    after: str | None = None  # ISO date or datetime, inclusive
    before: str | None = None  # ISO date or datetime, exclusive
    entities: tuple[str, ...] = ()  # every one of these must be mentioned
    article_ids: tuple[int, ...] | None = None  # only these articles (an entity's, a batch's)

    def overridden_by(self, options: SearchFilters) -> SearchFilters:
        """These filters with a command's own options applied: its source and dates replace
        the typed ones, its entities and articles narrow further."""
        return SearchFilters(
            sources=options.sources or self.sources,
            after=options.after or self.after,
            before=options.before or self.before,
            entities=(*self.entities, *options.entities),
            article_ids=_both(self.article_ids, options.article_ids),
        )

    def checked_resolved(self) -> SearchFilters:
        """These filters, refused (ValueError) while an entity name is left: a store cannot
        resolve one (that takes the NLP index), and ignoring it would widen a search."""
        if self.entities:
            raise ValueError("resolve entity filters to article ids before searching the store")
        return self


def _both(first: tuple[int, ...] | None, second: Iterable[int] | None) -> tuple[int, ...] | None:
    if second is None:
        return first
    if first is None:
        return tuple(sorted(set(second)))
    return tuple(sorted(set(first) & set(second)))


@dataclass(frozen=True)
class Query:
    """A parsed search: groups of alternatives (all groups must match), exclusions, filters;
    `text` is what was typed and `notes` what the parser left out, for the reader."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()
    filters: SearchFilters = field(default_factory=SearchFilters)
    text: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.groups or not all(self.groups):
            raise ValueError("a search needs at least one term to look for")
        if any(len({term.is_label for term in group}) > 1 for group in self.groups):
            raise ValueError("a group of alternatives mixes full-text and label terms")

    @property
    def text_groups(self) -> tuple[tuple[Term, ...], ...]:
        """The groups of full-text terms (plain and `title:`): what relevance is scored on."""
        return tuple(group for group in self.groups if not group[0].is_label)

    @property
    def label_groups(self) -> tuple[tuple[Term, ...], ...]:
        """The groups of `author:` and `category:` terms: each narrows the matches."""
        return tuple(group for group in self.groups if group[0].is_label)

    @property
    def text_excluded(self) -> tuple[Term, ...]:
        """Excluded full-text terms."""
        return tuple(term for term in self.excluded if not term.is_label)

    @property
    def label_excluded(self) -> tuple[Term, ...]:
        """Excluded `author:` and `category:` terms."""
        return tuple(term for term in self.excluded if term.is_label)

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every wanted full-text term (each OR alternative), in order; a term typed twice is
        here twice (full-text scores count each occurrence). Label terms are not here."""
        return tuple(term for group in self.text_groups for term in group)

    @property
    def all_terms(self) -> tuple[Term, ...]:
        """Every wanted term, full-text and label, in order."""
        return tuple(term for group in self.groups for term in group)

    @property
    def required(self) -> tuple[Term, ...]:
        """The full-text terms every match contains: those without alternatives."""
        return tuple(group[0] for group in self.text_groups if len(group) == 1)

    @property
    def phrases(self) -> tuple[Term, ...]:
        """Wanted and excluded terms of two or more words (matching them needs positions)."""
        return tuple(term for term in (*self.all_terms, *self.excluded) if term.is_phrase)

    @property
    def prefixes(self) -> tuple[Term, ...]:
        """Wanted and excluded prefix terms: each stands for every indexed word it expands to."""
        return tuple(term for term in (*self.all_terms, *self.excluded) if term.prefix)

    @property
    def size(self) -> int:
        """Words in the query (every alternative, phrase word, exclusion and prefix once,
        field-scoped ones included): what the parser's word limit bounds."""
        return sum(len(term.words) for term in (*self.all_terms, *self.excluded))

    def cost(self, expansions: Mapping[Term, int] | None = None) -> int:
        """Index lists a search reads, roughly: one per word, except that a prefix term reads
        one per indexed word it expands to (`expansions`, counted by the store's vocabulary,
        e.g. `terms_starting`; taken as 1 when not given). A budget compares this, not size."""
        counts = expansions or {}
        return sum(
            len(term.words) - 1 + max(1, counts.get(term, 1)) if term.prefix else len(term.words)
            for term in (*self.all_terms, *self.excluded)
        )

    def highlight_words(self) -> list[str]:
        """The words a reader would expect to see marked in results (the full-text ones: a
        byline or a category is not in the text)."""
        return [word for term in self.terms for word in term.words]

    def narrowed(self, options: SearchFilters) -> Query:
        """This query with a command's own filter options applied (see `overridden_by`)."""
        return dataclasses.replace(self, filters=self.filters.overridden_by(options))

    def within(self, article_ids: Iterable[int]) -> Query:
        """This query limited to these articles as well (a batch, a window)."""
        ids = _both(self.filters.article_ids, article_ids)
        return dataclasses.replace(self, filters=dataclasses.replace(self.filters, article_ids=ids))

    def resolved(self, mentioning: Iterable[int]) -> Query:
        """This query with its entity names replaced by the articles that mention them all."""
        query = self.within(mentioning)
        return dataclasses.replace(query, filters=dataclasses.replace(query.filters, entities=()))
