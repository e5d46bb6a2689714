"""The co-mention network's picture (bot/insights/network.py): drawn in the chart renderer's
process (bot/insights/charts.py), so this module imports nothing but the chart theme and the
data."""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

from bot.insights import charts
from bot.models.insights import EntityNetwork

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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
    figure = charts.new_figure(WIDTH, HEIGHT)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(-X_EXTENT, X_EXTENT)
    axes.set_ylim(Y_BOTTOM, Y_TOP)
    axes.set_aspect("equal")
    axes.set_axis_off()
    points = star_layout(len(network.neighbours))
    _draw_links(axes, network, points)
    _draw_neighbours(axes, network, points)
    _draw_centre(axes, network)
    _draw_legend(figure, network)
    return figure


def _draw_links(axes: Axes, network: EntityNetwork, points: list[tuple[float, float]]) -> None:
    """The strong links between companions, under everything else."""
    where = {n.entity.id: p for n, p in zip(network.neighbours, points, strict=True)}
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


def _draw_neighbours(axes: Axes, network: EntityNetwork, points: list[tuple[float, float]]) -> None:
    """Each companion: its spoke from the centre, its node with the articles shared, its name."""
    most = max((n.shared_articles for n in network.neighbours), default=0)
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


def _draw_centre(axes: Axes, network: EntityNetwork) -> None:
    """The entity's name in a box edged in its kind's colour, over the spokes."""
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


def _draw_legend(figure: Figure, network: EntityNetwork) -> None:
    """The kinds shown, in the band under the lowest label, and what the numbers count."""
    from matplotlib.lines import Line2D

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


def network_png(network: EntityNetwork) -> bytes:
    """The picture as PNG bytes (blocking: in the renderer, see `network.render_network`)."""
    return charts.render_png(lambda: network_figure(network))
