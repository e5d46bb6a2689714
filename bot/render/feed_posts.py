"""Feed posts as Discord sees them: each article through its subscription's template (the card
of bot/render/feed_cards.py, the one render for real posts and the web's previews alike) as a
discord.py embed, bursts packed into messages, held articles packed into one card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

from bot.feeds.announcements import Announcement, NewArticle
from bot.feeds.templates import MessageTemplate
from bot.render import embeds, limits, text
from bot.render.feed_cards import BOUNDS, check_template, item_card, render_pattern
from bot.store import Feed, Subscription

# What other modules take from here (the checks and fills live in feed_cards).
__all__ = ["BOUNDS", "Post", "announcement_posts", "check_template", "item_post", "render_pattern"]

# An announcement burst beyond this many articles ends with one list of the rest, so a feed
# that publishes fifty items at once does not flood the channel.
MAX_CARDS = 20
THREAD_NAME = 100


@dataclass(frozen=True)
class Post:
    """One message to send: content (None for none), its embeds, and the announcement ids it
    carries; `thread_name` names the forum post it starts, when posting in a forum; `stories`
    are (story id, headline) of the cards it carries, for their Timeline buttons."""

    content: str | None
    embeds: list[discord.Embed]
    announcement_ids: list[int]
    thread_name: str
    stories: list[tuple[int, str]] = field(default_factory=list)


# -- one article, one post --------------------------------------------------------------------


def item_post(
    template: MessageTemplate, item: NewArticle, feed: Feed, subscription: Subscription
) -> tuple[str | None, discord.Embed | None]:
    """An article as its template shows it (bot.render.feed_cards.item_card), as discord.py
    sends it: the message text (None when empty) and the embed (None for plain text)."""
    card = item_card(template, item, feed, subscription)
    if not card.embed:
        return card.content, None
    embed = embeds.build(
        title=card.title,
        description=card.description,
        url=card.url,
        colour=discord.Colour(card.colour),
        footer=card.footer,
        timestamp=card.timestamp,
    )
    if card.thumbnail:
        embed.set_thumbnail(url=card.thumbnail)
    return card.content, embed


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
        # A card of its own names its story; the list of the rest names none.
        stories = [] if item.announcement_id in carried else [(item.story_id, item.article.title)]
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
            last.stories.extend(stories)
            continue
        run_content = content
        name = text.plain(item.article.title, THREAD_NAME)
        # A run that continues in a new message says its text once, on the first.
        shown = None if same_run else content
        posts.append(Post(shown, [embed] if embed else [], list(ids), name, stories))
    return posts


def preview_post(announcement: Announcement) -> Post:
    """What the announcement's first article posts as (a template's preview)."""
    return announcement_posts(announcement)[0]
