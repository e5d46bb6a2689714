"""Entity trends: mentions per day of up to four entities over the last N days, and the line
chart that shows them (PNG, drawn in the chart renderer's process)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, timedelta

from bot.clock import Clock, SystemClock
from bot.errors import QueryError
from bot.insights import charts
from bot.insights.trend_chart import date_ticks, trend_figure, trend_png
from bot.models.entity import KnownEntity
from bot.models.insights import Trend, TrendSeries
from bot.nlp.lookup import resolve_entity
from bot.store import Store

# The data lives in bot.models and the drawing in trend_chart (both light enough for the chart
# renderer's process); their names stay importable from here.
__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "MAX_ENTITIES",
    "MIN_DAYS",
    "Trend",
    "TrendSeries",
    "date_ticks",
    "entity_trend",
    "render_trend",
    "split_names",
    "trend_figure",
    "trend_png",
    "trend_window",
]

MAX_ENTITIES = 4
MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 2, 90, 30
_SEPARATOR = re.compile(r"[,;]")


def split_names(text: str | None) -> list[str]:
    """Names from a comma- or semicolon-separated list, blanks dropped: "Hamas, Qatar"."""
    return [name.strip() for name in _SEPARATOR.split(text or "") if name.strip()]


def trend_window(days: int, today: date) -> tuple[date, ...]:
    """The `days` UTC days ending with `today`, oldest first."""
    return tuple(today - timedelta(days=offset) for offset in range(days - 1, -1, -1))


async def entity_trend(
    store: Store, names: Sequence[str], days: int = DEFAULT_DAYS, *, clock: Clock | None = None
) -> Trend:
    """Mentions per day of the entities `names` mean (see `resolve_entity`) over the last
    `days` UTC days, today included; the same entity named twice is counted once."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise QueryError(f"Choose between {MIN_DAYS} and {MAX_DAYS} days.")
    if not names:
        raise QueryError("Name an entity to chart, e.g. Hamas.")
    if len(names) > MAX_ENTITIES:
        raise QueryError(f"A chart compares at most {MAX_ENTITIES} entities.")
    entities: dict[int, KnownEntity] = {}
    for name in names:
        entity = await resolve_entity(store, name)
        entities.setdefault(entity.id, entity)
    today = (clock or SystemClock()).now().astimezone(UTC).date()
    window = trend_window(days, today)
    counts = await store.daily_mentions(
        list(entities), window[0].isoformat(), (today + timedelta(days=1)).isoformat()
    )
    by_day = {(c.entity_id, c.day): c for c in counts}
    series = []
    for entity in entities.values():
        found = [by_day.get((entity.id, day.isoformat())) for day in window]
        series.append(
            TrendSeries(
                entity=entity,
                mentions=tuple(c.mentions if c else 0 for c in found),
                articles=tuple(c.articles if c else 0 for c in found),
            )
        )
    return Trend(days=window, series=tuple(series))


async def render_trend(trend: Trend) -> bytes:
    """The chart as PNG bytes, drawn in the chart renderer's process (bot/insights/charts.py)."""
    return await charts.render(trend_png, trend)
