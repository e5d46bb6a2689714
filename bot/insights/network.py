"""Co-mention networks: the entities most often named in the same articles as one entity,
drawn as a star around it (spokes as thick as the articles shared), as a PNG."""

from __future__ import annotations

from datetime import UTC, timedelta

from bot.clock import Clock, SystemClock
from bot.errors import QueryError
from bot.insights import charts
from bot.insights.network_chart import network_figure, network_png, star_layout, strong_links
from bot.models.insights import EntityNetwork
from bot.nlp.lookup import resolve_entity
from bot.store import Store

# The data lives in bot.models and the drawing in network_chart (both light enough for the
# chart renderer's process); their names stay importable from here.
__all__ = [
    "DEFAULT_NEIGHBOURS",
    "MAX_DAYS",
    "MAX_NEIGHBOURS",
    "EntityNetwork",
    "entity_network",
    "network_figure",
    "network_png",
    "render_network",
    "star_layout",
    "strong_links",
]

MAX_NEIGHBOURS = 10
DEFAULT_NEIGHBOURS = 8
MAX_DAYS = 365


async def entity_network(
    store: Store,
    name: str,
    *,
    limit: int = DEFAULT_NEIGHBOURS,
    days: int | None = None,
    clock: Clock | None = None,
) -> EntityNetwork:
    """The network around the entity `name` means (see `resolve_entity`): its `limit` most
    frequent companions over all time, or in articles of the last `days` days."""
    if not 1 <= limit <= MAX_NEIGHBOURS:
        raise QueryError(f"A network shows 1 to {MAX_NEIGHBOURS} companions.")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise QueryError(f"Choose between 1 and {MAX_DAYS} days, or leave days out.")
    entity = await resolve_entity(store, name)
    since = ""
    if days is not None:
        now = (clock or SystemClock()).now().astimezone(UTC)
        since = (now.date() - timedelta(days=days - 1)).isoformat()
    found = await store.co_mention_links(entity.id, limit=limit, since=since)
    return EntityNetwork(
        center=entity,
        neighbours=tuple(found.neighbours),
        links=tuple(found.links),
        hub_articles=found.hub_articles,
        days=days,
    )


async def render_network(network: EntityNetwork) -> bytes:
    """The picture as PNG bytes, drawn in the chart renderer's process (bot/insights/charts.py)."""
    return await charts.render(network_png, network)
