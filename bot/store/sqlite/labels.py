"""SQL for a search's label terms in SQLite: `author:` and `category:` terms become conditions
on an article's search key, answered by their own FTS5 indexes (migration 014), for `matching_ids`
(ranked search pages come from the search index). Mixed into `SqliteStore` through
SearchQueries.

Every term is an FTS5 string literal of quoted words, bound as a parameter, as in search.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from bot.models.query import Query, Term
from bot.store.ranking import DAY_SPAN
from bot.store.sqlite.conditions import filter_conditions

# article_categories.rowid = article id * 64 + the category's position (migration 014).
CATEGORY_SHIFT = 6
_ID_MASK = DAY_SPAN - 1


def fts_term(term: Term) -> str:
    """A term as an FTS5 string literal (its words double-quoted, never raw syntax), with `*`
    for a prefix and a column filter for `title:` (label terms have an index of their own)."""
    quoted = '"' + " ".join(term.words).replace('"', '""') + '"' + ("*" if term.prefix else "")
    return f"title : {quoted}" if term.field == "title" else quoted


@dataclass(frozen=True)
class Keys:
    """How a statement names the article it looks at: its search key and its id."""

    key: str
    id: str
    # "+" when the statement reads the text index: see `_label`. The articles table may be
    # read by rowid from the label's set instead (a search of labels alone).
    plus: str = "+"


def _label(term: Term, at: Keys) -> str:
    """The condition that an article's byline or one of its categories holds `term` (one `?`).

    The label's index is read once, into a set the rows are checked against: cost grows with
    how many articles carry the label, never with how many the search reads. (The unary `+`
    keeps SQLite from handing the set to the text index as rowids to look up one by one,
    which ran the whole text query once per article of the label: 0.85 s at 20k.)"""
    if term.field == "author":
        return (
            f"{at.plus}{at.key} IN"
            " (SELECT rowid FROM articles_authors WHERE articles_authors MATCH ?)"
        )
    return (
        f"{at.plus}{at.id} IN (SELECT rowid >> {CATEGORY_SHIFT} FROM article_categories"
        " WHERE article_categories MATCH ?)"
    )


def label_conditions(query: Query, at: Keys) -> tuple[list[str], list[object]]:
    """Conditions for the query's label groups (any alternative) and excluded label terms."""
    where: list[str] = []
    params: list[object] = []
    for group in query.label_groups:
        where.append("(" + " OR ".join(_label(term, at) for term in group) + ")")
        params.extend(fts_term(term) for term in group)
    for term in query.label_excluded:
        where.append(f"NOT {_label(term, at)}")
        params.append(fts_term(term))
    return where, params


def _without_text(query: Query, at: Keys) -> tuple[list[str], list[object]]:
    """Excluded full-text terms of a search without wanted ones (no FTS5 expression can be
    only a NOT): the articles holding any of them, read once, are left out."""
    if not query.text_excluded:
        return [], []
    match = " OR ".join(fts_term(term) for term in query.text_excluded)
    exclude = f"{at.key} NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
    return [exclude], [match]


def _conditions(query: Query, keys: list[int] | None) -> tuple[str, list[object]]:
    """WHERE and parameters for a label-only search on `articles a`; `keys` restricts it."""
    at = Keys("a.search_key", "a.id", plus="")
    where, params = label_conditions(query, at)
    more, more_params = _without_text(query, at)
    where += more
    params += more_params
    filters = query.filters
    found = filter_conditions(filters, "a.search_key")
    where += found.key_where + found.row_where
    params += found.key_params + found.row_params
    if keys is not None:
        where.append("a.search_key IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(keys))
    elif filters.article_ids is not None:
        where.append("a.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(filters.article_ids)))
    return " AND ".join(where), params


class LabelQueries:
    """Label-only searches; mixed into `SqliteStore` (through SearchQueries)."""

    conn: aiosqlite.Connection

    async def _labelled_ids(self, query: Query, keys: list[int]) -> set[int]:
        """Which of the articles with these search keys a search without full-text terms
        matches (no ranking, snippets or count)."""
        where, params = _conditions(query, keys)
        async with self.conn.execute(f"SELECT a.id FROM articles a WHERE {where}", params) as cur:
            return {row[0] for row in await cur.fetchall()}
