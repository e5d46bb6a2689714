"""One article's full text as paged embeds, built one page at a time as it is shown, plus the
byline other renderers reuse.

Pages are cut from the body by position alone, so any page can be built without the ones
before it and the page count is a division: page k ends at the last paragraph, sentence or
word break in the BREAK_WINDOW characters before k × PAGE_CHARS (page 1 holds the caption's
length less). A 9 MB article's first page reads 2,400 characters of it, not 9 MB, and renders
one page, not 3,800 (issue 16, class 1).
"""

from __future__ import annotations

import re

import discord

from bot import budget, work
from bot.errors import ArticleNotFound
from bot.models import Article
from bot.render import embeds, limits, text
from bot.render.views import Page, PageSource
from bot.store import Store

# Characters of the body a page holds, at most BREAK_WINDOW fewer (cut at a break).
PAGE_CHARS = budget.ARTICLE_PAGE_CHARS
BREAK_WINDOW = 300
CAPTION_CHARS = 500
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_SENTENCE = re.compile(r"[.!?…][\"”’)\]]*\s")
_SPACE = re.compile(r"\s")


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


def lead(article: Article) -> str:
    """What page 1 shows before the body: the caption in italics, or nothing."""
    if not article.caption:
        return ""
    return f"*{text.fit(article.caption, CAPTION_CHARS)}*\n\n"


def page_count(body_chars: int, lead_chars: int = 0) -> int:
    """How many pages a body of `body_chars` characters fills (page 1 holds `lead_chars`
    fewer): from the length alone."""
    return max(1, -(-(body_chars + lead_chars) // PAGE_CHARS))


def _nominal_end(number: int, lead_chars: int) -> int:
    return number * PAGE_CHARS - lead_chars


def page_span(number: int, lead_chars: int) -> tuple[int, int]:
    """The part of the body to read for page `number`: (start, length), covering the break
    window before its start and its nominal end."""
    start = 0 if number <= 1 else _nominal_end(number - 1, lead_chars) - BREAK_WINDOW
    return start, _nominal_end(number, lead_chars) - start


def _cut(part: str, part_start: int, number: int, lead_chars: int) -> int:
    """Where (in `part`) page `number` ends: after the last paragraph break, else sentence
    end, else space in the window before its nominal end; at the nominal end if none."""
    end = _nominal_end(number, lead_chars) - part_start
    window = part[max(end - BREAK_WINDOW, 0) : end]
    for pattern in (_PARAGRAPH, _SENTENCE, _SPACE):
        breaks = list(pattern.finditer(window))
        if breaks:
            return max(end - BREAK_WINDOW, 0) + breaks[-1].end()
    return end


def page_text(part: str, part_start: int, number: int, pages: int, lead_chars: int) -> str:
    """The raw body text of page `number` of `pages`, from `part`, the body read from
    `part_start` (as `page_span` says)."""
    start = 0 if number <= 1 else _cut(part, part_start, number - 1, lead_chars)
    end = len(part) if number >= pages else _cut(part, part_start, number, lead_chars)
    return part[start:end]


def _rendered(raw: str, room: int) -> str:
    """A page's text as markdown: escaped, or (for text so full of markdown characters that
    escaping would not fit) verbatim in a code block."""
    escaped = text.escape(raw.strip())
    return escaped if len(escaped) <= room else text.verbatim(raw.strip())


def article_page(article: Article, part_start: int, body_chars: int, number: int) -> Page:
    """Page `number` of an article whose `body` holds only the part read from `part_start`
    (see `page_span`) of a body `body_chars` characters long."""
    head = lead(article)
    pages = page_count(body_chars, len(head))
    number = min(max(number, 1), pages)
    raw = page_text(article.body, part_start, number, pages, len(head))
    head = head if number == 1 else ""
    facts = [
        embeds.Field("Published", text.timestamp(article.when, "f") or "unknown", inline=True),
    ]
    if article.author:
        facts.append(embeds.Field("By", text.fit(article.author, 200), inline=True))
    work.spend("article_pages")
    embed = embeds.build(
        title=text.fit(article.title, 256),
        url=article.url,
        description=head + _rendered(raw, limits.EMBED_DESCRIPTION - len(head)),
        author=source_line(article),
        fields=facts if number == 1 else (),
        footer=f"Article #{article.id} · page {number:,} of {pages:,}",
        colour=embeds.Palette.ARTICLE,
    )
    return Page(embed, pages=pages)


def article_pages(article: Article) -> list[discord.Embed]:
    """Every page of an article held in full (for tests and short texts; the bot builds
    pages one at a time with `article_reader`)."""
    pages = page_count(len(article.body), len(lead(article)))
    return [article_page(article, 0, len(article.body), n).embed for n in range(1, pages + 1)]


async def article_reader(store: Store, article_id: int) -> PageSource | None:
    """A pager source over an article: each page read from the store and rendered when it is
    shown; None when there is no such article."""
    first = await store.article_part(article_id, *page_span(1, 0))
    if first is None:
        return None
    article, body_chars = first
    lead_chars = len(lead(article))

    async def source(number: int) -> Page:
        number = min(max(number, 1), page_count(body_chars, lead_chars))
        start, length = page_span(number, lead_chars)
        found = first if number == 1 else await store.article_part(article_id, start, length)
        if found is None:
            raise ArticleNotFound(f"Article #{article_id} is no longer stored.")
        return article_page(found[0], start, body_chars, number)

    return source
