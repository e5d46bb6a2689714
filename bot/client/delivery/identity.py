"""Feed announcements under a feed's own identity: the outlet a subscription posts through (its
channel's webhook with its name and avatar, else the bot), the webhook messages recorded for
each announcement, and the notice a channel gets once per reason when the bot posts as itself.

    identities = FeedIdentities(poster, store)
    outlet = await identities.outlet(outlet, subscription)        # WebhookOutlet, or as given
    done = await identities.recorded(outlet, announcement_ids)    # after a crash: already posted
    result = await outlet.send(parts)
    await identities.settle(outlet, [ids per part], result)       # record; tell a fallback once
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from bot.client.delivery.outlet import Outlet
from bot.client.delivery.parts import Destination, Part, part_key
from bot.client.delivery.poster import Poster
from bot.client.delivery.webhooks import ChannelWebhooks, WebhookOutlet
from bot.feeds.identity import Fallback, Identity, first_time
from bot.models.delivery import DeliveryResult, PostedMessage
from bot.render import feed_options as render
from bot.store import Store, Subscription, WebhookPost

log = logging.getLogger(__name__)


class FeedIdentities:
    """Chooses how each subscription's announcements are posted, and keeps the records."""

    def __init__(self, poster: Poster, store: Store) -> None:
        self.poster = poster
        self.store = store
        self.webhooks = ChannelWebhooks(poster.client, store)
        # Channels whose fallbacks are known cleared since start (saves a write per post).
        self._clear: set[int] = set()

    async def outlet(self, outlet: Outlet, subscription: Subscription) -> Outlet:
        """Where a subscription's announcement goes: through the channel's webhook under the
        subscription's identity, or `outlet` itself (the bot) when it has none or the webhook
        cannot be used (then the channel is told why, once)."""
        identity = Identity.of(await self.store.feed_options(subscription.id))
        if identity is None:
            return outlet
        made = await self.webhooks.outlet(outlet, identity)
        if isinstance(made, Fallback):
            await self.tell(outlet.place.id, made, identity)
            return outlet
        return made

    async def recorded(
        self, outlet: Outlet, announcement_ids: Sequence[int]
    ) -> dict[int, PostedMessage]:
        """The announcements a webhook message is already recorded for, with that message."""
        return {
            p.announcement_id: PostedMessage(p.channel_id, p.message_id, outlet.guild_id, True)
            for p in await self.store.webhook_posts(announcement_ids)
        }

    async def adopt(self, outlet: Outlet, found: Mapping[int, PostedMessage]) -> None:
        """Record the webhook messages an earlier attempt posted, found after a crash (`found`
        maps announcement ids to the messages that carried them)."""
        if not isinstance(outlet, WebhookOutlet):
            return
        posts = [
            WebhookPost(announcement_id, posted.channel_id, outlet.webhook_id, posted.message_id)
            for announcement_id, posted in sorted(found.items())
            if posted.message_id in outlet.webhook_messages
        ]
        if posts:
            async with self.store.transaction():
                await self.store.record_webhook_posts(posts)

    async def settle(
        self, outlet: Outlet, carried: Sequence[Sequence[int]], result: DeliveryResult
    ) -> None:
        """After a send: record the webhook message that carried each announcement (`carried`
        lists each part's announcement ids), and tell the channel if the webhook went away."""
        if not isinstance(outlet, WebhookOutlet):
            return
        posts = [
            WebhookPost(announcement_id, posted.channel_id, outlet.webhook_id, posted.message_id)
            for ids, posted in zip(carried, result.posted, strict=False)
            if posted.message_id in outlet.webhook_messages
            for announcement_id in ids
        ]
        if posts:
            async with self.store.transaction():
                await self.store.record_webhook_posts(posts)
        channel = outlet.place.id
        if outlet.fallback is not None:
            await self.webhooks.lost(outlet.place, outlet.webhook_id)
            await self.tell(channel, outlet.fallback, outlet.identity)
        elif posts and channel not in self._clear:
            async with self.store.transaction():
                await self.store.clear_webhook_fallbacks(channel)
            self._clear.add(channel)

    async def tell(self, channel_id: int, fallback: Fallback, identity: Identity) -> None:
        """Tell a channel, the first time for this reason, that its feeds come from the bot."""
        self._clear.discard(channel_id)
        if not await first_time(self.store, channel_id, fallback):
            return
        me = self.poster.client.user
        embed = render.fallback_notice(fallback, identity, me.name if me else "Newsdesk")
        part = Part(part_key("identity", channel_id, fallback.name), embeds=[embed])
        result = await self.poster.deliver(Destination(channel_id=channel_id), [part])
        if result.failure is not None:
            log.warning("could not tell channel %s: %s", channel_id, result.failure.describe())
