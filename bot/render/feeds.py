"""Feeds as their admins see them: health lists, previews, confirmations, notices (the posts
themselves are bot/render/feed_posts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.feeds.health import FeedAlert, assess
from bot.feeds.subscriptions import FeedPreview
from bot.render import embeds, limits, text
from bot.store import Feed, Subscription

PREVIEW_ITEMS = 5


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
        if subscription.paused:
            where += " · ⏸️ paused"
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


def feed_choices(rows: Sequence[tuple[Subscription, Feed]], typed: str) -> list[tuple[str, int]]:
    """Autocomplete for a feed number: (label, number) of the feeds whose number or title
    contains what was typed."""
    wanted = typed.casefold().lstrip("#")
    found = [
        (subscription_choice(s, f), s.id)
        for s, f in rows
        if wanted in f"{s.id} {f.name}".casefold()
    ]
    return found[: limits.CHOICES]


def feed_list_choices(
    rows: Sequence[tuple[Subscription, Feed]], typed: str
) -> list[tuple[str, str]]:
    """Autocomplete for a list of feed numbers: `all`, or the numbers typed so far followed by
    each other feed, as (label, value)."""
    numbers = [n.lstrip("#") for n in typed.replace(",", " ").split() if n.lstrip("#").isdigit()]
    head = ", ".join(numbers)
    found = [("all: every other feed", "all")]
    for subscription, feed in rows:
        if str(subscription.id) in numbers:
            continue
        value = f"{head}, {subscription.id}" if head else str(subscription.id)
        label = f"{value} ({subscription_choice(subscription, feed)})"
        found.append((text.plain(label, limits.CHOICE_NAME), value[: limits.CHOICE_VALUE]))
    return found[: limits.CHOICES]
