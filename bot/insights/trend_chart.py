"""The trend's line chart (bot/insights/trend.py): drawn in the chart renderer's process
(bot/insights/charts.py), so this module imports nothing but the chart theme and the data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.insights import charts
from bot.models.insights import Trend, TrendSeries

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH, HEIGHT = 6.4, 3.6  # inches: 960 x 540 pixels at charts.DPI
LEGEND_NAME_CHARS = 24
# Markers help tell days apart until there are too many of them to be worth marking.
MARKED_DAYS = 31


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
    """The chart as PNG bytes (blocking: in the renderer, see `trend.render_trend`)."""
    return charts.render_png(lambda: trend_figure(trend))
