"""PostgreSQL SQL for a search's label terms: `author:` terms match the byline's vector,
`category:` terms one of the article's category rows (migration 015), and a search made of
label terms alone is read newest first. Every term's tsquery text is bound as a parameter."""

from __future__ import annotations

from bot.models.query import Query, Term
from bot.store.postgres.tsquery import label_tsquery_text, tsquery_term

PUBLISHED = "coalesce(a.published_at, a.ingested_at)"


def _label(term: Term, ref: str) -> str:
    """The condition that the article `a`'s byline or one of its categories holds `term`."""
    if term.field == "author":
        return f"a.author_search @@ to_tsquery('newsdesk', {ref})"
    return (
        "EXISTS (SELECT 1 FROM article_categories c WHERE c.article_id = a.id"
        f" AND c.words @@ to_tsquery('newsdesk', {ref}))"
    )


def label_conditions(query: Query, params: list[object]) -> list[str]:
    """Conditions for the query's label groups (any alternative) and excluded label terms;
    their tsquery texts are appended to `params` (referenced as $1, $2, … in order)."""
    where = []
    for group in query.label_groups:
        alternatives = []
        for term in group:
            params.append(label_tsquery_text(term))
            alternatives.append(_label(term, f"${len(params)}"))
        where.append("(" + " OR ".join(alternatives) + ")")
    for term in query.label_excluded:
        params.append(label_tsquery_text(term))
        where.append(f"NOT {_label(term, f'${len(params)}')}")
    return where


def excluded_text_condition(query: Query, params: list[object]) -> list[str]:
    """For a search without wanted full-text terms: none of its excluded ones. Written as NOT
    of any of them, so the labels' indexes, not a scan of the word index, find the rows."""
    if not query.text_excluded:
        return []
    params.append(" | ".join(tsquery_term(term) for term in query.text_excluded))
    return [f"NOT (a.search @@ to_tsquery('newsdesk', ${len(params)}))"]
