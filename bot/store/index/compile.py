"""A parsed search (bot/models/query.py `Query`) as a tantivy query, built from its parts and
never from the text the reader typed.

Groups are MUST, their alternatives SHOULD; a word or phrase is matched in the title, caption
and body, each field's BM25 boosted by its weight (a `title:` term in the title alone); a
phrase is a phrase query per field, so it never runs from one field into the next; `prefix*`
is a phrase-prefix query. `author:` and `category:` terms, source, dates and article ids are
filters wrapped in a constant score of 0, so they never change the ranking; excluded terms are
MUST_NOT. A search without full-text terms matches every article its filters allow (every
article has a publication time; the watermark document has none, so it never matches).
"""

from __future__ import annotations

import re

import tantivy
from tantivy import Occur
from tantivy import Query as Tq

from bot.models.query import Query, Term
from bot.store.index.schema import FIELD_WEIGHTS, news_analyzer, seconds
from bot.store.ranking import day_number

_EVER = 2**62


class Compiler:
    """Compiles queries against one index schema."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema
        self.analyzer = news_analyzer()

    def tokens(self, term: Term) -> list[str]:
        """A term's words as the index folds them."""
        return [token for word in term.words for token in self.analyzer.analyze(word)]

    def _field_query(self, term: Term, field: str) -> Tq | None:
        tokens = self.tokens(term)
        if not tokens:
            return None
        if term.prefix and len(tokens) == 1:
            # Every indexed word starting with it, scored as a constant (as tantivy's own
            # parser does). Tokens are letters and digits only: nothing to escape.
            return Tq.regex_query(self.schema, field, re.escape(tokens[0]) + ".*")
        if term.prefix:
            # A phrase whose last word is a prefix (tantivy expands it to 50 words at most).
            return Tq.phrase_prefix_query(self.schema, field, list[str | tuple[int, str]](tokens))
        if len(tokens) == 1:
            return Tq.term_query(self.schema, field, tokens[0])
        return Tq.phrase_query(self.schema, field, list[str | tuple[int, str]](tokens))

    def term_query(self, term: Term) -> Tq | None:
        """A term where its field says: a label's own field (no score), the title alone, or
        any of title, caption and body with each field's boost."""
        if term.is_label:
            found = self._field_query(term, str(term.field))
            return None if found is None else Tq.const_score_query(found, 0.0)
        fields = {"title": FIELD_WEIGHTS["title"]} if term.field == "title" else FIELD_WEIGHTS
        parts = []
        for field, weight in fields.items():
            query = self._field_query(term, field)
            if query is not None:
                parts.append((Occur.Should, Tq.boost_query(query, weight)))
        return Tq.boolean_query(parts) if parts else None

    def filters(self, query: Query) -> list[tuple[Occur, Tq]]:
        """Source, date and article filters: clauses that must match and add no score."""
        wanted = query.filters
        clauses = []
        if wanted.sources:
            sources = [
                (Occur.Should, Tq.term_query(self.schema, "source", s.lower()))
                for s in wanted.sources
            ]
            clauses.append(Tq.boolean_query(sources))
        clauses.append(
            Tq.range_query(
                self.schema,
                "published",
                tantivy.FieldType.Integer,
                seconds(wanted.after) if wanted.after else -_EVER,
                seconds(wanted.before) if wanted.before else _EVER,
                include_lower=True,
                include_upper=False,
            )
        )
        if wanted.article_ids is not None:
            clauses.append(Tq.term_set_query(self.schema, "id", list(wanted.article_ids)))
        return [(Occur.Must, Tq.const_score_query(c, 0.0)) for c in clauses]

    def compile(self, query: Query) -> Tq:
        """The tantivy query for a parsed query (entity names resolved, else ValueError)."""
        query.filters.checked_resolved()
        clauses: list[tuple[Occur, Tq]] = []
        for group in query.groups:
            options = [q for q in map(self.term_query, group) if q is not None]
            if not options:
                return Tq.empty_query()  # a group nothing can match (no indexable word)
            clauses.append((Occur.Must, Tq.boolean_query([(Occur.Should, q) for q in options])))
        for term in query.excluded:
            excluded = self.term_query(term)
            if excluded is not None:
                clauses.append((Occur.MustNot, excluded))
        return Tq.boolean_query(clauses + self.filters(query))


def filter_days(query: Query) -> tuple[int, int] | None:
    """The publication days a query's date filters allow (first, last), or None."""
    after, before = query.filters.after, query.filters.before
    if not (after or before):
        return None
    first = day_number(after)[0] if after else -(2**40)
    last = 2**40
    if before:
        day, midnight = day_number(before)
        last = day - 1 if midnight else day
    return first, last
