"""Discord's markdown, as much of it as feed posts use, drawn as HTML: what the bot escaped is
shown unescaped, `**bold**`, `*italic*`, masked links to http(s) addresses, role mentions and
timestamps. Everything else is text, escaped: the result is safe to put in a page as is."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from markupsafe import Markup, escape

# One token at a time, leftmost first; inner text of bold, italics and links is drawn again.
_TOKEN = re.compile(
    r"\\(?P<escaped>[^\w\s])"
    r"|<t:(?P<unix>-?\d{1,12})(?::(?P<style>[tTdDfFR]))?>"
    r"|<@&(?P<role>\d{1,20})>"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w*])\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    r"|\[(?P<label>[^\]\n]{1,256})\]\((?P<href>https?://[^\s()<>]{1,2000})\)",
    re.DOTALL,
)
MAX_CHARS = 8000
MAX_DEPTH = 3

RoleName = Callable[[int], str | None]


def _time(unix: int, style: str) -> str:
    try:
        moment = datetime.fromtimestamp(unix, UTC)
    except (OverflowError, OSError, ValueError):
        return str(unix)
    if style in "tT":
        return moment.strftime("%H:%M" if style == "t" else "%H:%M:%S")
    if style in "dD":
        return moment.strftime("%Y-%m-%d" if style == "d" else "%-d %B %Y")
    return moment.strftime("%-d %B %Y %H:%M UTC")


def discord_markup(
    text: str, *, role_name: RoleName = lambda role_id: None, depth: int = 0
) -> Markup:
    """`text` (Discord markdown) as safe HTML."""
    text = text[:MAX_CHARS]
    out: list[str] = []
    at = 0
    for match in _TOKEN.finditer(text):
        out.append(escape(text[at : match.start()]))
        at = match.end()
        inner = depth < MAX_DEPTH
        if match["escaped"] is not None:
            out.append(escape(match["escaped"]))
        elif match["unix"] is not None:
            shown = _time(int(match["unix"]), match["style"] or "f")
            out.append(Markup('<time class="stamp">{}</time>').format(shown))
        elif match["role"] is not None:
            name = role_name(int(match["role"])) or "unknown role"
            out.append(Markup('<span class="mention">@{}</span>').format(name))
        elif match["bold"] is not None and inner:
            out.append(
                Markup("<strong>{}</strong>").format(_again(match["bold"], role_name, depth))
            )
        elif match["italic"] is not None and inner:
            out.append(Markup("<em>{}</em>").format(_again(match["italic"], role_name, depth)))
        elif match["label"] is not None and inner:
            label = _again(match["label"], role_name, depth)
            out.append(Markup('<a href="{}" rel="noopener">{}</a>').format(match["href"], label))
        else:
            out.append(escape(match[0]))
    out.append(escape(text[at:]))
    return Markup("".join(out))


def _again(text: str, role_name: RoleName, depth: int) -> Markup:
    return discord_markup(text, role_name=role_name, depth=depth + 1)
