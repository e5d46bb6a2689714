"""Draw the bot's Discord messages in a terminal with rich: embeds, fields, buttons, files."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.terminal import printable

from .emulator.state import Message

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::[tTdDfFR])?>")
_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")
BUTTON_STYLES = {
    1: "bold white on blue",
    2: "white on grey23",
    3: "white on green4",
    4: "white on red3",
    5: "underline cyan",
}


_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~>])")


def _outside(value: Any) -> Any:
    """A message part with every string `printable`: what the bot sends quotes articles,
    feeds and typed text, and none of it may drive the terminal."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_outside(item) for item in value]
    if isinstance(value, dict):
        return {key: _outside(item) for key, item in value.items()}
    return value


def _discord_markup(text: str) -> str:
    """Show Discord-only syntax readably: timestamps as dates, mentions as @id."""

    def stamp(match: re.Match[str]) -> str:
        try:
            return datetime.fromtimestamp(int(match[1]), UTC).strftime("%Y-%m-%d %H:%M UTC")
        except (OverflowError, OSError, ValueError):
            return match[0]

    text = _TIMESTAMP.sub(stamp, text)
    return _MENTION.sub(lambda m: f"{m[1][0]}{m[2]}", text)


def _md(text: str) -> RenderableType:
    # Discord shows every line break; markdown joins single ones, so make them hard breaks.
    text = re.sub(r"(?<!\n)\n(?!\n)", "  \n", _discord_markup(text))
    return Markdown(text, hyperlinks=False)


def render_embed(embed: dict[str, Any]) -> RenderableType:
    """One embed as a panel whose border takes the embed's colour bar."""
    embed = _outside(embed)
    parts: list[RenderableType] = []
    author = embed.get("author", {}).get("name")
    if author:
        parts.append(Text(author, style="bold dim"))
    if embed.get("description"):
        parts.append(_md(embed["description"]))
    fields = embed.get("fields", [])
    if fields:
        grid = Table.grid(padding=(0, 2), expand=True)
        row: list[RenderableType] = []
        for field in fields:
            cell = Group(Text(_discord_markup(field["name"]), style="bold"), _md(field["value"]))
            if not field.get("inline"):
                if row:
                    grid.add_row(*row)
                    row = []
                grid.add_row(cell)
                continue
            row.append(cell)
            if len(row) == 3:
                grid.add_row(*row)
                row = []
        if row:
            grid.add_row(*row)
        parts.append(grid)
    if embed.get("image", {}).get("url"):
        parts.append(Text(f"[image: {embed['image']['url']}]", style="dim"))
    footer = embed.get("footer", {}).get("text")
    if footer or embed.get("timestamp"):
        bits = [b for b in (footer, embed.get("timestamp", "")[:16].replace("T", " ")) if b]
        parts.append(Text(" • ".join(bits), style="dim"))
    colour = embed.get("color")
    border = f"#{colour:06x}" if isinstance(colour, int) else "grey50"
    title = embed.get("title")
    if embed.get("url") and title:
        title = f"{title} ↗"
    return Panel(
        Group(*parts) if parts else Text(""),
        title=Text(_discord_markup(title), style="bold") if title else None,
        title_align="left",
        border_style=border,
        subtitle=Text(embed["url"], style="dim cyan") if embed.get("url") else None,
        subtitle_align="left",
    )


def render_components(rows: list[dict[str, Any]]) -> RenderableType | None:
    """Buttons as labelled chips and select menus with their options, one line per row."""
    rows = _outside(rows)
    lines: list[Text] = []
    for row in rows:
        line = Text()
        for item in row.get("components", []):
            if item.get("type") == 2:
                label = item.get("label") or item.get("emoji", {}).get("name") or "button"
                style = BUTTON_STYLES.get(item.get("style", 2), "reverse")
                if item.get("disabled"):
                    style = "dim strike"
                line.append(f" {label} ", style=style)
                line.append(" ")
            elif item.get("type") == 3:
                options = ", ".join(o.get("label", "") for o in item.get("options", [])[:5])
                more = "…" if len(item.get("options", [])) > 5 else ""
                placeholder = item.get("placeholder") or "choose"
                line.append(f"▾ {placeholder}: {options}{more}", style="cyan")
        if line:
            lines.append(line)
    return Group(*lines) if lines else None


def render_message(message: Message) -> RenderableType:
    """A whole message: author line, content, embeds, attachments, components."""
    parts: list[RenderableType] = []
    header = Text(printable(message.author.username), style="bold magenta")
    header.append("  BOT", style="bold white on blue") if message.author.bot else None
    if message.ephemeral:
        header.append("  only you can see this", style="italic dim")
    if message.edits:
        header.append("  (edited)", style="dim")
    parts.append(header)
    if message.content:
        parts.append(_md(printable(message.content)))
    parts.extend(render_embed(embed) for embed in message.embeds)
    for attachment in message.attachments:
        parts.append(
            Text(
                f"📎 {printable(attachment.filename)} ({len(attachment.data):,} bytes)",
                style="cyan",
            )
        )
    components = render_components(message.components)
    if components is not None:
        parts.append(components)
    return Group(*parts)


def plain_text(message: Message) -> str:
    """Everything a reader sees in a message as plain text (for one-shot mode and tests)."""
    lines = [_discord_markup(message.content)] if message.content else []
    for embed in message.embeds:
        lines.extend(
            _discord_markup(x)
            for x in (
                embed.get("author", {}).get("name"),
                embed.get("title"),
                embed.get("description"),
            )
            if x
        )
        for field in embed.get("fields", []):
            lines.append(_discord_markup(f"{field['name']}: {field['value']}"))
        if embed.get("footer", {}).get("text"):
            lines.append(embed["footer"]["text"])
    labels = [
        item.get("label")
        for row in message.components
        for item in row.get("components", [])
        if item.get("type") == 2 and item.get("label")
    ]
    if labels:
        lines.append(" ".join(f"[{label}]" for label in labels))
    for row in message.components:
        for item in row.get("components", []):
            if item.get("type") == 3:
                options = item.get("options", [])
                lines.append(f"▾ {item.get('placeholder') or 'choose'}:")
                lines.extend(f"  {n}. {o.get('label', '')}" for n, o in enumerate(options, 1))
    # Plain text shows what a reader sees: markdown escapes are not part of it.
    return printable(_ESCAPED.sub(r"\1", "\n".join(lines)))
