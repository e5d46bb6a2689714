"""Feed posts as data, with no Discord library: each article through its subscription's template
(placeholders filled, article text escaped for markdown parts and cleaned for the footer), the
card cut to Discord's limits, and templates checked against those limits. `feed_posts` turns a
`Card` into the message the bot sends; the web newsroom draws the same `Card` as its preview,
so the preview and the post come from one function.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.feeds.announcements import NewArticle
from bot.feeds.templates import (
    PART_NAMES,
    SEPARATORS,
    MessageTemplate,
    Part,
    Pattern,
    Placeholder,
    TemplateError,
    Text,
)
from bot.render import limits, text
from bot.store import Feed, Subscription

# Newsdesk's news blue: a card's colour when its template sets none (embeds.Palette.NEWS).
NEWS_COLOUR = 0x1F6FEB

# The most a placeholder shows without a cut (rendered characters); a link longer than its
# bound is left out rather than broken.
BOUNDS = {
    "title": limits.EMBED_TITLE,
    "summary": 350,
    "link": 500,
    "source": 100,
    "author": 100,
    "published": 40,
    "entities": 200,
    "also_in": 200,
    "feed": 100,
    "role": 30,
}
PART_LIMITS: dict[Part, int] = {
    "content": limits.CONTENT,
    "title": limits.EMBED_TITLE,
    "description": limits.EMBED_DESCRIPTION,
    "footer": limits.EMBED_FOOTER,
}
_EMPTY = "\x00"  # where a placeholder came out empty (cleaned text never holds it)
_SEP = "|".join(re.escape(s) for s in SEPARATORS)
# An empty placeholder takes the separator before it along, else the one after it, else a
# space: "A · {empty} · B" → "A · B", "{empty} · B" → "B", "A {empty} B" → "A B".
_SEP_BEFORE = re.compile(rf"[ \t]*(?:{_SEP})[ \t]*{_EMPTY}")
_SEP_AFTER = re.compile(rf"{_EMPTY}[ \t]*(?:{_SEP})[ \t]*")
_SPACE_BEFORE = re.compile(rf"[ \t]*{_EMPTY}")


# -- filling placeholders ---------------------------------------------------------------------


def also_in(sources: Sequence[str]) -> str:
    """`also in 2 sources: Coastal Wire, Reuters` (plain text), or ""."""
    if not sources:
        return ""
    names = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
    noun = "source" if len(sources) == 1 else "sources"
    return f"also in {len(sources)} {noun}: {names}"


def _raw(name: str, item: NewArticle, feed: Feed) -> str:
    article = item.article
    values = {
        "title": article.title,
        "summary": item.summary,
        "source": article.source,
        "author": article.author,
        "entities": ", ".join(item.entities),
        "also_in": also_in(item.other_sources),
        "feed": feed.name,
    }
    return values[name]


def _one(
    name: str, node: Placeholder, item: NewArticle, feed: Feed, role: int | None, markdown: bool
) -> str:
    bound = node.cut or BOUNDS[name]
    if name == "link":
        url = text.safe_url(item.article.url)
        return url if url and len(url) <= bound else ""
    if name == "role":
        return f"<@&{role}>" if role else ""
    if name == "published":
        when = item.article.published_at
        if not markdown:
            moment = text.parse_when(when)
            return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""
        return text.timestamp(when, node.style or "f") if when else ""
    raw = _raw(name, item, feed)
    if not markdown:
        return text.plain(raw, bound)
    # The summary keeps its sentences as written; one-line values lose stray line breaks.
    return text.fit(raw if name == "summary" else text.plain(raw), bound)


def render_pattern(
    pattern: Pattern, item: NewArticle, feed: Feed, role: int | None, *, markdown: bool
) -> str:
    """One text of a template, filled for one article (`markdown`: Discord renders it)."""
    pieces: list[str] = []
    for node in pattern.nodes:
        if isinstance(node, Text):
            pieces.append(text.visible(node.text))
            continue
        value = next(
            (v for name in node.names if (v := _one(name, node, item, feed, role, markdown))), ""
        )
        pieces.append(value or _EMPTY)
    lines = []
    for line in "".join(pieces).split("\n"):
        for empty in (_SEP_BEFORE, _SEP_AFTER, _SPACE_BEFORE):
            line = empty.sub("", line)
        lines.append(line.replace(_EMPTY, "").strip(" \t"))
    return "\n".join(lines).strip()


@dataclass(frozen=True)
class Card:
    """An article as its template shows it, within Discord's limits: the message text (None
    when empty) and, unless the template is plain text, an embed's parts (markdown in title
    and description, plain text in the footer)."""

    content: str | None
    embed: bool
    title: str = ""
    description: str = ""
    url: str | None = None
    colour: int = NEWS_COLOUR
    footer: str = ""
    timestamp: datetime | None = None
    thumbnail: str | None = None


def item_card(
    template: MessageTemplate, item: NewArticle, feed: Feed, subscription: Subscription
) -> Card:
    """An article through its template: the one render behind posts and previews alike."""
    role = subscription.role_id

    def fill(part: Part, markdown: bool = True) -> str:
        return render_pattern(template.pattern(part), item, feed, role, markdown=markdown)

    content = fill("content") or None
    if not template.embed:
        # A plain-text template whose placeholders all came out empty still says something.
        return Card(content or text.fit(text.plain(item.article.title), limits.CONTENT), False)
    title, description = fill("title"), fill("description")
    if not title and not description:
        # Discord refuses an embed with nothing in it: the headline stands in.
        title = text.fit(text.plain(item.article.title), limits.EMBED_TITLE)
    # Cut as the embed builder cuts (bot.render.embeds.build), so the card is what is sent.
    title = text.clip(title.strip(), limits.EMBED_TITLE)
    footer = text.plain(fill("footer", markdown=False), limits.EMBED_FOOTER)
    room = limits.EMBED_TOTAL - len(title) - len(footer)
    description = text.clip(description.strip(), min(limits.EMBED_DESCRIPTION, room))
    image = text.safe_url(str(item.article.metadata.get("image") or ""))
    return Card(
        content,
        True,
        title=title,
        description=description,
        url=text.safe_url(item.article.url) if title else None,
        colour=template.colour if template.colour is not None else NEWS_COLOUR,
        footer=footer,
        timestamp=text.parse_when(item.article.when),
        thumbnail=image if template.thumbnail and image else None,
    )


# -- checking a template ----------------------------------------------------------------------


def _most(pattern: Pattern) -> int:
    """The longest a text can render to: its own text plus each placeholder's bound."""
    total = 0
    for node in pattern.nodes:
        if isinstance(node, Text):
            total += len(text.visible(node.text))
        else:
            total += max(node.cut or BOUNDS[name] for name in node.names)
    return total


def check_template(template: MessageTemplate) -> None:
    """Refuse a template that could exceed a Discord limit, saying which part, how long it
    can get and what to do."""
    most = {part: _most(template.pattern(part)) for part in PART_LIMITS}
    for part, limit in PART_LIMITS.items():
        if most[part] > limit:
            raise TemplateError(
                f"The {PART_NAMES[part]} can reach {most[part]:,} characters, over Discord's "
                f"limit of {limit:,} for it. Shorten its own text or cut a placeholder, e.g. "
                "`{title:100}` or `{summary:300}`."
            )
    embedded = most["title"] + most["description"] + most["footer"]
    if embedded > limits.EMBED_TOTAL:
        raise TemplateError(
            f"The embed's title, description and footer can reach {embedded:,} characters "
            f"together, over Discord's limit of {limits.EMBED_TOTAL:,} for an embed. Cut a "
            "placeholder, e.g. `{summary:1000}`."
        )
