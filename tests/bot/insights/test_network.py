"""Co-mention networks: companions and their links from the store, and the star drawn."""

from __future__ import annotations

import os

import pytest

from bot.clock import FakeClock
from bot.errors import QueryError
from bot.insights import charts
from bot.insights.charts import png_size
from bot.insights.network import (
    EntityNetwork,
    entity_network,
    network_figure,
    network_png,
    render_network,
    star_layout,
    strong_links,
)
from bot.models.entity import CoMention, KnownEntity
from bot.store import Store
from tests.bot.insights.corpus import add_article

HAMAS, QATAR, ISRAEL, EGYPT = (
    ("Hamas", "ORG"),
    ("Qatar", "GPE"),
    ("Israel", "GPE"),
    ("Egypt", "GPE"),
)
TUESDAY = ("Tuesday", "DATE")  # a fact, not a name: never in a network


@pytest.fixture
async def corpus(store: Store) -> Store:
    """Hamas with Qatar in 3 articles (one also naming Israel), with Israel in 2, with
    Egypt in 1 (an old one); an article without Hamas links Qatar and Egypt."""
    await add_article(store, 1, [HAMAS, QATAR, ISRAEL, TUESDAY], "2026-02-27")
    await add_article(store, 2, [HAMAS, QATAR], "2026-02-28")
    await add_article(store, 3, [HAMAS, QATAR, HAMAS], "2026-03-01")
    await add_article(store, 4, [HAMAS, ISRAEL], "2026-03-01")
    await add_article(store, 5, [HAMAS, EGYPT], "2025-12-01")
    await add_article(store, 6, [QATAR, EGYPT], "2026-03-01")
    return store


async def test_companions_by_shared_articles_and_their_links(
    corpus: Store, clock: FakeClock
) -> None:
    network = await entity_network(corpus, "Hamas", clock=clock)

    assert network.center.name == "Hamas"
    assert network.hub_articles == 5
    assert [(n.entity.name, n.shared_articles) for n in network.neighbours] == [
        ("Qatar", 3),
        ("Israel", 2),
        ("Egypt", 1),
    ]
    ids = {n.entity.name: n.entity.id for n in network.neighbours}
    # Only Hamas's articles count: Qatar and Egypt meet in article 6, which lacks Hamas.
    pair = tuple(sorted((ids["Qatar"], ids["Israel"])))
    assert network.links == ((*pair, 1),)


async def test_days_and_limit_narrow_the_network(corpus: Store, clock: FakeClock) -> None:
    recent = await entity_network(corpus, "Hamas", days=30, limit=1, clock=clock)
    assert recent.hub_articles == 4
    assert [n.entity.name for n in recent.neighbours] == ["Qatar"]
    assert recent.links == ()
    with pytest.raises(QueryError):
        await entity_network(corpus, "Hamas", days=0, clock=clock)
    with pytest.raises(QueryError):
        await entity_network(corpus, "Hamas", limit=11, clock=clock)


def test_star_layout_puts_the_strongest_at_the_top_then_clockwise() -> None:
    points = star_layout(4)
    assert points[0][0] == pytest.approx(0) and points[0][1] > 0
    assert points[1][0] > 0 and points[1][1] == pytest.approx(0)
    assert points[2][1] < 0 and points[3][0] < 0


def _network(count: int = 8) -> EntityNetwork:
    kinds = ["GPE", "PERSON", "ORG", "NORP"]
    neighbours = tuple(
        CoMention(KnownEntity(10 + i, f"Companion number {i}", kinds[i % 4], 9, 9), 20 - 2 * i)
        for i in range(count)
    )
    return EntityNetwork(
        center=KnownEntity(1, "National Security Council", "ORG", 50, 30),
        neighbours=neighbours,
        links=((10, 11, 5), (11, 13, 2), (12, 14, 1), (10, 99, 9)),
        hub_articles=30,
    )


def test_the_picture_draws_every_companion_with_spokes_by_weight() -> None:
    network = _network()
    figure = network_figure(network)
    axes = figure.axes[0]
    texts = [t.get_text() for t in axes.texts]

    for neighbour in network.neighbours:
        assert str(neighbour.shared_articles) in texts
    assert "National\nSecurity Council" in texts
    assert "Companion number\n0" in texts
    lines = axes.get_lines()
    links, spokes = lines[:2], lines[2:]
    assert len(spokes) == 8
    widths = [s.get_linewidth() for s in spokes]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    assert links[0].get_linewidth() > links[1].get_linewidth()
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == ["organisation", "place", "person", "group"]


def test_only_strong_links_between_shown_companions_are_drawn() -> None:
    network = _network(8)
    # 99 is not shown; 1 is under 40 % of the strongest (5); 2 just makes it.
    assert strong_links(network) == [(10, 11, 5), (11, 13, 2)]
    crowded = EntityNetwork(
        network.center, network.neighbours[:2], ((10, 11, 3),) * 5, network.hub_articles
    )
    assert len(strong_links(crowded)) == 2  # at most one per companion


def test_the_png_has_the_picture_size_and_is_the_same_every_time() -> None:
    png = network_png(_network())
    assert png_size(png) == (960, 720)
    assert png == network_png(_network())


async def test_the_picture_is_drawn_in_the_chart_renderers_process() -> None:
    png = await render_network(_network(3))

    assert png_size(png) == (960, 720)
    assert png == network_png(_network(3))
    assert charts.renderer().worker_pid not in (None, os.getpid())


def test_png_size_rejects_other_bytes() -> None:
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + bytes(30))
