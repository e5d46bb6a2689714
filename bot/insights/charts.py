"""What every Newsdesk chart shares: one theme legible in Discord's dark and light themes,
fixed fonts and sizes, deterministic PNG bytes (no timestamps, no pyplot state), and the
process that draws them (`render`).

Charts are drawn in a worker process of their own (bot/workers/pool.py: it dies with the bot,
gives back what each chart freed, is replaced once grown): drawn in a thread, matplotlib held
the bot's GIL for up to 0.9 s a chart, so every guild's event loop waited (found by the soak).
The renderer imports this module and the drawing modules (trend_chart, network_chart) alone,
not the NLP model: it stays a small process.

The background is opaque and matches Discord's dark embed colour, so a chart blends into the
dark theme and reads as a dark card in the light one; text and lines are mid-to-light tones
chosen for contrast against that one background rather than against either theme.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from bot.workers.pool import WorkerPool

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

BACKGROUND = "#2B2D31"  # Discord's dark-theme embed background
PLOT_AREA = "#313338"
TEXT = "#E3E5E8"
MUTED = "#A5ABB3"
GRID = "#474A52"
# Colour-blind-aware series colours, each also given its own line style and marker.
SERIES = ("#4EA8DE", "#F4A259", "#E779A6", "#6CCB8F")
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "D", "^")
# Entity types in network pictures (person, organisation, place, group, anything else).
KIND_COLOURS = {
    "person": "#F4A259",
    "organisation": "#4EA8DE",
    "place": "#6CCB8F",
    "group": "#C29BEA",
}
OTHER_KIND = "#A5ABB3"
FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib: the same glyphs on every machine
DPI = 150
# MB the renderer may grow past its size after its first chart before it is replaced.
RECYCLE_MB = 64.0
# Seconds without a chart after which the renderer is stopped (70 MB, matplotlib and its font
# caches, held for charts that come seldom); the next chart starts and warms a new one (a
# second or two). Held through a burst of charts, let go before the soak's 30 s settle ends.
IDLE_SECONDS = 20.0
# Below the bot's priority (nice(2) increment), above the NLP worker's: a member waits for it.
NICENESS = 5

T = TypeVar("T")

# matplotlib shares font caches between figures and is not thread-safe: one chart is drawn at a
# time (the renderer has one thread; tests may draw in theirs).
_RENDER_LOCK = threading.Lock()
_WARM_LOCK = threading.Lock()
_WARMED = threading.Event()


def font(size: float, weight: str = "normal") -> FontProperties:
    """The chart font at `size` points."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONT_FAMILY, size=size, weight=weight)


def new_figure(width: float, height: float) -> Figure:
    """A figure of `width` x `height` inches at DPI, on the theme background, with a canvas
    of its own (no pyplot: nothing global is created or kept)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    return figure


def style_axes(axes: Axes, *, tick_size: float = 11) -> None:
    """Theme an axes: plot-area colour, light grid, muted spines and tick labels."""
    axes.set_facecolor(PLOT_AREA)
    axes.grid(True, color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side, spine in axes.spines.items():
        spine.set_visible(side in ("left", "bottom"))
        spine.set_color(GRID)
    axes.tick_params(colors=MUTED, length=0, pad=6)
    for label in (*axes.get_xticklabels(), *axes.get_yticklabels()):
        label.set_fontproperties(font(tick_size))


def render_png(build: Callable[[], Figure]) -> bytes:
    """Build a figure and return it as PNG bytes: the same figure gives the same bytes (no
    software or time metadata). Blocking CPU work: run it in the renderer (`render`)."""
    buffer = io.BytesIO()
    with _RENDER_LOCK:
        figure = build()
        figure.savefig(
            buffer,
            format="png",
            dpi=DPI,
            facecolor=figure.get_facecolor(),
            metadata={"Software": None},
        )
    return buffer.getvalue()


def warm_up() -> None:
    """Import matplotlib and fill its font and text caches once per process (the renderer's
    initializer), so no member's first chart pays ~300 ms for them."""
    with _WARM_LOCK:
        if _WARMED.is_set():
            return

        def sample() -> Figure:
            figure = new_figure(1.0, 1.0)
            figure.text(0.5, 0.5, "Warm 1", fontproperties=font(12))
            return figure

        render_png(sample)
        _WARMED.set()


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header; ValueError when the bytes are not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


_renderer: WorkerPool | None = None


def renderer() -> WorkerPool:
    """The process charts are drawn in, created (not yet started) on first use. One per
    process, shared by every bot and web app in it: stopped after IDLE_SECONDS without a
    chart, started again by the next; it exits with its parent (its lifeline), so nothing
    has to stop it."""
    global _renderer
    if _renderer is None:
        _renderer = WorkerPool(
            "process",
            warm=warm_up,
            recycle_mb=RECYCLE_MB,
            idle_seconds=IDLE_SECONDS,
            stop_when_idle=True,
            niceness=NICENESS,
            name="charts",
        )
    return _renderer


async def render(draw: Callable[[T], bytes], data: T) -> bytes:
    """`draw(data)` (a drawing module's function and plain picklable data) in the renderer."""
    return await renderer().run(draw, data)


async def start_renderer() -> None:
    """Start the renderer and warm it up now (at start-up), not on a member's first chart."""
    await renderer().run(warm_up)
