"""Who said what as Discord sees it: pages of what an entity was quoted as saying, each
quotation once with the other outlets that carried it, and quotes in follow notifications."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.insights.quotes import EntityQuotes, QuoteGroup
from bot.render import embeds, limits, text
from bot.render.views import Page
from bot.store import StoredQuote

PER_PAGE = 5
# Room per quotation: five stay well inside the description's 4096 characters.
QUOTE_CHARS = 450
TITLE_CHARS = 120
OUTLETS_SHOWN, OUTLET_CHARS = 3, 40


def quote_line(quote: StoredQuote, limit: int = QUOTE_CHARS) -> str:
    """The quotation's words as a Markdown quote, spacing folded, escaped and shortened."""
    return "> “" + text.fit(" ".join(quote.quote.split()), limit) + "”"


def source_line(quote: StoredQuote) -> str:
    """Markdown "**linked title** · source · date · #id" of the report carrying a quotation."""
    parts = [
        "**" + text.link(text.fit(quote.title, TITLE_CHARS), quote.url) + "**",
        text.escape(text.plain(quote.source, 60)) if quote.source else "",
        text.timestamp(quote.when, "D"),
        f"#{quote.article_id}",
    ]
    return " · ".join(p for p in parts if p)


def also_in(group: QuoteGroup) -> str:
    """ "also in 2: AP, Reuters" (a few outlets named), or nothing when no other carried it."""
    outlets = group.also_in
    if not outlets:
        return ""
    named = [text.escape(text.plain(o, OUTLET_CHARS)) for o in outlets[:OUTLETS_SHOWN]]
    if len(outlets) > OUTLETS_SHOWN:
        named.append(f"{len(outlets) - OUTLETS_SHOWN} more")
    return f"also in {len(outlets)}: {', '.join(named)}"


def group_block(group: QuoteGroup) -> str:
    """One quotation: its words, then where it was reported (and who else carried it)."""
    where = " · ".join(p for p in (source_line(group.quote), also_in(group)) if p)
    return f"{quote_line(group.quote)}\n— {where}"


def _period(days: int | None) -> str:
    return f"the last {text.plural(days, 'day')}" if days else "all time"


def quotes_page(said: EntityQuotes, number: int) -> Page:
    """Page `number` (1-based, clamped) of an entity's quotations, built when it is shown."""
    entity = said.entity
    title = text.fit(entity.name, limits.EMBED_TITLE - 20) + " · quoted"
    if not said.groups:
        return Page(
            embeds.build(
                title=title,
                description=f"No quotation of **{text.escape(text.plain(entity.name, 100))}** "
                f"is stored for {_period(said.days)}. Quotes are found in articles as they "
                "arrive; try more `days`, or leave them out for all time.",
                colour=embeds.Palette.WARNING,
            )
        )
    pages = math.ceil(len(said.groups) / PER_PAGE)
    number = min(max(number, 1), pages)
    shown = said.groups[(number - 1) * PER_PAGE : number * PER_PAGE]
    footer = [
        f"Page {number} of {pages}",
        text.plural(len(said.groups), "quotation"),
        _period(said.days),
    ]
    if said.capped:
        footer.append("the newest only: fewer days reach older ones")
    return Page(
        embeds.build(
            title=title,
            description="\n\n".join(group_block(g) for g in shown),
            footer=" · ".join(footer),
            colour=embeds.Palette.NEWS,
        ),
        pages=pages,
    )


def followed_quotes(quotes: Sequence[StoredQuote], limit: int = 3) -> list[str]:
    """A followed speaker's new quotations in one article, for a notification: at most
    `limit`, each shortened, the rest counted."""
    lines = [quote_line(q, 200) for q in quotes[:limit]]
    if len(quotes) > limit:
        lines.append(f"> …and {text.plural(len(quotes) - limit, 'more quotation')}")
    return lines
