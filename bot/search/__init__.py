"""Search: the query language in front of the store's FTS5 index, paged for readers."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Awaitable, Callable, Sequence

from bot.errors import QueryError
from bot.models import SearchPage
from bot.search.query import Query, parse_query, prefix_expression
from bot.store import SearchFilters, Store

__all__ = [
    "Query",
    "QueryError",
    "parse_query",
    "prefix_expression",
    "search",
    "suggestions",
    "title_choices",
]

MAX_PAGE = 200


def unidecode_fold(word: str) -> str:
    """Fold a word the way the index does: lower case, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Looks up the article ids that mention an entity; provided by the NLP layer when it exists.
EntityResolver = Callable[[str], Awaitable[Sequence[int]]]


async def search(
    store: Store,
    text: str,
    *,
    page: int = 1,
    per_page: int = 5,
    source: str | None = None,
    after: str | None = None,
    before: str | None = None,
    entity: str | None = None,
    entity_articles: EntityResolver | None = None,
) -> SearchPage:
    """Parse `text`, apply filters (options override in-query ones; an `entity` option adds to
    typed ones) and return one page of hits."""
    query = parse_query(text)
    page = min(max(page, 1), MAX_PAGE)
    sources = (source,) if source else query.sources
    entities = (*query.entities, entity) if entity else query.entities
    ids: tuple[int, ...] | None = None
    if entities:
        if entity_articles is None:
            raise QueryError("`entity:` filters need the entity index, which isn't loaded.")
        found: set[int] | None = None
        for name in entities:
            matched = set(await entity_articles(name))
            found = matched if found is None else found & matched
        ids = tuple(sorted(found or ()))
    filters = SearchFilters(
        sources=sources,
        after=after or query.after,
        before=before or query.before,
        article_ids=ids,
    )
    hits, total = await store.search_articles(
        query.match_expression(), filters, limit=per_page, offset=(page - 1) * per_page
    )
    return SearchPage(query=text, hits=hits, total=total, page=page, per_page=per_page)


async def suggestions(store: Store, text: str, limit: int = 3) -> list[str]:
    """Indexed words close to the query's words, for a "did you mean" line when nothing matched."""
    try:
        query = parse_query(text)
    except QueryError:
        return []
    found: list[str] = []
    for word in query.highlight_words()[:4]:
        folded = unidecode_fold(word)
        candidates = await store.terms_starting(folded[:3]) if len(folded) >= 3 else []
        close = difflib.get_close_matches(folded, [t for t, _ in candidates], n=limit, cutoff=0.6)
        found.extend(t for t in close if t != folded and t not in found)
    return found[:limit]


async def title_choices(store: Store, typed: str, limit: int = 25) -> list[tuple[int, str]]:
    """Autocomplete: (id, title) pairs whose title matches what was typed so far."""
    return await store.titles_matching(prefix_expression(typed), limit=min(limit, 25))
