"""A search `Query` (bot/models/query.py) compiled to PostgreSQL `to_tsquery` text, once.

    "shin bet" truce OR ceasefire -egypt
        ->  (('shin' <-> 'bet') & ('truce' | 'ceasefire') & !'egypt')
    halev*  ->  'halev':*
    title:storm  ->  'storm':A    (the headline's words carry weight A in `search`)

Every word becomes a quoted tsquery literal (quotes and backslashes escaped), and the result
is bound as a parameter of `to_tsquery('newsdesk', $1)`, never put into SQL text. `author:`
and `category:` terms are each compiled alone (`label_tsquery_text`), for the byline's and
the categories' own vectors.
"""

from __future__ import annotations

from bot.models.query import Query, Term


def _literal(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_term(term: Term, *, weighted: bool = True) -> str:
    """One term: a word, a prefix (`:*`), or a phrase of words followed by each other (<->);
    a `title:` term's words must carry the headline's weight A (unless not `weighted`: for a
    vector of the headline alone)."""
    weight = "A" if weighted and term.field == "title" else ""
    parts = [_literal(word) + (f":{weight}" if weight else "") for word in term.words]
    if term.prefix:
        parts[-1] = _literal(term.words[-1]) + ":*" + weight
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def _joined(operator: str, parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + f" {operator} ".join(parts) + ")"


def to_tsquery_text(query: Query, *, headline: bool = False) -> str:
    """The tsquery text for a query's full-text terms (its label terms and filters are SQL
    conditions instead); with `headline`, for the headline's own vector. A query without
    wanted full-text terms gives its exclusions alone (`!'a' & !'b'`), or ''."""
    weighted = not headline
    groups = [
        _joined("|", [tsquery_term(term, weighted=weighted) for term in group])
        for group in query.text_groups
    ]
    excluded = ["!" + tsquery_term(term, weighted=weighted) for term in query.text_excluded]
    parts = groups + excluded
    return _joined("&", parts) if parts else ""


def highlight_tsquery_text(query: Query) -> str:
    """Every wanted full-text term ORed: what a snippet marks. (The search itself may need all
    of them, but the body alone may hold only some: the headline still marks those, as FTS5's
    snippet does.) A snippet is made from text without weights, so none is asked for."""
    return " | ".join(tsquery_term(term, weighted=False) for term in query.terms)


def title_tsquery_text(query: Query) -> str:
    """What every match's headline must hold: the groups made only of `title:` terms, for the
    headline's own vector (its index finds them without reading any article's whole vector);
    '' when there are none."""
    groups = [
        _joined("|", [tsquery_term(term, weighted=False) for term in group])
        for group in query.text_groups
        if all(term.field == "title" for term in group)
    ]
    return _joined("&", groups) if groups else ""


def label_tsquery_text(term: Term) -> str:
    """The tsquery text of an `author:` or `category:` term, for the byline's or a category's
    own vector."""
    return tsquery_term(term, weighted=False)


def required_phrase_texts(query: Query) -> list[str]:
    """The phrases of two or more plain words that every match must contain, as text: their
    adjacent-word pairs narrow a search through the `pairs` index (migration 009). Words with
    anything but letters and digits are left out, so the phrase splits into the same words
    here as in the article."""
    return [
        " ".join(term.words)
        for term in query.required
        if term.is_phrase and not term.prefix and all(word.isalnum() for word in term.words)
    ]
