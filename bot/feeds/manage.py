"""Running a server's feeds day to day: find one of its feeds, edit it in place, pause and
resume it, copy settings between feeds, save templates. Every function is scoped to one guild:
another guild's feed numbers find nothing. The slash commands (cogs/feeds.py) and, later, the
web newsroom call these."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.clock import utc_iso
from bot.feeds.adding import check_role
from bot.feeds.delivery import Delivery
from bot.feeds.errors import FeedUnreadable
from bot.feeds.subscriptions import check_filter
from bot.feeds.templates import (
    DEFAULT_TEMPLATE,
    SERVER_TEMPLATE_KEY,
    MessageTemplate,
    server_template,
    template_from_json,
)
from bot.models import Article
from bot.store import (
    DeliveryOutcome,
    Feed,
    LogEntry,
    LogUpdate,
    NewLogEntry,
    Store,
    Subscription,
    SubscriptionChanges,
)

MAX_AGE_HOURS = 24 * 365
MAX_BACKFILL = 10
LOG_PAGE = 8
# What `/feeds copy` can copy, and the subscription fields each one is.
COPYABLE = {
    "filter": ("filter_text",),
    "template": ("template",),
    "role": ("role_id",),
    "limits": ("max_age_hours",),
}
_NUMBER = re.compile(r"#?(\d{1,18})")


@dataclass(frozen=True)
class Edited:
    """A subscription before and after a change."""

    before: Subscription
    after: Subscription
    feed: Feed


def _missing(subscription_id: int | str) -> FeedUnreadable:
    return FeedUnreadable(f"There is no feed #{subscription_id} in this server; see /feeds list.")


async def find_feed(store: Store, guild_id: int, subscription_id: int) -> tuple[Subscription, Feed]:
    """One of this guild's feeds (a subscription) and the feed it follows; FeedUnreadable for
    a number the guild does not have (another guild's included)."""
    subscription = await store.subscription(guild_id, subscription_id)
    feed = await store.feed(subscription.feed_id) if subscription else None
    if subscription is None or feed is None:
        raise _missing(subscription_id)
    return subscription, feed


async def _changed(
    store: Store, guild_id: int, subscription_id: int, changes: SubscriptionChanges
) -> Subscription:
    """Apply changes to one subscription (inside the caller's transaction)."""
    after = await store.update_subscription(guild_id, subscription_id, **changes)
    if after is None:
        raise _missing(subscription_id)
    return after


async def edit_feed(
    store: Store,
    guild_id: int,
    subscription_id: int,
    *,
    channel_id: int | None = None,
    filter_text: str | None = None,
    role_id: int | None = None,
    max_age_hours: int | None = None,
    clear: Sequence[str] = (),
    entities_available: bool = False,
) -> Edited:
    """Change a feed's channel, filter, role, maximum age (or clear the filter, role, age or
    template) in place: its number, history and seen items stay, so nothing old is posted
    again. Raises FeedUnreadable (or QueryError for a filter) saying what is wrong."""
    before, feed = await find_feed(store, guild_id, subscription_id)
    changes: SubscriptionChanges = {}
    if channel_id is not None and channel_id != before.channel_id:
        for other, _ in await store.guild_subscriptions(guild_id):
            if other.feed_id == before.feed_id and other.channel_id == channel_id:
                raise FeedUnreadable(
                    f"<#{channel_id}> already follows this feed as feed #{other.id}."
                )
        changes["channel_id"] = channel_id
    if filter_text is not None:
        changes["filter_text"] = check_filter(filter_text, entities_available=entities_available)
    if role_id is not None:
        check_role(guild_id, role_id)
        changes["role_id"] = role_id
    if max_age_hours is not None:
        if not 1 <= max_age_hours <= MAX_AGE_HOURS:
            raise FeedUnreadable(f"The maximum age is 1 to {MAX_AGE_HOURS:,} hours.")
        changes["max_age_hours"] = max_age_hours
    cleared: dict[str, tuple[str, object]] = {
        "filter": ("filter_text", ""),
        "role": ("role_id", None),
        "max_age": ("max_age_hours", 0),
        "template": ("template", ""),
    }
    for name in clear:
        if name not in cleared:
            raise FeedUnreadable(f"`{name[:20]}` can't be cleared; try filter, role, max_age.")
        key, value = cleared[name]
        changes[key] = value  # type: ignore[literal-required]
    if not changes:
        raise FeedUnreadable("Nothing to change: give a channel, filter, role or max_age.")
    async with store.transaction():
        after = await _changed(store, guild_id, subscription_id, changes)
    return Edited(before, after, feed)


async def remove_feed(
    store: Store, guild_id: int, subscription_id: int
) -> tuple[Subscription, Feed]:
    """Stop posting one of this guild's feeds; return what was removed (another guild's
    numbers find nothing and change nothing)."""
    subscription, feed = await find_feed(store, guild_id, subscription_id)
    async with store.transaction():
        await store.remove_subscription(guild_id, subscription_id)
    return subscription, feed


async def pause_feed(store: Store, guild_id: int, subscription_id: int, now: datetime) -> Edited:
    """Pause a feed: it is still polled (its health still shows) but posts nothing; what was
    waiting to go out is dropped, and what arrives meanwhile is never owed."""
    before, feed = await find_feed(store, guild_id, subscription_id)
    if before.paused:
        raise FeedUnreadable(f"Feed #{subscription_id} is already paused; /feeds resume it.")
    async with store.transaction():
        after = await _changed(store, guild_id, subscription_id, {"paused": True})
        dropped = await store.queued_announcements(subscription_id)
        await store.settle_announcements(dropped, "dropped")
        why = "the feed was paused before it went out"
        updates = [LogUpdate(i, DeliveryOutcome.PAUSED, why) for i in dropped]
        await store.update_delivery_log(updates, utc_iso(now))
    return Edited(before, after, feed)


async def resume_feed(store: Store, guild_id: int, subscription_id: int) -> Edited:
    """Resume a paused feed from now on: the next new item posts; nothing from the pause."""
    before, feed = await find_feed(store, guild_id, subscription_id)
    if not before.paused:
        raise FeedUnreadable(f"Feed #{subscription_id} is not paused.")
    async with store.transaction():
        after = await _changed(store, guild_id, subscription_id, {"paused": False})
    return Edited(before, after, feed)


def parse_settings(text: str) -> list[str]:
    """`filter, template` or `all` → the settings to copy; FeedUnreadable for others."""
    words = [w for w in re.split(r"[\s,;+]+", text.strip().casefold()) if w]
    if not words or "all" in words:
        return list(COPYABLE)
    unknown = [w for w in words if w not in COPYABLE]
    if unknown:
        known = ", ".join(COPYABLE)
        raise FeedUnreadable(f"`{unknown[0][:20]}` is not a setting to copy; use {known} or all.")
    return list(dict.fromkeys(words))


def parse_targets(text: str) -> list[int] | None:
    """`2, 3, #5` → those feed numbers; `all` → None (every other feed)."""
    if text.strip().casefold() == "all":
        return None
    numbers = _NUMBER.findall(text)
    leftover = _NUMBER.sub("", text).replace(",", " ").strip()
    if not numbers or leftover:
        raise FeedUnreadable("Give feed numbers like `2, 3, 5` (see /feeds list), or `all`.")
    return list(dict.fromkeys(int(n) for n in numbers))


async def copy_settings(
    store: Store, guild_id: int, source_id: int, targets: str, settings: str
) -> tuple[Subscription, list[Subscription], list[str]]:
    """Copy chosen settings of one feed to others of this guild (`all`: every other one);
    return the source, the feeds changed and the settings copied. Any number the guild does
    not have refuses the whole copy: nothing is changed."""
    source, _ = await find_feed(store, guild_id, source_id)
    names = parse_settings(settings)
    wanted = parse_targets(targets)
    mine = {s.id: s for s, _ in await store.guild_subscriptions(guild_id)}
    if wanted is None:
        wanted = [i for i in sorted(mine) if i != source_id]
    for number in wanted:
        if number not in mine:
            raise FeedUnreadable(f"There is no feed #{number} in this server; nothing was copied.")
    wanted = [n for n in wanted if n != source_id]
    if not wanted:
        raise FeedUnreadable("No other feed to copy to.")
    values = {
        "filter_text": source.filter,
        "template": source.template,
        "role_id": source.role_id,
        "max_age_hours": source.max_age_hours,
    }
    changes: SubscriptionChanges = {}
    for name in names:
        for key in COPYABLE[name]:
            changes[key] = values[key]  # type: ignore[literal-required]
    async with store.transaction():
        changed = [await _changed(store, guild_id, n, changes) for n in wanted]
    return source, changed, names


async def template_of(
    store: Store, guild_id: int, subscription_id: int | None
) -> tuple[MessageTemplate, str]:
    """The template a feed posts with (or, without a number, the server's default) and whose
    it is: "its own", "this server's default" or "Newsdesk's default"."""
    if subscription_id is not None:
        subscription, _ = await find_feed(store, guild_id, subscription_id)
        if subscription.template:
            return template_from_json(subscription.template), "its own"
    found = await server_template(store, guild_id)
    if found is not None:
        return found, "this server's default"
    return DEFAULT_TEMPLATE, "Newsdesk's default"


async def save_template(
    store: Store, guild_id: int, subscription_id: int | None, template: MessageTemplate | None
) -> None:
    """Save a feed's template (without a number: the server's default); None goes back to
    the default. Check it against Discord's limits first (bot.render.feed_posts)."""
    stored = template.to_json() if template is not None else ""
    async with store.transaction():
        if subscription_id is None:
            await store.set_guild_setting(guild_id, SERVER_TEMPLATE_KEY, stored or None)
        else:
            await _changed(store, guild_id, subscription_id, {"template": stored})


async def latest_article(store: Store, feed: Feed) -> Article | None:
    """The newest article a feed brought, if it brought any yet."""
    found = await store.feed_articles(feed.id, 1)
    return found[0] if found else None


async def preview_subject(
    store: Store, guild_id: int, subscription_id: int | None
) -> tuple[Subscription, Feed, Article] | None:
    """What a template's preview is built from: the feed (without a number, the first feed
    that uses the server's default) and its newest article; None before any item came."""
    rows = await store.guild_subscriptions(guild_id)
    if subscription_id is not None:
        rows = [(s, f) for s, f in rows if s.id == subscription_id]
    else:
        rows = [(s, f) for s, f in rows if not s.template]
    for subscription, feed in rows:
        article = await latest_article(store, feed)
        if article is not None:
            return subscription, feed, article
    return None


async def send_latest(
    store: Store, delivery: Delivery, guild_id: int, subscription_id: int
) -> NewLogEntry:
    """Post a feed's newest item now, posted before or not; return its delivery log line."""
    subscription, feed = await find_feed(store, guild_id, subscription_id)
    article = await latest_article(store, feed)
    if article is None:
        raise FeedUnreadable(f"Feed #{subscription_id} has brought no item yet.")
    why = "sent with /feeds send-latest"
    return await delivery.send_now(subscription, feed, article, why=why)


async def log_page(
    store: Store, guild_id: int, subscription_id: int, page: int
) -> tuple[list[LogEntry], int]:
    """One page (1-based, LOG_PAGE lines) of a feed's delivery log, newest first, and the
    number of pages."""
    await find_feed(store, guild_id, subscription_id)
    _, total = await store.delivery_log(guild_id, subscription_id, limit=1)
    pages = max(1, -(-total // LOG_PAGE))
    page = min(max(page, 1), pages)
    lines, _ = await store.delivery_log(
        guild_id, subscription_id, limit=LOG_PAGE, offset=(page - 1) * LOG_PAGE
    )
    return lines, pages
