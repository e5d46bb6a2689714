"""Co-mention networks: the entities most often named in the same articles as one entity,
drawn as a star around it (spokes as thick as the articles shared), as a PNG."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from bot import work
from bot.clock import Clock, SystemClock
from bot.errors import QueryError
from bot.insights import charts
from bot.models.entity import CoMention, KnownEntity
from bot.nlp.lookup import resolve_entity
from bot.store import Store

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_NEIGHBOURS = 10
DEFAULT_NEIGHBOURS = 8
MAX_DAYS = 365
WIDTH, HEIGHT = 6.4, 4.8  # inches: 960 x 720 pixels at charts.DPI
# Data units: the figure spans x in ±X_EXTENT; neighbours sit on an ellipse as wide as the
# picture allows, and the band under the lowest label holds the legend.
X_EXTENT, Y_TOP, Y_BOTTOM = 2.2, 1.45, -1.85
RADII = (1.3, 1.0)
LABEL_GAP = 0.2
NAME_CHARS = 26
NODE_AREA = (420.0, 1500.0)  # marker area in points², least to most shared
SPOKE_WIDTH = (1.2, 7.0)  # points
LINK_SHARE = 0.4


@dataclass(frozen=True)
class EntityNetwork:
    """An entity, its most frequent companions and how often the companions meet each other.

    `hub_articles` is how many of the entity's articles were counted (its latest thousand,
    within `days` if given); `links` are (entity id, entity id, shared articles).
    """

    center: KnownEntity
    neighbours: tuple[CoMention, ...]
    links: tuple[tuple[int, int, int], ...]
    hub_articles: int
    days: int | None = None


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


def star_layout(count: int) -> list[tuple[float, float]]:
    """Points for `count` neighbours on an ellipse around the origin: the first at the top,
    then clockwise, evenly spaced (so the strongest companion is always at twelve o'clock)."""
    rx, ry = RADII
    return [
        (rx * math.sin(2 * math.pi * i / count), ry * math.cos(2 * math.pi * i / count))
        for i in range(count)
    ]


def strong_links(network: EntityNetwork) -> list[tuple[int, int, int]]:
    """The links between companions worth drawing, strongest first: at most one per
    companion, each at least LINK_SHARE of the strongest (news companions nearly all meet
    sometimes; drawing every pair hides the spokes)."""
    rank = {n.entity.id: index for index, n in enumerate(network.neighbours)}
    # Ties go to the stronger companions, by their place in the picture, never by entity id
    # (ids depend on the order articles were analysed in).
    links = sorted(
        (link for link in network.links if link[0] in rank and link[1] in rank),
        key=lambda link: (-link[2], sorted((rank[link[0]], rank[link[1]]))),
    )
    if not links:
        return []
    floor = links[0][2] * LINK_SHARE
    return [link for link in links if link[2] >= floor][: len(rank)]


def _scale(value: int, most: int, low: float, high: float) -> float:
    return low + (high - low) * (value / most if most else 0.0)


def _wrapped(name: str, width: int = 16) -> str:
    """The name on at most two lines of about `width` characters, shortened with "…"."""
    lines = textwrap.wrap(
        name[:NAME_CHARS],
        width,
        break_long_words=True,
        break_on_hyphens=False,
        max_lines=2,
        placeholder="…",
    )
    if len(name) > NAME_CHARS and not lines[-1].endswith("…"):
        lines[-1] = lines[-1].rstrip() + "…"
    return "\n".join(lines)


def _label(axes: Axes, name: str, x: float, y: float) -> None:
    """A neighbour's name just outside its node, aligned away from the centre."""
    rx, ry = RADII
    dx, dy = x / rx, y / ry  # the direction from the centre, on the unit circle
    ha = "left" if dx > 0.3 else "right" if dx < -0.3 else "center"
    va = "bottom" if dy > 0.3 else "top" if dy < -0.3 else "center"
    axes.text(
        x + dx * LABEL_GAP,
        y + dy * LABEL_GAP,
        _wrapped(name),
        ha=ha,
        va=va,
        color=charts.TEXT,
        fontproperties=charts.font(12),
        multialignment=ha if ha != "center" else "center",
    )


def network_figure(network: EntityNetwork) -> Figure:
    """The star: the entity in the middle, companions around it, the strongest at the top."""
    from matplotlib.lines import Line2D

    figure = charts.new_figure(WIDTH, HEIGHT)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(-X_EXTENT, X_EXTENT)
    axes.set_ylim(Y_BOTTOM, Y_TOP)
    axes.set_aspect("equal")
    axes.set_axis_off()
    points = star_layout(len(network.neighbours))
    where = {n.entity.id: p for n, p in zip(network.neighbours, points, strict=True)}
    most = max((n.shared_articles for n in network.neighbours), default=0)
    links = strong_links(network)
    most_linked = max((shared for _, _, shared in links), default=0)
    for a, b, shared in links:
        (xa, ya), (xb, yb) = where[a], where[b]
        axes.plot(
            [xa, xb],
            [ya, yb],
            color=charts.GRID,
            linewidth=_scale(shared, most_linked, 0.6, 2.4),
            solid_capstyle="round",
            zorder=1,
        )
    for neighbour, (x, y) in zip(network.neighbours, points, strict=True):
        width = _scale(neighbour.shared_articles, most, *SPOKE_WIDTH)
        axes.plot([0, x], [0, y], color=charts.MUTED, linewidth=width, zorder=2, alpha=0.85)
    for neighbour, (x, y) in zip(network.neighbours, points, strict=True):
        colour = charts.KIND_COLOURS.get(neighbour.entity.kind, charts.OTHER_KIND)
        area = _scale(neighbour.shared_articles, most, *NODE_AREA)
        axes.scatter([x], [y], s=area, color=colour, edgecolors=charts.BACKGROUND, zorder=3)
        axes.text(
            x,
            y,
            str(neighbour.shared_articles),
            ha="center",
            va="center",
            color=charts.BACKGROUND,
            fontproperties=charts.font(10, "bold"),
            zorder=4,
        )
        _label(axes, neighbour.entity.name, x, y)
    centre = charts.KIND_COLOURS.get(network.center.kind, charts.OTHER_KIND)
    axes.text(
        0,
        0,
        _wrapped(network.center.name, 16),
        ha="center",
        va="center",
        color=charts.TEXT,
        fontproperties=charts.font(14, "bold"),
        multialignment="center",
        zorder=5,
        bbox={
            "boxstyle": "round,pad=0.5",
            "facecolor": charts.PLOT_AREA,
            "edgecolor": centre,
            "linewidth": 2.5,
        },
    )
    kinds = dict.fromkeys([network.center.kind, *(n.entity.kind for n in network.neighbours)])
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=9,
            color=charts.KIND_COLOURS.get(kind, charts.OTHER_KIND),
            label=kind,
        )
        for kind in kinds
    ]
    legend = figure.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.02, 0.01),
        ncols=len(handles),
        frameon=False,
        prop=charts.font(11),
        handletextpad=0.3,
        columnspacing=1.2,
    )
    for text in legend.get_texts():
        text.set_color(charts.MUTED)
    figure.text(
        0.985,
        0.975,
        "n = articles shared",
        ha="right",
        va="top",
        color=charts.MUTED,
        fontproperties=charts.font(11),
    )
    return figure


def network_png(network: EntityNetwork) -> bytes:
    """The picture as PNG bytes (blocking: see `render_network`)."""
    return charts.render_png(lambda: network_figure(network))


async def render_network(network: EntityNetwork) -> bytes:
    """The picture as PNG bytes, drawn in a worker thread so the event loop keeps running."""
    return await work.to_thread(network_png, network)
