"""Embeds: Newsdesk's colours and one builder that keeps every Discord embed limit.

    from bot.render import embeds, text
    embed = embeds.build(
        title=text.escape(article.title),                  # markdown parts: escape first
        description=text.escape(article.body),              # too long? it is clipped safely
        url=article.url,                                    # kept only if it is a safe http(s) URL
        fields=[embeds.Field("Source", text.escape(article.source), inline=True)],
        footer=f"Article #{article.id}",                    # plain parts: cleaned here
        colour=embeds.Palette.ARTICLE,
        timestamp=article.when,
    )

Whatever the inputs' lengths, the result fits: each part within its own limit, empty field
names/values replaced (Discord rejects them), at most 25 fields, and the 6000-character total
kept by shortening the description first, then dropping fields from the end, then the footer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import discord

from bot.render import limits, text


class Palette:
    """The colour of each kind of answer, so users learn to read them at a glance."""

    NEWS = discord.Colour(0x1F6FEB)  # search results and lists of articles
    ARTICLE = discord.Colour(0x0E7490)  # one article's text
    INFO = discord.Colour(0x6E7781)  # help, about, settings
    SUCCESS = discord.Colour(0x2DA44E)  # a change was made
    WARNING = discord.Colour(0xBF8700)  # nothing found, try something else
    ERROR = discord.Colour(0xCF222E)  # something went wrong


# What an empty field name or value becomes: Discord requires both, and this shows nothing.
BLANK = "\u200b"


@dataclass(frozen=True)
class Field:
    """One embed field; `name` and `value` are markdown (escape raw text first)."""

    name: str
    value: str
    inline: bool = False


def build(
    *,
    title: str = "",
    description: str = "",
    url: str | None = None,
    colour: discord.Colour = Palette.NEWS,
    fields: Sequence[Field] = (),
    footer: str = "",
    author: str = "",
    timestamp: str | datetime | date | None = None,
) -> discord.Embed:
    """An embed within every Discord limit; markdown parts must already be escaped."""
    title = text.clip(title.strip(), limits.EMBED_TITLE)
    footer = text.plain(footer, limits.EMBED_FOOTER)
    author = text.plain(author, limits.EMBED_AUTHOR)
    kept = [
        Field(
            text.clip(f.name.strip(), limits.EMBED_FIELD_NAME) or BLANK,
            text.clip(f.value.strip(), limits.EMBED_FIELD_VALUE) or BLANK,
            f.inline,
        )
        for f in fields[: limits.EMBED_FIELDS]
    ]
    fixed = len(title) + len(footer) + len(author)
    while kept and fixed + _fields_size(kept) > limits.EMBED_TOTAL:
        kept.pop()
    if fixed + _fields_size(kept) > limits.EMBED_TOTAL:
        # Only reachable with huge titles and authors and no fields: the footer gives way.
        footer = text.truncate(footer, max(limits.EMBED_TOTAL - len(title) - len(author), 0))
        fixed = len(title) + len(footer) + len(author)
    room = limits.EMBED_TOTAL - fixed - _fields_size(kept)
    description = text.clip(description.strip(), min(limits.EMBED_DESCRIPTION, room))

    embed = discord.Embed(
        title=title or None,
        description=description or None,
        url=text.safe_url(url) if title else None,
        colour=colour,
        timestamp=text.parse_when(timestamp),
    )
    for f in kept:
        embed.add_field(name=f.name, value=f.value, inline=f.inline)
    if footer:
        embed.set_footer(text=footer)
    if author:
        embed.set_author(name=author)
    return embed


def _fields_size(fields: Sequence[Field]) -> int:
    return sum(len(f.name) + len(f.value) for f in fields)


def size(embed: discord.Embed) -> int:
    """The characters Discord counts against the 6000 total for this embed."""
    return len(embed)
