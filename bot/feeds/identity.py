"""Who a feed's posts come from: the bot, or a name and avatar of the feed's own (posted through
the bot's one webhook in the channel, as MonitoRSS and FeedCord do).

Checking what an admin typed against Discord's rules for webhook names and avatar URLs,
setting it on a subscription (which also lets a channel whose webhook was deleted get a new
one), and the one-time notice when the bot has to post as itself instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from bot.clock import Clock, SystemClock, utc_iso
from bot.errors import NewsdeskError
from bot.models.text import strip_controls
from bot.store import ChannelWebhook, FeedOptionChanges, FeedOptions, Store

NAME_MAX = 80
AVATAR_URL_MAX = 2048
# Typed instead of a name or an address, these go back to the bot's own.
CLEAR_WORDS = frozenset({"none", "off", "-", "default"})
# Discord refuses webhook names (and username overrides) containing these, or equal to these.
_FORBIDDEN_PARTS = ("clyde", "discord")
_FORBIDDEN_NAMES = ("everyone", "here")


class IdentityError(NewsdeskError):
    """A name or avatar address Discord would refuse for a webhook post (the message says why)."""


class Fallback(StrEnum):
    """Why a feed with its own identity was posted as the bot instead."""

    MISSING_PERMISSION = "missing permission"  # no Manage Webhooks in the channel
    WEBHOOK_DELETED = "webhook deleted"  # an admin deleted the bot's webhook
    NO_WEBHOOK = "no webhook"  # the channel cannot take another webhook (Discord allows 15)


@dataclass(frozen=True)
class Identity:
    """The name and avatar a post carries instead of the bot's ('' keeps the webhook's)."""

    name: str = ""
    avatar_url: str = ""

    @classmethod
    def of(cls, options: FeedOptions) -> Identity | None:
        """A subscription's identity, or None when it posts as the bot."""
        if not options.own_identity:
            return None
        return cls(options.identity_name, options.avatar_url)


def check_name(text: str | None) -> str | None:
    """A webhook name as typed, checked: None when not given, '' to clear it."""
    if text is None:
        return None
    name = " ".join(strip_controls(text).split())
    if name.casefold() in CLEAR_WORDS:
        return ""
    if not 1 <= len(name) <= NAME_MAX:
        raise IdentityError(f"A feed's name is 1 to {NAME_MAX} characters.")
    folded = name.casefold()
    if any(part in folded for part in _FORBIDDEN_PARTS) or folded in _FORBIDDEN_NAMES:
        raise IdentityError(
            'Discord refuses post names containing "discord" or "clyde", or "everyone"/"here".'
        )
    return name


def check_avatar(text: str | None) -> str | None:
    """An avatar image address as typed, checked: None when not given, '' to clear it."""
    if text is None:
        return None
    url = strip_controls(text).strip().strip("<>")
    if url.casefold() in CLEAR_WORDS:
        return ""
    parts = urlsplit(url)
    if (
        len(url) > AVATAR_URL_MAX
        or any(ch.isspace() for ch in url)
        or parts.scheme not in ("http", "https")
        or not parts.netloc
    ):
        raise IdentityError("The avatar is the https:// address of an image.")
    return url


async def set_identity(
    store: Store,
    guild_id: int,
    subscription_id: int,
    *,
    name: str | None,
    avatar_url: str | None,
) -> FeedOptions | None:
    """Give one of this guild's subscriptions its own name and/or avatar (checked; '' or "none"
    clears one), or None when the guild has no such subscription. Setting an identity lets the
    channel's webhook be made again if an admin had deleted it, and makes a fallback news again."""
    changes: FeedOptionChanges = {}
    checked_name, checked_avatar = check_name(name), check_avatar(avatar_url)
    if checked_name is not None:
        changes["identity_name"] = checked_name
    if checked_avatar is not None:
        changes["avatar_url"] = checked_avatar
    subscription = await store.subscription(guild_id, subscription_id)
    if subscription is None:
        return None
    async with store.transaction():
        options = await store.set_feed_options(guild_id, subscription_id, **changes)
        if options is not None and options.own_identity:
            known = await store.channel_webhook(subscription.channel_id)
            if known is not None and known.gone:
                await store.save_channel_webhook(
                    ChannelWebhook(known.channel_id, known.guild_id, None, gone=False)
                )
            await store.clear_webhook_fallbacks(subscription.channel_id)
    return options


async def first_time(
    store: Store, channel_id: int, fallback: Fallback, clock: Clock | None = None
) -> bool:
    """Record a fallback in a channel; True only the first time (then the channel is told)."""
    now = utc_iso((clock or SystemClock()).now())
    async with store.transaction():
        return await store.note_webhook_fallback(channel_id, fallback.value, now)
