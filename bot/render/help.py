"""/help and /about: the command list with examples, and the corpus at a glance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import discord

from bot.render import embeds, text

SEARCH_LANGUAGE = (
    '`ceasefire Qatar` both words · `"Shin Bet"` exact phrase · `ceasefire -Egypt` '
    "without Egypt · `truce OR ceasefire` either · `Halev*` prefix · filters "
    "`source:YWN` `after:2024-05-01` `before:2024-06` `entity:Hamas`"
)


@dataclass(frozen=True)
class CommandHelp:
    """One command as /help lists it: usage line (plain), description, example."""

    usage: str
    description: str
    example: str = ""


def help_embed(entries: Sequence[CommandHelp], *, prefix: str) -> discord.Embed:
    """Every command with what it does and an example, then the search language."""
    fields = []
    for entry in entries:
        value = text.escape(entry.description)
        if entry.example:
            value += f"\ne.g. `{entry.example.replace('`', 'ˋ')}`"
        fields.append(embeds.Field(text.escape(entry.usage), value))
    fields.append(embeds.Field("Search language", SEARCH_LANGUAGE))
    return embeds.build(
        title="Newsdesk commands",
        description=(
            "Search, read and follow the news without leaving Discord. In channels you can "
            f"also type `{prefix}news ceasefire` or mention me: `@Newsdesk ceasefire`."
        ),
        fields=fields,
        colour=embeds.Palette.INFO,
        footer="Results with buttons belong to whoever asked; use a command to get your own.",
    )


def _megabytes(size: object) -> str:
    return f"{int(size or 0) / 1_000_000:.1f} MB" if isinstance(size, int | float) else "?"


def about_embed(stats: Mapping[str, object], *, version: str, guilds: int) -> discord.Embed:
    """Version and corpus figures (articles, sources, dates covered, database size)."""
    first, last = stats.get("first"), stats.get("last")
    covered = "–"
    if isinstance(first, str) and isinstance(last, str):
        covered = f"{text.timestamp(first, 'D')} – {text.timestamp(last, 'D')}"
    fields = [
        embeds.Field("Articles", f"{stats.get('articles', 0):,}", inline=True),
        embeds.Field("Sources", f"{stats.get('sources', 0):,}", inline=True),
        embeds.Field("Servers", f"{guilds:,}", inline=True),
        embeds.Field("Coverage", covered, inline=True),
        embeds.Field("Database", _megabytes(stats.get("bytes")), inline=True),
        embeds.Field("Version", text.escape(version), inline=True),
    ]
    return embeds.build(
        title="About Newsdesk",
        description=(
            "Newsdesk turns news articles into answers inside chat: full-text search with "
            "highlighted passages, whole articles page by page, summaries and the people, "
            "organisations and places in the news. `/help` lists the commands."
        ),
        fields=fields,
        colour=embeds.Palette.INFO,
        footer=f"Newsdesk {version} · discord.py {discord.__version__}",
    )
