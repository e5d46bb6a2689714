"""Search on the web: the same query language, ranking, highlighting and bounded paging as
`/search` (bot/search), type-ahead on titles, and any search as an Atom feed."""

from __future__ import annotations

from aiohttp import web

from bot.errors import QueryError
from bot.models import SearchHit, SearchPage
from bot.nlp.lookup import entity_article_ids, top_entities
from bot.search import (
    Query,
    count_text,
    pages_text,
    parse_query,
    past_the_end_text,
    search,
    suggestions,
    title_choices,
)
from bot.store import Store
from bot.web import atom
from bot.web.access import Refused, SignInNeeded, reader
from bot.web.context import context_of
from bot.web.render import Data, marked_parts

PER_PAGE = 10
FEED_ENTRIES = 20
TYPE_AHEAD = 8


def page_number(text: str | None) -> int:
    """The page asked for, at least 1 (anything unreadable is the first); search() refuses a
    page past the last a reader can turn to, in one line."""
    try:
        return max(int(text or "1"), 1)
    except ValueError:
        return 1


def hit_data(hit: SearchHit) -> Data:
    """One result as pages and the API show it (the snippet in marked parts)."""
    return {
        "id": hit.id,
        "title": hit.title,
        "source": hit.source,
        "url": hit.url,
        "when": hit.when,
        "snippet": marked_parts(hit.snippet),
    }


async def run_search(store: Store, query: Query, page: int, per_page: int) -> SearchPage:
    """One page of `/search`'s results for a parsed query (entity filters resolved)."""
    return await search(
        store,
        query,
        page=page,
        per_page=per_page,
        entity_articles=lambda name: entity_article_ids(store, name),
    )


async def search_data(request: web.Request) -> Data:
    """GET /search?q=…&page=N (and /api/v1/search): a page of ranked, highlighted results."""
    await reader(request)
    store = context_of(request).store
    text = request.query.get("q", "").strip()
    data: Data = {"query": text, "hits": [], "error": None, "suggestions": [], "notes": []}
    data.update(page=1, pages=0, total=0, total_at_least=False, per_page=PER_PAGE)
    # As the core words them ("1,000+ articles", "100+"), so the page reads like /search.
    data.update(pages_at_least=False, count="", pages_shown="", past_the_end="")
    if not text:
        return data
    try:
        query = parse_query(text)
        found = await run_search(store, query, page_number(request.query.get("page")), PER_PAGE)
    except QueryError as exc:
        return {**data, "error": str(exc)}
    data.update(
        hits=[hit_data(hit) for hit in found.hits],
        page=found.page,
        pages=found.pages,
        total=found.total,
        total_at_least=found.total_at_least,
        pages_at_least=found.pages_at_least,
        count=count_text(found),
        pages_shown=pages_text(found),
        past_the_end=past_the_end_text(found) if found.past_the_end else "",
        notes=list(found.notes),
    )
    if not found.hits and found.page == 1:
        data["suggestions"] = await suggestions(store, query)
    return data


async def titles(request: web.Request) -> web.Response:
    """GET /api/v1/titles?q=… : type-ahead, the newest titles matching what was typed."""
    await reader(request)
    store = context_of(request).store
    typed = request.query.get("q", "")[:200]
    found = await title_choices(store, typed, limit=TYPE_AHEAD) if typed.strip() else []
    return web.json_response({"query": typed, "titles": [{"id": i, "title": t} for i, t in found]})


async def search_feed(request: web.Request) -> web.Response:
    """GET /search/atom?q=… : a search's best results as an Atom feed, newest first."""
    await reader(request)
    context = context_of(request)
    text = request.query.get("q", "").strip()
    try:
        found = await run_search(context.store, parse_query(text), 1, FEED_ENTRIES)
    except QueryError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    articles = await context.store.articles([hit.id for hit in found.hits])
    feed = atom.AtomFeed(
        title=f"Newsdesk: {text}",
        self_path=request.path_qs,
        page_path=f"/search?{request.query_string}",
        articles=articles,
        summaries={hit.id: plain_snippet(hit.snippet) for hit in found.hits},
    )
    return atom.response(request, feed, context.clock.now())


def plain_snippet(snippet: str) -> str:
    """A snippet without its match markers."""
    return "".join(part["text"] for part in marked_parts(snippet))


LATEST = 10
TOP_ENTITIES = 12
TOP_DAYS = 7


async def home_data(request: web.Request) -> Data:
    """GET / (and /api/v1/): the search box, the latest articles and who is in the news;
    without access, only the invitation to sign in."""
    context = context_of(request)
    try:
        await reader(request)
    except (SignInNeeded, Refused) as refused:
        why = refused.text if isinstance(refused, Refused) else ""
        return {"allowed": False, "why": why, "latest": [], "in_the_news": []}
    latest = await context.store.latest_articles(LATEST)
    top = await top_entities(context.store, days=TOP_DAYS, limit=TOP_ENTITIES, clock=context.clock)
    return {
        "allowed": True,
        "why": "",
        "latest": [
            {"id": a.id, "title": a.title, "source": a.source, "url": a.url, "when": a.when}
            for a in latest
        ],
        "in_the_news": [
            {
                "id": t.entity.id,
                "name": t.entity.name,
                "kind": t.entity.kind,
                "mentions": t.mentions,
            }
            for t in top
        ],
        "days": TOP_DAYS,
    }
