"""Entities as Discord sees them: a profile, a "which one?" list, the most mentioned, and
autocomplete choices."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands

from bot.models.entity import EntityProfile, EntityTally, KnownEntity, qualified_names
from bot.render import embeds, limits, text
from bot.render.views import Page, choice

# Headings for entity types, in the order they are listed.
KIND_TITLES = {
    "person": "People",
    "organisation": "Organisations",
    "place": "Places",
    "group": "Groups",
    "event": "Events",
    "other": "Other",
}
SENTENCE_CHARS = 400
ARTICLE_TITLE_CHARS = 120
NAMED_WITH_SHOWN = 10


def entity_line(entity: KnownEntity) -> str:
    """Markdown "**Name** · type" for lists."""
    return f"**{text.fit(entity.name, 100)}** · {entity.kind}"


def profile_embed(profile: EntityProfile) -> discord.Embed:
    """Type, aliases, counts, first/last seen, sentences from the latest articles grouped by
    article, and the entities most often named with it."""
    entity = profile.entity
    facts = entity.kind.capitalize()
    if profile.aliases:
        aliases = ", ".join(text.fit(a, 80) for a in profile.aliases)
        facts += f" · also {aliases}"
    seen = [
        f"{text.plural(entity.mention_count, 'mention')}"
        f" in {text.plural(entity.article_count, 'article')}"
    ]
    if profile.first_seen:
        seen.append(f"first seen {text.timestamp(profile.first_seen, 'D')}")
    if profile.last_seen:
        seen.append(f"last seen {text.timestamp(profile.last_seen, 'D')}")
    blocks = [facts + "\n" + " · ".join(seen)]

    by_article: dict[int, list[str]] = {}
    heading: dict[int, str] = {}
    for s in profile.sentences:
        if s.article_id not in heading:
            title = text.link(text.fit(s.title, ARTICLE_TITLE_CHARS), s.url)
            meta = " · ".join(p for p in (text.timestamp(s.when, "D"), f"#{s.article_id}") if p)
            heading[s.article_id] = f"**{title}** · {meta}"
        by_article.setdefault(s.article_id, []).append(f"> {text.fit(s.text, SENTENCE_CHARS)}")
    for article_id, quotes in by_article.items():
        blocks.append("\n".join([heading[article_id], *quotes]))

    fields = []
    if profile.co_mentioned:
        named = ", ".join(
            f"{text.fit(c.entity.name, 60)} ({c.shared_articles})"
            for c in profile.co_mentioned[:NAMED_WITH_SHOWN]
        )
        fields.append(embeds.Field("Named with (articles in common)", named))
    footer = f"Entity #{entity.id}"
    if profile.co_mention_window and entity.article_count > profile.co_mention_window:
        footer += f" · named-with counts from its latest {profile.co_mention_window:,} articles"
    return embeds.build(
        title=text.fit(entity.name, limits.EMBED_TITLE),
        description="\n\n".join(blocks),
        fields=fields,
        footer=footer,
        colour=embeds.Palette.NEWS,
    )


def profile_page(profile: EntityProfile) -> Page:
    """The profile, with a menu to look up the entities named with it."""
    choices = [
        choice(
            c.entity.name,
            c.entity.ref,
            f"{c.entity.kind} · {text.plural(c.shared_articles, 'article')} in common",
        )
        for c in profile.co_mentioned
    ]
    return Page(profile_embed(profile), choices=choices)


def candidates_page(name: str, candidates: Sequence[KnownEntity]) -> Page:
    """Several entities answer to `name` (raw text): list them with a menu to pick one."""
    labels = qualified_names(list(candidates))
    lines = [
        f"**{number}.** {text.escape(label)} · {entity.kind} · "
        f"{text.plural(entity.mention_count, 'mention')}"
        for number, (label, entity) in enumerate(zip(labels, candidates, strict=True), start=1)
    ]
    embed = embeds.build(
        title="Which “" + text.fit(name, limits.EMBED_TITLE - 20) + "”?",
        description="\n".join(lines) + "\n\nPick one below.",
        colour=embeds.Palette.WARNING,
    )
    options = [
        choice(label, entity.ref, f"{entity.kind} · {text.plural(entity.mention_count, 'mention')}")
        for label, entity in zip(labels, candidates, strict=True)
    ]
    return Page(embed, choices=options)


def top_embed(tallies: Sequence[EntityTally], kind: str | None, days: int | None) -> discord.Embed:
    """The most mentioned entities, numbered, with their counts in the period."""
    what = KIND_TITLES.get(kind, "Entities") if kind else "Entities"
    period = f"the last {text.plural(days, 'day')}" if days else "all time"
    title = f"Most mentioned: {what.lower()}, {period}"
    if not tallies:
        return embeds.build(
            title=title,
            description="Nothing yet: no article in that period names one. "
            "Try more `days`, or leave them out for all time.",
            colour=embeds.Palette.WARNING,
        )
    lines = [
        f"**{number}.** {entity_line(t.entity)} · "
        f"{text.plural(t.mentions, 'mention')} in {text.plural(t.articles, 'article')}"
        for number, t in enumerate(tallies, start=1)
    ]
    return embeds.build(
        title=title,
        description="\n".join(lines),
        footer="/entity name shows what the news says about one of them",
        colour=embeds.Palette.NEWS,
    )


def known_entity_choices(entities: Sequence[KnownEntity]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: "Herzi Halevi · person · 4 mentions", each finding exactly that
    entity again."""
    return [
        app_commands.Choice(
            name=text.plain(
                f"{e.name} · {e.kind} · {text.plural(e.mention_count, 'mention')}",
                limits.CHOICE_NAME,
            )
            or e.ref,
            value=e.ref,
        )
        for e in entities[: limits.CHOICES]
    ]
