"""Feeds as Discord sees them: announcements (batched), health lists, previews, notices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import discord

from bot.feeds.delivery import Announcement, NewArticle
from bot.feeds.health import FeedAlert, assess
from bot.feeds.subscriptions import FeedPreview
from bot.render import embeds, limits, text
from bot.store import Feed, Subscription

SUMMARY_CHARS = 350
# An announcement burst beyond this many articles ends with one list of the rest, so a feed
# that publishes fifty items at once does not flood the channel.
MAX_CARDS = 20
PREVIEW_ITEMS = 5
THREAD_NAME = 100


@dataclass(frozen=True)
class Post:
    """One message to send: content (a role ping, or None), its embeds, and the announcement
    ids it carries; `thread_name` names the forum post it starts, when posting in a forum."""

    content: str | None
    embeds: list[discord.Embed]
    announcement_ids: list[int]
    thread_name: str


def _also_in(sources: Sequence[str]) -> str:
    if not sources:
        return ""
    names = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
    noun = "source" if len(sources) == 1 else "sources"
    return f"also in {len(sources)} {noun}: {names}"


def article_card(item: NewArticle, feed: Feed) -> discord.Embed:
    """One new article: linked title, 1-2 sentence summary, source, time, other outlets."""
    article = item.article
    footer = [article.source or feed.name]
    also = _also_in(item.other_sources)
    if also:
        footer.append(also)
    return embeds.build(
        title=text.fit(text.plain(article.title), limits.EMBED_TITLE),
        description=text.fit(item.summary, SUMMARY_CHARS),
        url=article.url,
        colour=embeds.Palette.NEWS,
        footer=" · ".join(footer),
        timestamp=article.published_at or article.ingested_at,
    )


def _more_card(items: Sequence[NewArticle], feed: Feed) -> discord.Embed:
    lines = [
        "• " + text.link(text.fit(text.plain(i.article.title), 150), i.article.url) for i in items
    ]
    description = ""
    for line in lines:
        if len(description) + len(line) + 1 > limits.EMBED_DESCRIPTION - 40:
            break
        description += line + "\n"
    return embeds.build(
        title=f"…and {len(items)} more from {text.escape(text.plain(feed.name, 150))}",
        description=description,
        colour=embeds.Palette.NEWS,
    )


def role_ping(subscription: Subscription) -> str | None:
    """The role mention that starts an announcement, if the subscription has one."""
    return f"<@&{subscription.role_id}>" if subscription.role_id else None


def announcement_posts(announcement: Announcement, *, forum: bool = False) -> list[Post]:
    """Messages for new articles: one card each, packed up to 10 per message within Discord's
    6000-character total (in a forum, one post per article); a burst ends with a list."""
    feed, items = announcement.feed, list(announcement.articles)
    cards = [(article_card(i, feed), [i.announcement_id], i.article.title) for i in items]
    if len(items) > MAX_CARDS:
        rest = items[MAX_CARDS - 1 :]
        cards = cards[: MAX_CARDS - 1]
        more = _more_card(rest, feed)
        cards.append((more, [i.announcement_id for i in rest], f"{len(rest)} more articles"))
    ping = role_ping(announcement.subscription)
    posts: list[Post] = []
    for card, ids, title in cards:
        last = posts[-1] if posts else None
        fits = (
            last is not None
            and not forum
            and len(last.embeds) < limits.EMBEDS_PER_MESSAGE
            and sum(len(e) for e in last.embeds) + len(card) <= limits.EMBED_TOTAL
        )
        if fits:
            assert last is not None
            last.embeds.append(card)
            last.announcement_ids.extend(ids)
        else:
            content = ping if (forum or not posts) else None
            posts.append(Post(content, [card], list(ids), text.plain(title, THREAD_NAME)))
    return posts


def _when(value: str | None) -> str:
    return text.timestamp(value, "R") if value else "never"


def subscriptions_embed(
    rows: Sequence[tuple[Subscription, Feed]], now: datetime, limit: int
) -> discord.Embed:
    """This server's feeds with their health: status, last success, last new item, full text."""
    if not rows:
        return embeds.build(
            title="No feeds yet",
            description="Follow one with `/feeds add url:<feed address> channel:#news`.",
            colour=embeds.Palette.INFO,
        )
    fields = []
    for subscription, feed in rows:
        health = assess(feed, now)
        mark = {"ok": "🟢", "new": "⚪", "quiet": "🟡", "failing": "🔴"}[health.state]
        where = f"<#{subscription.channel_id}>"
        if subscription.filter:
            where += f" · only “{text.escape(text.plain(subscription.filter, 80))}”"
        if subscription.role_id:
            where += f" · pings <@&{subscription.role_id}>"
        status = text.escape(health.status)
        if health.http_status:
            status += f" (HTTP {health.http_status})"
        rate = health.extraction_rate
        lines = [
            where,
            f"{mark} {health.state}: {status}",
            f"Last success {_when(health.last_success_at)} · "
            f"last new item {_when(health.last_new_item_at)}",
        ]
        if rate is not None:
            lines.append(f"Full text for {rate:.0%} of new items")
        if health.error and health.state != "ok":
            lines.append(f"> {text.fit(health.error, 200)}")
        name = f"Feed #{subscription.id} · {text.escape(text.plain(feed.name, 200))}"
        fields.append(embeds.Field(name, "\n".join(lines)))
    return embeds.build(
        title="Feeds in this server",
        fields=fields,
        colour=embeds.Palette.NEWS,
        footer=f"{len(rows)} of {limit} feeds · /feeds remove id to stop one"
        + (
            f" · the first {limits.EMBED_FIELDS} shown: /feeds export lists all"
            if len(rows) > limits.EMBED_FIELDS
            else ""
        ),
    )


def added_embed(
    preview: FeedPreview, subscription: Subscription, created: bool, role_mentionable: bool
) -> discord.Embed:
    """Confirmation of /feeds add: the feed's title, how many items it lists, where news goes."""
    count = len(preview.feed.entries)
    lines = [
        f"**{text.escape(text.plain(preview.title, 200))}** lists {count} "
        f"item{'s' if count != 1 else ''} now; new ones will be posted in "
        f"<#{subscription.channel_id}>.",
    ]
    if subscription.filter:
        lines.append(f"Only articles matching “{text.escape(text.plain(subscription.filter))}”.")
    if subscription.role_id:
        lines.append(f"Each announcement pings <@&{subscription.role_id}>.")
        if not role_mentionable:
            lines.append("That role is not mentionable: allow it, or the ping won't notify.")
    if preview.feed.warning:
        lines.append(f"Note: {text.escape(preview.feed.warning)}.")
    verb = "Following" if created else "Updated"
    return embeds.build(
        title=f"{verb} feed #{subscription.id}",
        description="\n".join(lines),
        url=preview.url,
        colour=embeds.Palette.SUCCESS,
        footer=preview.url,
    )


def preview_embed(preview: FeedPreview) -> discord.Embed:
    """/feeds test: what the feed holds now (nothing is subscribed or stored)."""
    entries = preview.feed.entries
    blocks = []
    for entry in entries[:PREVIEW_ITEMS]:
        title = text.link(text.fit(text.plain(entry.title), 200), entry.link)
        when = text.timestamp(entry.published_at, "R") if entry.published_at else "no date"
        line = f"**{title}**\n{when}"
        if entry.summary:
            line += "\n" + text.fit(text.plain(entry.summary), 200)
        blocks.append(line)
    more = len(entries) - PREVIEW_ITEMS
    if more > 0:
        blocks.append(f"…and {more} more.")
    description = "\n\n".join(blocks) or "The feed is valid but lists no items yet."
    if preview.feed.warning:
        description += f"\n\nNote: {text.escape(preview.feed.warning)}."
    return embeds.build(
        title=text.fit(text.plain(preview.title), limits.EMBED_TITLE),
        description=description,
        url=preview.feed.site_url or preview.url,
        colour=embeds.Palette.INFO,
        footer=f"{len(entries)} items · preview only: /feeds add to follow it",
    )


def alert_embed(alert: FeedAlert) -> discord.Embed:
    """A feed health problem, told once to each channel that follows the feed."""
    return embeds.build(
        title="Feed problem" if alert.kind == "failing" else "Feed gone quiet",
        description=text.escape(alert.message) + "\n\n`/feeds list` shows every feed's health.",
        colour=embeds.Palette.WARNING,
    )


def removed_embed(subscription: Subscription, feed: Feed) -> discord.Embed:
    """Confirmation of /feeds remove."""
    return embeds.build(
        description=f"Stopped posting **{text.escape(text.plain(feed.name, 200))}** "
        f"in <#{subscription.channel_id}>.",
        colour=embeds.Palette.SUCCESS,
    )


def subscription_choice(subscription: Subscription, feed: Feed) -> str:
    """The autocomplete label of a subscription (plain text)."""
    return text.plain(f"#{subscription.id} {feed.name}", limits.CHOICE_NAME)
