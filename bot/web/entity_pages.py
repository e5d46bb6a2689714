"""People, organisations and places on the web: a profile (aliases, counts, the latest sentences
naming them, who they are named with), their trend chart and co-mention network as PNGs drawn
off the event loop (with text alternatives), and an Atom feed of the articles naming them."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from bot.insights.network import DEFAULT_NEIGHBOURS, entity_network, render_network
from bot.insights.quotes import entity_quotes
from bot.insights.trend import DEFAULT_DAYS, Trend, entity_trend, render_trend
from bot.models.entity import AmbiguousEntity, CoMention, KnownEntity
from bot.nlp.lookup import entity_profile, resolve_entity
from bot.store import Store
from bot.web import atom
from bot.web.access import reader
from bot.web.context import context_of
from bot.web.ids import path_id
from bot.web.render import Data, page

FEED_ENTRIES = 20
QUOTES_SHOWN = 5
# Charts are drawn per request: browsers may keep them a few minutes.
CHART_CACHE = "private, max-age=300"


def known(entity: KnownEntity) -> Data:
    """An entity as lists and links show it."""
    return {
        "id": entity.id,
        "name": entity.name,
        "kind": entity.kind,
        "mentions": entity.mention_count,
        "articles": entity.article_count,
    }


def trend_text(trend: Trend) -> Data:
    """The trend in words and numbers: the chart's text alternative and its JSON."""
    series = trend.series[0]
    days = len(trend.days)
    busiest = trend.days[series.peak].isoformat() if series.total else None
    alt = f"Line chart of mentions of {series.entity.name} per day over the last {days} days: "
    if busiest:
        alt += f"{series.total} in all, most on {busiest} ({series.mentions[series.peak]})."
    else:
        alt += "none."
    return {
        "days": days,
        "total": series.total,
        "busiest": busiest,
        "per_day": [
            {"day": d.isoformat(), "mentions": m}
            for d, m in zip(trend.days, series.mentions, strict=True)
        ],
        "alt": alt,
    }


def network_text(center: KnownEntity, neighbours: Sequence[CoMention]) -> str:
    """The network picture in words (its text alternative): the centre and its companions."""
    if not neighbours:
        return f"No other entity is named with {center.name} yet."
    companions = ", ".join(f"{n.entity.name} ({n.shared_articles})" for n in neighbours)
    return (
        f"Diagram of {center.name} in the middle, linked to the entities most often "
        f"named with it (articles in common): {companions}."
    )


async def entity_data(request: web.Request) -> Data:
    """GET /entities/{id} (and /api/v1/entities/{id}): the profile."""
    await reader(request)
    context = context_of(request)
    entity_id = path_id(request)
    profile = await entity_profile(context.store, f"#{entity_id}")
    trend = await entity_trend(context.store, [f"#{entity_id}"], DEFAULT_DAYS, clock=context.clock)
    # The picture's companions are the profile's first ones (the same count over the same
    # latest articles), so its text needs no second count: at 100k articles that count is
    # most of a busy entity's page.
    drawn = profile.co_mentioned[:DEFAULT_NEIGHBOURS]
    return {
        "entity": known(profile.entity),
        "aliases": list(profile.aliases),
        "first_seen": profile.first_seen,
        "last_seen": profile.last_seen,
        "sentences": [
            {
                "article_id": s.article_id,
                "title": s.title,
                "when": s.when,
                "source": s.source,
                "text": s.text,
            }
            for s in profile.sentences
        ],
        "named_with": [
            {**known(c.entity), "shared_articles": c.shared_articles} for c in profile.co_mentioned
        ],
        "trend": trend_text(trend),
        "network": {"alt": network_text(profile.entity, drawn), "drawn": bool(drawn)},
        "charts": {
            "trend": f"/entities/{entity_id}/trend.png",
            "network": f"/entities/{entity_id}/network.png",
        },
        "quotes": await latest_quotes(context.store, profile.entity),
    }


async def latest_quotes(store: Store, entity: KnownEntity) -> list[Data]:
    """What the entity was quoted as saying, newest first, each wording once with the other
    outlets that carried it (bot/insights/quotes, as `/quotes` reads it)."""
    said = await entity_quotes(store, entity)
    return [group.as_json() for group in said.groups[:QUOTES_SHOWN]]


async def find_entity(request: web.Request) -> web.StreamResponse:
    """GET /entities?name=… : the entity a name means (its page), or a choice between several."""
    await reader(request)
    name = request.query.get("name", "").strip()[:200]
    if not name:
        raise web.HTTPSeeOther("/")
    try:
        entity = await resolve_entity(context_of(request).store, name)
    except AmbiguousEntity as many:
        choices = [known(candidate) for candidate in many.candidates]
        return await page(request, "entity_choices.html", {"name": name, "choices": choices})
    raise web.HTTPSeeOther(f"/entities/{entity.id}")


async def trend_chart(request: web.Request) -> web.Response:
    """GET /entities/{id}/trend.png: mentions per day, the last 30 days."""
    await reader(request)
    context = context_of(request)
    trend = await entity_trend(
        context.store, [f"#{path_id(request)}"], DEFAULT_DAYS, clock=context.clock
    )
    return _png(await render_trend(trend))


async def network_chart(request: web.Request) -> web.Response:
    """GET /entities/{id}/network.png: who it is named with (404 when nobody)."""
    await reader(request)
    context = context_of(request)
    network = await entity_network(context.store, f"#{path_id(request)}", clock=context.clock)
    if not network.neighbours:
        raise web.HTTPNotFound()
    return _png(await render_network(network))


def _png(data: bytes) -> web.Response:
    return web.Response(body=data, content_type="image/png", headers={"Cache-Control": CHART_CACHE})


async def entity_feed(request: web.Request) -> web.Response:
    """GET /entities/{id}/atom: the latest articles naming the entity, as an Atom feed."""
    await reader(request)
    context = context_of(request)
    entity_id = path_id(request)
    entity = await resolve_entity(context.store, f"#{entity_id}")
    profile = await context.store.entity_profile(
        entity, articles=FEED_ENTRIES, per_article=1, co_mentions=0
    )
    articles = await context.store.articles([s.article_id for s in profile.sentences])
    feed = atom.AtomFeed(
        title=f"Newsdesk: {entity.name}",
        self_path=request.path,
        page_path=f"/entities/{entity_id}",
        articles=articles,
        summaries={s.article_id: s.text for s in profile.sentences},
    )
    return atom.response(request, feed, context.clock.now())
