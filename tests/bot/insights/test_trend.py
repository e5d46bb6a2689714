"""Trends: daily mention counts from the store, and the chart drawn from exactly those."""

from __future__ import annotations

import itertools
import os
from datetime import date

import pytest

from bot.clock import FakeClock
from bot.errors import EntityNotFound, QueryError
from bot.insights import charts
from bot.insights.charts import png_size
from bot.insights.trend import (
    Trend,
    TrendSeries,
    date_ticks,
    entity_trend,
    render_trend,
    split_names,
    trend_figure,
    trend_png,
    trend_window,
)
from bot.models.entity import KnownEntity
from bot.store import Store
from tests.bot.insights.corpus import add_article
from tests.bot.insights.renderer_jobs import loaded

HAMAS, QATAR, EGYPT = ("Hamas", "ORG"), ("Qatar", "GPE"), ("Egypt", "GPE")


@pytest.fixture
async def corpus(store: Store) -> Store:
    """Hamas twice on 24 Feb (3 mentions) and once on 1 Mar, Qatar on 24 Feb and 2 Mar, and
    an older Hamas article (19 Feb) outside a 7-day window ending 2 Mar."""
    await add_article(store, 1, [HAMAS, HAMAS, QATAR], "2026-02-24")
    await add_article(store, 2, [HAMAS], "2026-02-24")
    await add_article(store, 3, [HAMAS, EGYPT], "2026-03-01")
    await add_article(store, 4, [QATAR], "2026-03-02")
    await add_article(store, 5, [HAMAS], "2026-02-19")
    return store


async def test_daily_mentions_per_entity_with_empty_days_as_zero(
    corpus: Store, clock: FakeClock
) -> None:
    trend = await entity_trend(corpus, ["Hamas", "Qatar"], 7, clock=clock)

    assert trend.days == trend_window(7, date(2026, 3, 2))
    assert trend.days[0] == date(2026, 2, 24)
    hamas, qatar = trend.series
    assert hamas.entity.name == "Hamas"
    assert hamas.mentions == (3, 0, 0, 0, 0, 1, 0)  # the 19 Feb article is outside
    assert hamas.articles == (2, 0, 0, 0, 0, 1, 0)
    assert qatar.mentions == (1, 0, 0, 0, 0, 0, 1)
    assert (hamas.total, hamas.peak) == (4, 0)


async def test_names_resolve_like_entity_lookups_and_repeat_once(
    corpus: Store, clock: FakeClock
) -> None:
    hamas = (await corpus.entities_named("hamas"))[0]
    trend = await entity_trend(corpus, [hamas.ref, "HAMAS", "Qatar (place)"], 7, clock=clock)
    assert [s.entity.name for s in trend.series] == ["Hamas", "Qatar"]


@pytest.mark.parametrize(
    ("names", "days", "message"),
    [
        (["Hamas"] * 5, 7, "at most 4"),
        (["Hamas"], 1, "between 2 and 90"),
        (["Hamas"], 91, "between 2 and 90"),
        ([], 7, "Name an entity"),
    ],
)
async def test_bad_requests_are_explained(
    corpus: Store, clock: FakeClock, names: list[str], days: int, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        await entity_trend(corpus, names, days, clock=clock)


async def test_an_unknown_name_is_reported(corpus: Store, clock: FakeClock) -> None:
    with pytest.raises(EntityNotFound):
        await entity_trend(corpus, ["Hamas", "Atlantis"], 7, clock=clock)


def test_split_names() -> None:
    assert split_names(" Qatar, Egypt ;; #12 ,") == ["Qatar", "Egypt", "#12"]
    assert split_names(None) == []


def test_date_ticks_label_first_and_last_day_without_crowding() -> None:
    days = trend_window(30, date(2026, 3, 2))
    ticks = date_ticks(days)
    assert ticks[0] == 0 and ticks[-1] == 29 and len(ticks) <= 6
    assert min(b - a for a, b in itertools.pairwise(ticks)) >= 3
    assert date_ticks(days[:4]) == [0, 1, 2, 3]


def _trend() -> Trend:
    days = trend_window(10, date(2026, 3, 2))
    return Trend(
        days,
        (
            TrendSeries(
                KnownEntity(1, "Hamas", "ORG", 9, 5), (0, 1, 2, 0, 0, 3, 0, 1, 2, 0), (0,) * 10
            ),
            TrendSeries(
                KnownEntity(2, "Qatar", "GPE", 4, 4), (1, 0, 0, 0, 2, 0, 0, 0, 1, 0), (0,) * 10
            ),
        ),
    )


def test_the_chart_plots_exactly_the_series() -> None:
    trend = _trend()
    figure = trend_figure(trend)
    axes = figure.axes[0]
    lines = axes.get_lines()

    assert [line.get_label() for line in lines] == ["Hamas (9)", "Qatar (4)"]
    for line, series in zip(lines, trend.series, strict=True):
        assert list(line.get_xdata()) == list(range(10))
        assert list(line.get_ydata()) == list(series.mentions)
    assert len({line.get_color() for line in lines}) == 2
    assert len({line.get_linestyle() for line in lines}) == 2  # not told apart by colour alone
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels[0] == "21 Feb" and labels[-1] == "2 Mar"
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["Hamas (9)", "Qatar (4)"]


def test_the_png_has_the_chart_size_and_is_the_same_every_time() -> None:
    png = trend_png(_trend())
    assert png_size(png) == (960, 540)
    assert png == trend_png(_trend())
    assert b"Software" not in png and b"tIME" not in png


async def test_the_chart_is_drawn_in_a_process_of_its_own_without_the_nlp_model() -> None:
    """Drawn in a thread, a chart held the bot's GIL for up to 0.9 s, and every guild's event
    loop waited (issue 16, found by the soak); the renderer stays small (no spaCy)."""
    png = await render_trend(_trend())

    assert png_size(png) == (960, 540)
    assert png == trend_png(_trend())  # the very chart, drawn there
    assert charts.renderer().worker_pid not in (None, os.getpid())
    assert not await charts.renderer().run(loaded, "spacy")
    assert await charts.renderer().run(loaded, "matplotlib")
