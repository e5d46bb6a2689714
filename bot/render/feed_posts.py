"""Feed posts as Discord sees them: each article through its subscription's template (the one
render function for real posts and previews alike), bursts packed into messages, held
articles packed into one card, and templates checked against Discord's limits.

Placeholders are filled here: article text is escaped for markdown parts (message text,
title, description) and cleaned for the footer, which Discord shows as plain text; the
template's own text is the admin's markdown, kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.feeds.announcements import Announcement, NewArticle
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
from bot.render import embeds, limits, text
from bot.store import Feed, Subscription

# An announcement burst beyond this many articles ends with one list of the rest, so a feed
# that publishes fifty items at once does not flood the channel.
MAX_CARDS = 20
THREAD_NAME = 100
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


@dataclass(frozen=True)
class Post:
    """One message to send: content (None for none), its embeds, and the announcement ids it
    carries; `thread_name` names the forum post it starts, when posting in a forum."""

    content: str | None
    embeds: list[discord.Embed]
    announcement_ids: list[int]
    thread_name: str


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


# -- one article, one post --------------------------------------------------------------------


def item_post(
    template: MessageTemplate, item: NewArticle, feed: Feed, subscription: Subscription
) -> tuple[str | None, discord.Embed | None]:
    """An article as its template shows it: the message text (None when empty) and the embed
    (None for plain-text templates)."""
    role = subscription.role_id

    def fill(part: Part, markdown: bool = True) -> str:
        return render_pattern(template.pattern(part), item, feed, role, markdown=markdown)

    content = fill("content") or None
    if not template.embed:
        # A plain-text template whose placeholders all came out empty still says something.
        return content or text.fit(text.plain(item.article.title), limits.CONTENT), None
    title, description = fill("title"), fill("description")
    if not title and not description:
        # Discord refuses an embed with nothing in it: the headline stands in.
        title = text.fit(text.plain(item.article.title), limits.EMBED_TITLE)
    colour = discord.Colour(template.colour) if template.colour is not None else None
    embed = embeds.build(
        title=title,
        description=description,
        url=item.article.url,
        colour=colour or embeds.Palette.NEWS,
        footer=fill("footer", markdown=False),
        timestamp=item.article.when,
    )
    image = text.safe_url(str(item.article.metadata.get("image") or ""))
    if template.thumbnail and image:
        embed.set_thumbnail(url=image)
    return content, embed


def item_mark(announcement: Announcement, item: NewArticle, *, forum: bool) -> str:
    """How an article's post is recognised once posted (after a crash): a forum post's name,
    else its card's title and link, else (plain text) its message text."""
    if forum:
        return text.plain(item.article.title, THREAD_NAME)
    content, embed = item_post(
        announcement.template, item, announcement.feed, announcement.subscription
    )
    return embed_mark(embed) if embed is not None else content or ""


def embed_mark(embed: discord.Embed) -> str:
    """The mark a posted card carries: its title and link (or its list's first line)."""
    second = embed.url or (embed.description or "").split("\n", 1)[0]
    return f"{embed.title}\n{second}"


# -- announcements: bursts, forums, packed cards ----------------------------------------------


def _more_card(items: Sequence[NewArticle], title: str, footer: str = "") -> discord.Embed:
    lines = [
        "• "
        + text.link(text.fit(text.plain(i.article.title), 150), i.article.url)
        + (f" · {text.escape(text.plain(i.article.source, 60))}" if i.article.source else "")
        for i in items
    ]
    description = ""
    for number, line in enumerate(lines):
        rest = f"…and {len(lines) - number} more"
        if len(description) + len(line) + len(rest) + 2 > limits.EMBED_DESCRIPTION - 40:
            description += rest
            break
        description += line + "\n"
    return embeds.build(
        title=title, description=description, colour=embeds.Palette.NEWS, footer=footer
    )


def pack_post(announcement: Announcement) -> Post:
    """Held articles released together: one "N more stories" card listing them."""
    items = announcement.articles
    count = len(items)
    stories = "story" if count == 1 else "stories"
    if announcement.packed == "quiet":
        title = f"{count} {stories} from quiet hours"
        footer = "Held during this channel's quiet hours · /feeds pacing sets them"
    else:
        title = f"{count} more {stories}"
        footer = "Held by flood control · /feeds pacing sets the limit"
    card = _more_card(items, title, footer)
    return Post(None, [card], [i.announcement_id for i in items], text.plain(title, THREAD_NAME))


def announcement_posts(announcement: Announcement, *, forum: bool = False) -> list[Post]:
    """The messages for an announcement: each article through the template; cards with the
    same message text packed up to 10 a message within Discord's 6000-character total (that
    text on the first only); in a forum a post per article; a burst ends with a list."""
    if announcement.packed:
        return [pack_post(announcement)]
    feed, items = announcement.feed, list(announcement.articles)
    template, subscription = announcement.template, announcement.subscription
    rendered = [(item, *item_post(template, item, feed, subscription)) for item in items]
    carried: dict[int, list[int]] = {}
    if len(items) > MAX_CARDS and template.embed:
        rest = items[MAX_CARDS - 1 :]
        title = f"…and {len(rest)} more from {text.escape(text.plain(feed.name, 150))}"
        # The list rides in the same run as the cards before it.
        more = (rest[0], rendered[MAX_CARDS - 2][1], _more_card(rest, title))
        rendered = [*rendered[: MAX_CARDS - 1], more]
        carried[rest[0].announcement_id] = [i.announcement_id for i in rest]
    posts: list[Post] = []
    run_content: str | None = None
    for item, content, embed in rendered:
        ids = carried.get(item.announcement_id, [item.announcement_id])
        last = posts[-1] if posts else None
        same_run = (
            last is not None
            and not forum
            and embed is not None
            and bool(last.embeds)
            and content == run_content
        )
        if (
            same_run
            and last is not None
            and embed is not None
            and len(last.embeds) < limits.EMBEDS_PER_MESSAGE
            and sum(len(e) for e in last.embeds) + len(embed) <= limits.EMBED_TOTAL
        ):
            last.embeds.append(embed)
            last.announcement_ids.extend(ids)
            continue
        run_content = content
        name = text.plain(item.article.title, THREAD_NAME)
        # A run that continues in a new message says its text once, on the first.
        shown = None if same_run else content
        posts.append(Post(shown, [embed] if embed else [], list(ids), name))
    return posts


def preview_post(announcement: Announcement) -> Post:
    """What the announcement's first article posts as (a template's preview)."""
    return announcement_posts(announcement)[0]


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
