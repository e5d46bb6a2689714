"""`Poster`: the one way the bot posts. It resolves a destination into an `Outlet` (or a typed
failure: missing channel, missing permission, a channel that takes no posts), delivers parts
there, and deletes what must be taken back."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from bot.client.delivery.outlet import Outlet, failure_from
from bot.client.delivery.parts import Destination, ForumLayout, Part
from bot.models.delivery import DeliveryResult, Failure, FailureKind

log = logging.getLogger(__name__)

# The guild channels the bot posts in (a forum takes posts, not messages).
GUILD_PLACES = (discord.TextChannel, discord.Thread, discord.ForumChannel)


def missing_permissions(channel: discord.abc.GuildChannel | discord.Thread) -> list[str]:
    """The permissions the bot lacks to post embeds in `channel` (empty when it may, or when
    its own member is not cached and Discord will be the judge)."""
    me = channel.guild.me
    if me is None:
        return []
    allowed = channel.permissions_for(me)
    needed = {
        "View Channel": allowed.view_channel,
        "Send Messages": allowed.send_messages_in_threads
        if isinstance(channel, discord.Thread)
        else allowed.send_messages,
        "Embed Links": allowed.embed_links,
    }
    return [name for name, ok in needed.items() if not ok]


class Poster:
    """Posts for the bot: digests, feed announcements and alerts, follow notifications."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def open(self, to: Destination) -> Outlet | Failure:
        """The place `to` names, ready to post in, or why the bot cannot post there (a
        channel is looked up in the cache, then asked of Discord; its permissions are checked
        from the cache). Waits for the gateway to be ready first."""
        await self.client.wait_until_ready()
        if to.user_id is not None:
            try:
                dm = await self.client.create_dm(discord.Object(to.user_id))
            except discord.HTTPException as exc:
                return failure_from(exc, user_id=to.user_id)
            return Outlet(self.client, dm)
        assert to.channel_id is not None
        channel = self.client.get_channel(to.channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(to.channel_id)
            except discord.HTTPException as exc:
                return failure_from(exc, channel_id=to.channel_id)
        if not isinstance(channel, GUILD_PLACES):
            return Failure(FailureKind.CANNOT_POST, channel_id=to.channel_id)
        if to.guild_id is not None and channel.guild.id != to.guild_id:
            log.warning("refused to post in channel %s: not in server %s", channel.id, to.guild_id)
            return Failure(FailureKind.CANNOT_POST, channel_id=to.channel_id)
        if missing := missing_permissions(channel):
            return Failure(
                FailureKind.MISSING_PERMISSION, channel_id=channel.id, missing=tuple(missing)
            )
        return Outlet(self.client, channel)

    async def deliver(
        self, to: Destination, parts: Sequence[Part], *, forum: ForumLayout = ForumLayout.ONE_POST
    ) -> DeliveryResult:
        """Open `to` and send `parts` there (see `Outlet.send`); a destination that cannot be
        opened is a result with no posts and its failure."""
        outlet = await self.open(to)
        if isinstance(outlet, Failure):
            return DeliveryResult(failure=outlet)
        return await outlet.send(parts, forum=forum)

    async def delete(self, channel_id: int, message_ids: Sequence[int], *, what: str) -> None:
        """Delete the bot's messages in a channel (or a forum post's thread); those already
        gone are skipped, and other failures logged under `what`."""
        channel = self.client.get_partial_messageable(channel_id)
        for message_id in message_ids:
            try:
                await channel.get_partial_message(message_id).delete()
            except discord.NotFound:
                continue
            except discord.HTTPException as exc:
                log.warning("%s: could not delete message %s: %s", what, message_id, exc)
