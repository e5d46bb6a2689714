"""Posting as a feed's own identity: the bot's one webhook per channel (found or made once, its
token kept in memory only, its id in the store), and an outlet that posts through it with the
feed's name and avatar — or, when it cannot, as the bot, saying why.

    webhooks = ChannelWebhooks(client, store)
    outlet = await webhooks.outlet(await poster.open(to), Identity("Harbour Times", logo))
    result = await outlet.send(parts)          # through the webhook (wait=true), else as the bot
    outlet.fallback, outlet.webhook_messages   # why it posted as the bot; what went by webhook

Webhook posts carry no nonce (Discord's execute has none), so a post whose answer was lost is
found afterwards instead: the store's record of webhook messages first, then the channel's
history, where this outlet counts the webhook's messages as the bot's own.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.client.delivery.outlet import Outlet
from bot.client.delivery.parts import Part
from bot.feeds.identity import Fallback, Identity
from bot.store import ChannelWebhook, Store

log = logging.getLogger(__name__)

# The name of the webhook the bot makes in a channel (each post overrides it with a feed's).
WEBHOOK_NAME = "Newsdesk"
UNKNOWN_WEBHOOK = 10015
MAX_WEBHOOKS = 30007

HomeChannel = discord.TextChannel | discord.ForumChannel


def _home(place: Any) -> HomeChannel | None:
    """The channel whose webhook posts in `place` (a thread's parent), if it can have one."""
    if isinstance(place, discord.Thread):
        place = place.parent
    return place if isinstance(place, discord.TextChannel | discord.ForumChannel) else None


class WebhookOutlet(Outlet):
    """An outlet that posts through a channel webhook under an identity; if the webhook is
    deleted midway, the rest goes out as the bot (`fallback` says so)."""

    def __init__(self, outlet: Outlet, webhook: discord.Webhook, identity: Identity) -> None:
        super().__init__(outlet.client, outlet.place)
        self.webhook: discord.Webhook | None = webhook
        self.webhook_id = webhook.id
        self.identity = identity
        self.fallback: Fallback | None = None
        # Messages of this webhook: posted by this outlet, or found by `find` after a crash.
        self.webhook_messages: set[int] = set()

    def _ours(self, message: discord.Message) -> bool:
        if message.webhook_id == self.webhook_id:
            self.webhook_messages.add(message.id)
            return True
        return super()._ours(message)

    async def _post(
        self, into: discord.abc.Messageable | discord.ForumChannel, part: Part
    ) -> tuple[discord.Message, discord.abc.Messageable | None]:
        """Post one part through the webhook (`wait=true`: Discord answers with the message);
        as the bot once the webhook is gone."""
        if self.webhook is None:
            return await super()._post(into, part)
        options: dict[str, Any] = {
            "embeds": list(part.embeds) or discord.utils.MISSING,
            "allowed_mentions": part.mentions or discord.utils.MISSING,
            "username": self.identity.name or discord.utils.MISSING,
            "avatar_url": self.identity.avatar_url or discord.utils.MISSING,
            "wait": True,
        }
        if part.content:
            options["content"] = part.content
        forum = isinstance(into, discord.ForumChannel)
        if forum:
            options["thread_name"] = part.title
        elif getattr(into, "id", None) != self.webhook.channel_id:
            options["thread"] = discord.Object(getattr(into, "id", 0))  # a thread or a post
        try:
            message = await self.webhook.send(**options)
        except discord.NotFound as exc:
            if exc.code != UNKNOWN_WEBHOOK:
                raise
            log.warning("webhook %s in channel %s was deleted", self.webhook_id, self.place.id)
            self.webhook, self.fallback = None, Fallback.WEBHOOK_DELETED
            return await super()._post(into, part)
        self.webhook_messages.add(message.id)
        opened = self.client.get_partial_messageable(message.channel.id) if forum else None
        return message, opened


class ChannelWebhooks:
    """The bot's webhook in each channel it posts feeds in: looked up (or made) once per
    channel and kept; a deleted one is remembered in the store, so it is not made again until
    an admin sets a feed's identity again."""

    def __init__(self, client: discord.Client, store: Store) -> None:
        self.client = client
        self.store = store
        self._kept: dict[int, discord.Webhook] = {}

    async def outlet(self, outlet: Outlet, identity: Identity) -> WebhookOutlet | Fallback:
        """An outlet posting as `identity` through the channel's webhook, or why it cannot."""
        home = _home(outlet.place)
        if home is None:
            return Fallback.NO_WEBHOOK  # DMs: no webhooks there
        found = await self._webhook(home)
        if isinstance(found, Fallback):
            return found
        return WebhookOutlet(outlet, found, identity)

    def forget(self, channel_id: int) -> None:
        """Drop a kept webhook (it was deleted): the next post looks again."""
        self._kept.pop(channel_id, None)

    async def lost(self, place: Any, webhook_id: int) -> None:
        """An admin deleted the webhook posting in `place` (a channel, or a thread of it):
        remember it, so none is made again there until a feed's identity is set again."""
        home = _home(place)
        if home is None:
            return
        self.forget(home.id)
        async with self.store.transaction():
            await self.store.save_channel_webhook(
                ChannelWebhook(home.id, home.guild.id, webhook_id, gone=True)
            )

    async def _webhook(self, home: HomeChannel) -> discord.Webhook | Fallback:
        me = home.guild.me
        if me is not None and not home.permissions_for(me).manage_webhooks:
            return Fallback.MISSING_PERMISSION
        known = await self.store.channel_webhook(home.id)
        if known is not None and known.gone:
            return Fallback.WEBHOOK_DELETED
        kept = self._kept.get(home.id)
        if kept is not None:
            return kept
        try:
            found = await self._find_or_make(home, known)
        except discord.Forbidden:
            return Fallback.MISSING_PERMISSION
        except discord.HTTPException as exc:
            if exc.code == MAX_WEBHOOKS:
                return Fallback.NO_WEBHOOK
            raise
        if isinstance(found, discord.Webhook):
            self._kept[home.id] = found
        return found

    async def _find_or_make(
        self, home: HomeChannel, known: ChannelWebhook | None
    ) -> discord.Webhook | Fallback:
        me = self.client.user
        mine = [
            w
            for w in await home.webhooks()
            if w.token and w.user is not None and me is not None and w.user.id == me.id
        ]
        if known is not None and known.webhook_id is not None:
            same = next((w for w in mine if w.id == known.webhook_id), None)
            if same is not None:
                return same
            # We made one here and it is no longer listed: an admin deleted it.
            await self.lost(home, known.webhook_id)
            return Fallback.WEBHOOK_DELETED
        webhook = next((w for w in mine if w.name == WEBHOOK_NAME), None)
        if webhook is None:
            webhook = await home.create_webhook(name=WEBHOOK_NAME, reason="feed posts")
        async with self.store.transaction():
            await self.store.save_channel_webhook(
                ChannelWebhook(home.id, home.guild.id, webhook.id)
            )
        return webhook
