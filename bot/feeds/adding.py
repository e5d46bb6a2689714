"""Adding a feed to a server, the one way the slash command and the web newsroom both take:
the role and filter checked, the server's feed limit kept, the feed fetched once (a test fetch
that says what is wrong with it), then the channel subscribed."""

from __future__ import annotations

import contextlib
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from bot.clock import Clock
from bot.feeds.errors import FeedUnreadable
from bot.feeds.fetcher import Fetcher, FetchError
from bot.feeds.moving import MAX_FEEDS_PER_GUILD
from bot.feeds.parse import FeedFormatError
from bot.feeds.subscriptions import (
    FeedPreview,
    check_filter,
    check_filter_cost,
    preview_feed,
    subscribe,
)
from bot.store import Feed, Store, Subscription


@dataclass(frozen=True)
class NewFeed:
    """What an admin asked for: a feed address, a channel of their server, and options."""

    guild_id: int
    channel_id: int
    url: str
    created_by: int
    filter_text: str | None = None
    role_id: int | None = None
    backfill: int = 0


@dataclass(frozen=True)
class Added:
    """A feed added: what the test fetch read, the subscription, and whether it is new."""

    preview: FeedPreview
    subscription: Subscription
    feed: Feed
    created: bool


def check_role(guild_id: int, role_id: int | None) -> None:
    """Refuse @everyone (whose id is the server's) as the role a feed pings."""
    if role_id is not None and role_id == guild_id:
        raise FeedUnreadable("Pick a role to ping; @everyone can't be pinged by feeds.")


async def fetch_once(fetcher: Fetcher, url: str) -> FeedPreview:
    """Fetch and read a feed once; FeedUnreadable says why it cannot be followed."""
    try:
        return await preview_feed(fetcher, url)
    except (FetchError, FeedFormatError) as exc:
        raise FeedUnreadable(f"Couldn't read that feed: {exc}.") from exc


async def check_new_feed(store: Store, wanted: NewFeed, *, entities_available: bool) -> str:
    """Check what can be checked before fetching (role, filter and its cost, the server's
    limit); return the filter cleaned."""
    check_role(wanted.guild_id, wanted.role_id)
    filter_text = check_filter(wanted.filter_text, entities_available=entities_available)
    # Run on every batch of the feed's new articles: too broad a filter is refused now.
    await check_filter_cost(store, filter_text)
    if len(await store.guild_subscriptions(wanted.guild_id)) >= MAX_FEEDS_PER_GUILD:
        raise FeedUnreadable(f"A server can follow {MAX_FEEDS_PER_GUILD} feeds at most.")
    return filter_text


async def add_feed(
    store: Store,
    fetcher: Fetcher,
    wanted: NewFeed,
    *,
    clock: Clock,
    entities_available: bool,
    writing: AbstractAsyncContextManager[object] | None = None,
) -> Added:
    """Check, test-fetch and subscribe (inside `writing`: the running poller's write lock,
    when the caller runs beside it). Raises FeedUnreadable (or QueryError) saying why not."""
    filter_text = await check_new_feed(store, wanted, entities_available=entities_available)
    preview = await fetch_once(fetcher, wanted.url)
    async with writing or contextlib.nullcontext():
        subscription, feed, created = await subscribe(
            store,
            preview,
            guild_id=wanted.guild_id,
            channel_id=wanted.channel_id,
            created_by=wanted.created_by,
            filter_text=filter_text,
            role_id=wanted.role_id,
            clock=clock,
            backfill=wanted.backfill,
        )
    return Added(preview, subscription, feed, created)
