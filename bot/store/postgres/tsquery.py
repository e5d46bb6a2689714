"""A search `Query` (bot/models/query.py) compiled to PostgreSQL `to_tsquery` text, once.

    "shin bet" truce OR ceasefire -egypt
        ->  (('shin' <-> 'bet') & ('truce' | 'ceasefire') & !'egypt')
    halev*  ->  'halev':*

Every word becomes a quoted tsquery literal (quotes and backslashes escaped), and the result
is bound as a parameter of `to_tsquery('newsdesk', $1)`, never put into SQL text.
"""

from __future__ import annotations

from bot.models.query import Query, Term


def _literal(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_term(term: Term) -> str:
    """One term: a word, a prefix (`:*`), or a phrase of words followed by each other (<->)."""
    parts = [_literal(word) for word in term.words]
    if term.prefix:
        parts[-1] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def _joined(operator: str, parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + f" {operator} ".join(parts) + ")"


def to_tsquery_text(query: Query) -> str:
    """The tsquery text for a query's terms (its filters are SQL conditions instead)."""
    groups = [_joined("|", [tsquery_term(term) for term in group]) for group in query.groups]
    return _joined("&", groups + ["!" + tsquery_term(term) for term in query.excluded])


def highlight_tsquery_text(query: Query) -> str:
    """Every wanted term ORed: what a snippet marks. (The search itself may need all of them,
    but the body alone may hold only some: the headline still marks those, as FTS5's
    snippet does.)"""
    return " | ".join(tsquery_term(term) for term in query.terms)


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
