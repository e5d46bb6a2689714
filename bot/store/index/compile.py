"""A parsed search (bot/models/query.py `Query`) as a tantivy query, built from its parts and
never from the text the reader typed.

Groups are MUST, their alternatives SHOULD; a word or phrase is matched in the title, caption
and body, each field's BM25 boosted by its weight (a `title:` term in the title alone); a
phrase is a phrase query per field, so it never runs from one field into the next; `prefix*` is
a phrase-prefix query; a phrase with common words is ANDed with their grams at no score, so
tantivy checks positions only where the pairs stand (grams.py). `author:` and `category:`
terms, source, dates and article ids are filters wrapped in a constant score of 0, so they
never change the ranking; excluded terms are MUST_NOT. A search without full-text or label
terms matches every article its filters allow (every article has a publication time; the
watermark document has none, nor any text or label, so it never matches). Whole-day date
filters may read the day terms instead of the time (`days_pay`), and the ranking's windows of
days are kept at each field (`_within`): same matches, same scores, less read (docs/search.md,
"Cheaper queries for the same pages").
"""

from __future__ import annotations

import re

import tantivy
from tantivy import Occur
from tantivy import Query as Tq

from bot.models.query import Query, Term
from bot.store.index.grams import GRAM_FIELDS, phrase_grams
from bot.store.index.schema import FIELD_WEIGHTS, news_analyzer, seconds
from bot.store.ranking import day_number

_EVER = 2**62
# A span of publication days (first, last), days since 1970-01-01.
Days = tuple[int, int]


class Compiler:
    """Compiles queries against one index schema; with `grams` (an index with gram fields,
    grams.py) each phrase is ANDed with its common grams at no score."""

    def __init__(self, schema: tantivy.Schema, *, grams: bool = False) -> None:
        self.schema = schema
        self.analyzer = news_analyzer()
        self.grams = grams

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
        phrase = Tq.phrase_query(self.schema, field, list[str | tuple[int, str]](tokens))
        return self._with_grams(phrase, tokens, field)

    def _with_grams(self, phrase: Tq, tokens: list[str], field: str) -> Tq:
        """A phrase ANDed with the grams of its common pairs in the field's gram field, each
        scored 0: the same articles (a field holding the phrase holds its pairs' grams; for
        two words the grams' articles are exactly the phrase's), the same scores (the
        phrase's plus zeros), while tantivy's intersection, led by its shortest list, walks
        the gram's articles and checks positions there only (docs/search.md, "Common
        grams"). An index without gram fields (the bench's peer) gets the phrase alone."""
        gram_field = GRAM_FIELDS.get(field) if self.grams else None
        grams = phrase_grams(tokens) if gram_field else []
        if not grams:
            return phrase
        narrowing = [
            (Occur.Must, Tq.const_score_query(Tq.term_query(self.schema, str(gram_field), g), 0.0))
            for g in grams
        ]
        return Tq.boolean_query([(Occur.Must, phrase), *narrowing])

    def term_query(self, term: Term, days: Days | None = None) -> Tq | None:
        """A term where its field says: a label's own field (no score), the title alone, or
        any of title, caption and body with each field's boost; within `days` (first, last
        publication day) when given."""
        if term.is_label:
            found = self._field_query(term, str(term.field))
            return None if found is None else self._within(Tq.const_score_query(found, 0.0), days)
        fields = {"title": FIELD_WEIGHTS["title"]} if term.field == "title" else FIELD_WEIGHTS
        parts = []
        for field, weight in fields.items():
            query = self._field_query(term, field)
            if query is not None:
                parts.append((Occur.Should, self._within(Tq.boost_query(query, weight), days)))
        return Tq.boolean_query(parts) if parts else None

    def _within(self, query: Tq, days: Days | None) -> Tq:
        """A field's query kept to a span of days, its score unchanged (the days add 0).

        The span sits at each field's query, not around the whole search: tantivy's union of
        the fields reads ahead thousands of documents at each step, so a span around it costs
        about as much as the whole search when an archive's days are not in document order,
        while a span at each field leads every one with the span's few postings."""
        return query if days is None else kept_to_days(self.schema, query, *days)

    def filters(
        self, query: Query, archive: Days | None = None, *, dated: bool = True
    ) -> list[tuple[Occur, Tq]]:
        """Source, date and article filters: clauses that add no score. With `archive` (the
        index's first and last publication day) whole-day date filters read the day terms
        (`_days_between`); without `dated` the dates are left to the caller."""
        wanted = query.filters
        clauses: list[tuple[Occur, Tq]] = []
        if wanted.sources:
            sources = [
                (Occur.Should, Tq.term_query(self.schema, "source", s.lower()))
                for s in wanted.sources
            ]
            clauses.append((Occur.Must, Tq.boolean_query(sources)))
        whole = whole_days(query)
        if dated and archive is not None and whole is not None and query.groups:
            clauses += self._days_between(whole, archive)
        elif dated and (wanted.after or wanted.before or not query.groups):
            # Without dates a range would cost a look at every document's time (about 2 ms at
            # 100k): text or labels already leave the watermark out, having none of either.
            clauses.append(
                (
                    Occur.Must,
                    Tq.range_query(
                        self.schema,
                        "published",
                        tantivy.FieldType.Integer,
                        seconds(wanted.after) if wanted.after else -_EVER,
                        seconds(wanted.before) if wanted.before else _EVER,
                        include_lower=True,
                        include_upper=False,
                    ),
                )
            )
        if wanted.article_ids is not None:
            ids = Tq.term_set_query(self.schema, "id", list(wanted.article_ids))
            clauses.append((Occur.Must, ids))
        return [(occur, Tq.const_score_query(c, 0.0)) for occur, c in clauses]

    def _days_between(self, days: Days, archive: Days) -> list[tuple[Occur, Tq]]:
        """Publication days [first, last] through the day terms, from the side holding fewer
        of the archive's days: the days wanted, or the days before and after them left out.
        A range on the publication time reads every document's time (as long as the whole
        search for a common word); the terms read only the postings of the days named."""
        first, last = days
        oldest, newest = archive
        inside = max(min(last, newest) - max(first, oldest) + 1, 0)
        if inside <= (newest - oldest + 1) - inside:
            return [(Occur.Must, self._day_range(first, last))]
        outside = []
        if first > oldest:
            outside.append((Occur.MustNot, self._day_range(None, first - 1)))
        if last < newest:
            outside.append((Occur.MustNot, self._day_range(last + 1, None)))
        return outside

    def days_pay(self, searcher: tantivy.Searcher, query: Query, archive: Days) -> bool:
        """Whether the day terms read a query's whole-day date filter more cheaply than the
        range on the time: they read the postings of every day on their side (about 7 ns a
        document at 100k), the range looks at each match's time (about 20 ns a match), so
        they pay when the text may match a third as many articles as those days hold. The
        matches are guessed from the words' document counts (for a group, the sum over its
        alternatives of each one's rarest word's count in its field; the rarest group's)."""
        days = whole_days(query)
        if days is None or not query.groups:
            return False
        first, last = days
        oldest, newest = archive
        span = newest - oldest + 1
        inside = max(min(last, newest) - max(first, oldest) + 1, 0)
        side = min(inside, span - inside) / span * searcher.num_docs
        return side <= 3 * min(self._matches_at_most(searcher, g) for g in query.groups)

    def _matches_at_most(self, searcher: tantivy.Searcher, group: tuple[Term, ...]) -> int:
        counts = []
        for term in group:
            tokens = self.tokens(term)
            if term.prefix or not tokens:
                return int(searcher.num_docs)  # a prefix's words are not counted here
            field = str(term.field) if term.field else "body"
            counts.append(min(searcher.doc_freq(field, token) for token in tokens))
        return sum(counts)

    def _day_range(self, first: int | None, last: int | None) -> Tq:
        return day_range(self.schema, first, last)

    def compile(self, query: Query, days: Days | None = None, archive: Days | None = None) -> Tq:
        """The tantivy query for a parsed query (entity names resolved, else ValueError).
        With `days`, its matches published on those days (first, last) only, each scored as
        without them; with `archive` (the index's first and last publication day), whole-day
        date filters read the day terms. The peer in bench/ gives neither: its index has no
        day terms, and tantivy's own range on the time is what its users would write."""
        query.filters.checked_resolved()
        whole = whole_days(query)
        if days is not None and whole is not None and query.groups:
            # The window and the date filter as one span of days, kept at each field.
            days = (max(days[0], whole[0]), min(days[1], whole[1]))
            if days[0] > days[1]:
                return Tq.empty_query()
        clauses: list[tuple[Occur, Tq]] = []
        for group in query.groups:
            options = [q for q in (self.term_query(t, days) for t in group) if q is not None]
            if not options:
                return Tq.empty_query()  # a group nothing can match (no indexable word)
            clauses.append((Occur.Must, _any_of(options)))
        for term in query.excluded:
            excluded = self.term_query(term, days)
            if excluded is not None:
                clauses.append((Occur.MustNot, excluded))
        if days is not None and not query.groups:
            clauses.append((Occur.Must, self._within(Tq.all_query(), days)))
        dated = not (days is not None and whole is not None and query.groups)
        clauses += self.filters(query, archive, dated=dated)
        if len(clauses) == 1 and clauses[0][0] == Occur.Must:
            return clauses[0][1]  # one word or phrase: no boolean around it
        return Tq.boolean_query(clauses)


def day_range(schema: tantivy.Schema, first: int | None, last: int | None) -> Tq:
    """Articles published on days [first, last] (None: open-ended), through the day terms."""
    return Tq.range_query(
        schema, "day", tantivy.FieldType.Integer, first, last, use_inverted_index=True
    )


def kept_to_days(schema: tantivy.Schema, query: Tq, first: int, last: int) -> Tq:
    """`query`'s matches published on days [first, last], each scored as without the days."""
    span = Tq.const_score_query(day_range(schema, first, last), 0.0)
    return Tq.boolean_query([(Occur.Must, query), (Occur.Must, span)])


def _any_of(options: list[Tq]) -> Tq:
    """Alternatives, or the one there is: tantivy scores a boolean of one clause as the clause,
    and walks it about a fifth faster without the boolean (for a common word)."""
    return (
        options[0] if len(options) == 1 else Tq.boolean_query([(Occur.Should, q) for q in options])
    )


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


def whole_days(query: Query) -> Days | None:
    """The publication days a query's date filters allow when each bound is a midnight (the
    day terms then say exactly what the times would), else None."""
    after, before = query.filters.after, query.filters.before
    if not (after or before):
        return None
    if (after and not day_number(after)[1]) or (before and not day_number(before)[1]):
        return None
    return filter_days(query)
