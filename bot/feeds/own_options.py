"""A subscription's own options as `/feeds edit` changes them: the name and avatar its posts
carry (bot.feeds.identity) and the CSS selector for its articles' text (bot.feeds.extraction),
set or cleared together, guild-scoped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.feeds.errors import FeedUnreadable
from bot.feeds.extraction import SelectorTrial, set_selector, try_selector
from bot.feeds.fetcher import Fetcher
from bot.feeds.identity import set_identity
from bot.feeds.selectors import check_selector
from bot.store import Feed, FeedOptions, Store, Subscription

# What `/feeds edit clear:` resets of these options.
OWN_CLEARABLE = ("identity", "selector")


async def edit_own_options(
    store: Store,
    guild_id: int,
    subscription_id: int,
    *,
    name: str | None = None,
    avatar_url: str | None = None,
    selector: str | None = None,
    clear: Sequence[str] = (),
) -> FeedOptions | None:
    """Set (or clear) one of this guild's subscriptions' identity and selector; None when none
    of them was asked for. FeedUnreadable for a number the guild does not have; IdentityError
    or SelectorInvalid for what Discord or the page reader would refuse."""
    if "identity" in clear:
        name, avatar_url = "none", "none"
    if "selector" in clear:
        selector = "none"
    if name is None and avatar_url is None and selector is None:
        return None
    check_selector(selector)  # refused before anything is changed
    options = None
    if name is not None or avatar_url is not None:
        options = await set_identity(
            store, guild_id, subscription_id, name=name, avatar_url=avatar_url
        )
    if selector is not None:
        options = await set_selector(store, guild_id, subscription_id, selector)
    if options is None:
        raise FeedUnreadable(
            f"There is no feed #{subscription_id} in this server; see /feeds list."
        )
    return options


@dataclass(frozen=True)
class OwnOptionsEdited:
    """What `/feeds edit` changed of a feed's own options, and what to show of them."""

    subscription: Subscription
    feed: Feed
    options: FeedOptions
    identity: bool  # its name or avatar was set or cleared
    selector: bool  # its selector was set or cleared
    trial: SelectorTrial | None  # the new selector tried on the feed's latest article page


async def edit_and_try(
    store: Store,
    fetcher: Fetcher,
    guild_id: int,
    subscription_id: int,
    *,
    name: str | None,
    avatar_url: str | None,
    selector: str | None,
    clear: str | None,
) -> OwnOptionsEdited | None:
    """`edit_own_options`, then a new selector tried on the feed's latest page; None when no
    own option was asked for."""
    cleared = [clear] if clear in OWN_CLEARABLE else []
    options = await edit_own_options(
        store,
        guild_id,
        subscription_id,
        name=name,
        avatar_url=avatar_url,
        selector=selector,
        clear=cleared,
    )
    subscription = await store.subscription(guild_id, subscription_id)
    feed = await store.feed(subscription.feed_id) if subscription else None
    if options is None or subscription is None or feed is None:
        return None
    trial = None
    if selector is not None and options.selector:
        trial = await try_selector(store, fetcher, feed.id, options.selector)
    identity = name is not None or avatar_url is not None or clear == "identity"
    return OwnOptionsEdited(
        subscription, feed, options, identity, selector is not None or clear == "selector", trial
    )
