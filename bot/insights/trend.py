"""Entity trends: mentions per day of up to four entities over the last N days, and the line
chart that shows them (PNG, rendered off the event loop)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING

from bot import work
from bot.clock import Clock, SystemClock
from bot.errors import QueryError
from bot.insights import charts
from bot.models.entity import KnownEntity
from bot.nlp.lookup import resolve_entity
from bot.store import Store

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_ENTITIES = 4
MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 2, 90, 30
WIDTH, HEIGHT = 6.4, 3.6  # inches: 960 x 540 pixels at charts.DPI
LEGEND_NAME_CHARS = 24
# Markers help tell days apart until there are too many of them to be worth marking.
MARKED_DAYS = 31
_SEPARATOR = re.compile(r"[,;]")


@dataclass(frozen=True)
class TrendSeries:
    """One entity's mentions and articles per day, one number per day of the trend."""

    entity: KnownEntity
    mentions: tuple[int, ...]
    articles: tuple[int, ...]

    @property
    def total(self) -> int:
        """Mentions over the whole period."""
        return sum(self.mentions)

    @property
    def peak(self) -> int:
        """The index of the day with the most mentions (the earliest on ties)."""
        return max(range(len(self.mentions)), key=lambda i: (self.mentions[i], -i))


@dataclass(frozen=True)
class Trend:
    """Daily mentions of some entities over consecutive UTC days, oldest day first."""

    days: tuple[date, ...]
    series: tuple[TrendSeries, ...]


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


def _legend_name(series: TrendSeries) -> str:
    name = series.entity.name
    if len(name) > LEGEND_NAME_CHARS:
        name = name[: LEGEND_NAME_CHARS - 1].rstrip() + "…"
    return f"{name} ({series.total})"


def date_ticks(days: Sequence[date], most: int = 6) -> list[int]:
    """Indexes of at most `most` evenly spread days to label, always the first and last."""
    if len(days) <= most:
        return list(range(len(days)))
    step = -(-(len(days) - 1) // (most - 1))
    ticks = list(range(0, len(days), step))
    if ticks[-1] != len(days) - 1:
        if len(days) - 1 - ticks[-1] < step / 2:
            ticks.pop()  # too close to the last day: its label would collide
        ticks.append(len(days) - 1)
    return ticks


def trend_figure(trend: Trend) -> Figure:
    """The line chart: one line per entity, days along the bottom, mentions up the side."""
    from matplotlib.ticker import MaxNLocator

    figure = charts.new_figure(WIDTH, HEIGHT)
    axes = figure.add_axes((0.09, 0.12, 0.86, 0.69))
    x = list(range(len(trend.days)))
    marked = len(trend.days) <= MARKED_DAYS
    for index, series in enumerate(trend.series):
        axes.plot(
            x,
            list(series.mentions),
            label=_legend_name(series),
            color=charts.SERIES[index],
            linestyle=charts.LINE_STYLES[index],
            linewidth=2.6,
            marker=charts.MARKERS[index] if marked else None,
            markersize=4.5,
        )
    ticks = date_ticks(trend.days)
    axes.set_xticks(ticks, [f"{trend.days[i].day} {trend.days[i]:%b}" for i in ticks])
    axes.set_xlim(-0.5, len(trend.days) - 0.5)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=2))
    peak = max((max(s.mentions) for s in trend.series), default=0)
    axes.set_ylim(0, max(peak * 1.12, 4))
    charts.style_axes(axes)
    axes.set_ylabel("mentions per day", color=charts.MUTED, fontproperties=charts.font(11))
    legend = figure.legend(
        loc="upper left",
        bbox_to_anchor=(0.08, 0.99),
        ncols=2 if len(trend.series) > 1 else 1,
        frameon=False,
        prop=charts.font(12),
        handlelength=2.4,
        columnspacing=1.6,
    )
    for text in legend.get_texts():
        text.set_color(charts.TEXT)
    return figure


def trend_png(trend: Trend) -> bytes:
    """The chart as PNG bytes (blocking: see `render_trend`)."""
    return charts.render_png(lambda: trend_figure(trend))


async def render_trend(trend: Trend) -> bytes:
    """The chart as PNG bytes, drawn in a worker thread so the event loop keeps running."""
    return await work.to_thread(trend_png, trend)
