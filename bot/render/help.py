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


# Commands per page: a page stays readable on a phone and far inside the embed limits.
PER_PAGE = 8


def _field(entry: CommandHelp) -> embeds.Field:
    value = text.escape(entry.description) or "\u200b"
    if entry.example:
        value += f"\ne.g. `{entry.example.replace('`', 'ˋ')}`"
    return embeds.Field(text.escape(entry.usage), value)


def help_pages(entries: Sequence[CommandHelp], *, prefix: str) -> list[discord.Embed]:
    """Every command with what it does and an example, a page per `PER_PAGE` commands; the
    search language closes the last page."""
    fields = [_field(entry) for entry in entries]
    fields.append(embeds.Field("Search language", SEARCH_LANGUAGE))
    chunks = [fields[i : i + PER_PAGE] for i in range(0, len(fields), PER_PAGE)]
    shown = text.escape(prefix)
    intro = (
        "Search, read and follow the news without leaving Discord. In channels you can "
        f"also type {shown}news ceasefire or mention me: @Newsdesk ceasefire."
    )
    return [
        embeds.build(
            title="Newsdesk commands",
            description=intro if number == 1 else "",
            fields=chunk,
            colour=embeds.Palette.INFO,
            footer=f"Page {number} of {len(chunks)} · buttons belong to whoever asked",
        )
        for number, chunk in enumerate(chunks, start=1)
    ]


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
