"""Search results as Discord sees them: a page of ranked hits with highlighted snippets."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.models import SearchHit, SearchPage
from bot.render import embeds, limits, text
from bot.render.views import Page, choice
from bot.search import count_text, pages_text

# Room per hit in the description: five hits stay well inside the 4096 limit.
TITLE_CHARS = 200
SNIPPET_CHARS = 420


def hit_block(number: int, hit: SearchHit) -> str:
    """One hit: a linked bold title, source · date · id, and the snippet as a quote."""
    title = text.link(text.fit(hit.title, TITLE_CHARS), hit.url)
    meta = " · ".join(
        part
        for part in (text.escape(text.plain(hit.source, 80)), text.timestamp(hit.when, "D"))
        if part
    )
    meta = f"{meta} · #{hit.id}" if meta else f"#{hit.id}"
    snippet = text.fit(hit.snippet, SNIPPET_CHARS, text.highlight)
    lines = [f"**{number}.** {title}", meta]
    if snippet:
        lines.append(f"> {snippet}")
    return "\n".join(lines)


def results_title(label: str) -> str:
    """The embed title for results of the query the user typed (`label`, raw text)."""
    return "Results for “" + text.fit(text.plain(label), limits.EMBED_TITLE - 20) + "”"


def results_embed(page: SearchPage, label: str, notes: Sequence[str] = ()) -> discord.Embed:
    """One page of hits; `label` is the query as the user typed it (raw text)."""
    first = (page.page - 1) * page.per_page + 1
    blocks = [hit_block(first + i, hit) for i, hit in enumerate(page.hits)]
    footer = [f"Page {page.page} of {pages_text(page)}", count_text(page), *notes]
    return embeds.build(
        title=results_title(label),
        description="\n\n".join(blocks),
        colour=embeds.Palette.NEWS,
        footer=" · ".join(footer),
    )


def results_page(page: SearchPage, label: str, notes: Sequence[str] = ()) -> Page:
    """A pager page: the embed plus one select-menu choice per hit to open the article."""
    choices = [
        choice(f"{hit.title}", str(hit.id), " · ".join(p for p in (hit.source, hit.when[:10]) if p))
        for hit in page.hits
    ]
    # The buttons turn through page.pages: those of the first COUNT_CAP results, all that
    # search() serves at this page size.
    return Page(results_embed(page, label, notes), pages=page.pages, choices=choices)


def no_results_embed(label: str, suggestions: Sequence[str] = ()) -> discord.Embed:
    """Nothing matched: say so, offer close words from the index and a tip."""
    lines = []
    if suggestions:
        words = ", ".join(f"**{text.escape(word)}**" for word in suggestions)
        lines.append(f"Did you mean: {words}?")
    lines.append(
        "Try fewer words, `OR` between alternatives, or a prefix such as `ceasefir*`. "
        "`/help` shows the whole search language."
    )
    return embeds.build(
        title="No articles match “" + text.fit(text.plain(label), limits.EMBED_TITLE - 30) + "”",
        description="\n\n".join(lines),
        colour=embeds.Palette.WARNING,
    )
