"""One article's full text as paged embeds, plus the byline other renderers reuse."""

from __future__ import annotations

import discord

from bot.models import Article
from bot.render import embeds, text
from bot.render.views import PageSource, static_source

# Characters of body text per page: a screenful, with room for the caption on page 1.
PAGE_CHARS = 3400
CAPTION_CHARS = 500


def source_line(article: Article) -> str:
    """Plain "source · desk · dateline" for an embed's author line."""
    source = article.source
    if source and article.desk.casefold().startswith(source.casefold()):
        source = ""  # "YWN · YWN Israel Desk" says YWN twice
    return " · ".join(p for p in (source, article.desk, article.dateline) if p)


def byline(article: Article) -> str:
    """Markdown "source · date · link" line for any embed about the article."""
    parts = [
        text.escape(text.plain(article.source, 80)) if article.source else "",
        text.timestamp(article.when, "D"),
        text.link("link", article.url) if text.safe_url(article.url) else "",
        f"#{article.id}",
    ]
    return " · ".join(p for p in parts if p)


def article_pages(article: Article) -> list[discord.Embed]:
    """The whole article: the caption and facts on page 1, the body split over as many pages
    as it needs, each embed within every limit."""
    pages = text.paginate(article.body, PAGE_CHARS)
    if article.caption:
        caption = text.fit(article.caption, CAPTION_CHARS)
        pages[0] = f"*{caption}*\n\n{pages[0]}".strip()
    facts = [
        embeds.Field("Published", text.timestamp(article.when, "f") or "unknown", inline=True),
    ]
    if article.author:
        facts.append(embeds.Field("By", text.fit(article.author, 200), inline=True))
    title = text.fit(article.title, 256)
    return [
        embeds.build(
            title=title,
            url=article.url,
            description=body,
            author=source_line(article),
            fields=facts if number == 1 else (),
            footer=f"Article #{article.id} · page {number} of {len(pages)}",
            colour=embeds.Palette.ARTICLE,
        )
        for number, body in enumerate(pages, start=1)
    ]


def article_source(article: Article) -> PageSource:
    """A pager source over the article's pages (rendered once, served from memory)."""
    return static_source(article_pages(article))
