"""Search: the query language parsed into a `Query` for the store's full-text index, paged
for readers; entity filters resolved through the NLP index on the way."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Awaitable, Callable, Collection, Sequence

from bot import budget, work
from bot.errors import QueryError
from bot.models import COUNT_CAP, SearchPage
from bot.models.query import Query, SearchFilters
from bot.search.cost import SearchBudget, check_search
from bot.search.paging import (
    MAX_PAGE,
    MAX_PER_PAGE,
    check_page,
    count_text,
    last_page,
    pages_text,
    past_the_end_text,
)
from bot.search.query import any_word_query, entity_as_phrase, parse_query, prefix_query
from bot.store import Store

__all__ = [
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "Query",
    "QueryError",
    "SearchBudget",
    "SearchFilters",
    "any_word_query",
    "count_text",
    "entity_as_phrase",
    "last_page",
    "matching",
    "pages_text",
    "parse_query",
    "past_the_end_text",
    "prefix_query",
    "resolve_entities",
    "search",
    "suggestions",
    "title_choices",
]


def unidecode_fold(word: str) -> str:
    """Fold a word the way the index does: lower case, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Looks up the article ids that mention an entity; provided by the NLP layer when it exists.
EntityResolver = Callable[[str], Awaitable[Sequence[int]]]


async def resolve_entities(query: Query, entity_articles: EntityResolver | None) -> Query:
    """The query with its `entity:` names replaced by the articles that mention them all."""
    if not query.filters.entities:
        return query
    if entity_articles is None:
        raise QueryError("`entity:` filters need the entity index, which isn't loaded.")
    found: set[int] | None = None
    for name in query.filters.entities:
        matched = set(await entity_articles(name))
        found = matched if found is None else found & matched
    return query.resolved(found or ())


async def search(
    store: Store,
    query: Query | str,
    *,
    page: int = 1,
    per_page: int = 5,
    entity_articles: EntityResolver | None = None,
    limits: SearchBudget | None = None,
) -> SearchPage:
    """One page of hits for a query (text is parsed first), its entity filters resolved;
    QueryError for a page size out of range or a page past `last_page(per_page)` (readers
    see the first COUNT_CAP results), TooBroad (before any searching) when it would cost more
    than its budget."""
    check_page(page, per_page)
    if isinstance(query, str):
        query = parse_query(query)
    resolved = await resolve_entities(query, entity_articles)
    await check_search(store, resolved, limits)
    work.spend("searches")
    offset = (page - 1) * per_page
    # The last page stops at the COUNT_CAP-th result (30 a page: 991-1000 on page 34): the
    # store, asked for more, would rank past the cap and count exactly the total it caps.
    hits, total = await store.search_articles(
        resolved, limit=min(per_page, COUNT_CAP - offset), offset=offset
    )
    return SearchPage(
        query=query.text,
        hits=hits,
        total=total,
        page=page,
        per_page=per_page,
        notes=query.notes,
    )


async def matching(store: Store, query: Query, article_ids: Collection[int]) -> set[int]:
    """Which of these articles (a batch, a window) a query with resolved entities matches;
    TooBroad when the query costs more than a search may (a prefix is merged over the whole
    index however few the articles)."""
    if not article_ids:
        return set()
    await check_search(store, query)
    work.spend("searches")
    return await store.matching_ids(query, list(article_ids))


async def suggestions(store: Store, query: Query | str, limit: int = 3) -> list[str]:
    """Indexed words close to the query's words, for a "did you mean" line when nothing matched."""
    if isinstance(query, str):
        try:
            query = parse_query(query)
        except QueryError:
            return []
    found: list[str] = []
    for word in query.highlight_words()[:4]:
        folded = unidecode_fold(word)
        candidates = (
            await store.terms_starting(folded[:3], max_postings=budget.SUGGESTION_POSTINGS)
            if len(folded) >= 3
            else []
        )
        close = difflib.get_close_matches(folded, [t for t, _ in candidates], n=limit, cutoff=0.6)
        found.extend(t for t in close if t != folded and t not in found)
    return found[:limit]


async def title_choices(store: Store, typed: str, limit: int = 25) -> list[tuple[int, str]]:
    """Autocomplete: (id, title) pairs whose title matches what was typed so far."""
    return await store.titles_matching(prefix_query(typed), limit=min(limit, 25))
