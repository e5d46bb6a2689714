"""An article's summary as Discord sees it: bullet sentences, byline, the entities it names."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands

from bot.models.entity import ArticleSummary, EntityTally
from bot.render import embeds, limits, text
from bot.render.article import byline, source_line
from bot.render.entity import KIND_TITLES

SENTENCE_CHARS = 700
NAMES_PER_KIND = 12


def entity_fields(tallies: Sequence[EntityTally]) -> list[embeds.Field]:
    """One inline field per entity type ("People", "Places", ...), most mentioned first."""
    by_kind: dict[str, list[str]] = {}
    for tally in tallies:
        by_kind.setdefault(tally.entity.kind, []).append(text.fit(tally.entity.name, 80))
    return [
        embeds.Field(title, ", ".join(by_kind[kind][:NAMES_PER_KIND]), inline=True)
        for kind, title in KIND_TITLES.items()
        if kind in by_kind
    ]


def summary_embed(summary: ArticleSummary) -> discord.Embed:
    """Title (linked), bullet sentences in reading order, byline, and who/what it mentions."""
    article = summary.article
    bullets = [f"• {text.fit(s.text, SENTENCE_CHARS)}" for s in summary.sentences]
    description = "\n".join(bullets) or "*This article has no sentences to summarise.*"
    return embeds.build(
        title=text.fit(article.title, limits.EMBED_TITLE),
        url=article.url,
        author=source_line(article),
        description=f"{description}\n\n{byline(article)}",
        fields=entity_fields(summary.entities),
        footer=f"Summary of article #{article.id} · /article id:{article.id} reads it all",
        colour=embeds.Palette.ARTICLE,
    )


def article_choices(found: Sequence[tuple[int, str]]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices for (id, title) pairs: "#12 · Title", value the id."""
    return [
        app_commands.Choice(
            name=text.plain(f"#{article_id} · {title}", limits.CHOICE_NAME), value=str(article_id)
        )
        for article_id, title in found[: limits.CHOICES]
    ]
