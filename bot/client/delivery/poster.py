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
# Discord's answer when a message already has a thread (an earlier attempt opened it).
THREAD_ALREADY_CREATED = 160004


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


def _thread_permissions(channel: discord.TextChannel) -> dict[str, bool]:
    """Whether the bot may open a thread on a message of `channel` and post in it."""
    me = channel.guild.me
    if me is None:
        return {}
    allowed = channel.permissions_for(me)
    return {
        "Create Public Threads": allowed.create_public_threads,
        "Send Messages in Threads": allowed.send_messages_in_threads,
    }


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
        if to.thread_of is not None and not isinstance(channel, discord.Thread):
            thread = await self._thread(channel, to.thread_of, to.thread_name)
            if isinstance(thread, Failure):
                return thread
            channel = thread
        if missing := missing_permissions(channel):
            return Failure(
                FailureKind.MISSING_PERMISSION, channel_id=channel.id, missing=tuple(missing)
            )
        return Outlet(self.client, channel)

    async def _thread(
        self, channel: discord.TextChannel | discord.ForumChannel, message_id: int, name: str
    ) -> discord.Thread | Failure:
        """The thread of one of `channel`'s messages, opened when it has none. A thread opened
        on a message shares its id, as a forum post shares its first message's, so the thread
        is found by the message's id, and an opening whose answer was lost is found again."""
        found = await self._known_thread(message_id)
        if found is not None:
            return found
        if isinstance(channel, discord.ForumChannel):
            return Failure(
                FailureKind.MISSING_CHANNEL, channel_id=message_id, detail="the forum post is gone"
            )
        if missing := [n for n, ok in _thread_permissions(channel).items() if not ok]:
            return Failure(
                FailureKind.MISSING_PERMISSION, channel_id=channel.id, missing=tuple(missing)
            )
        try:
            return await channel.get_partial_message(message_id).create_thread(name=name)
        except discord.HTTPException as exc:
            if exc.code == THREAD_ALREADY_CREATED:
                again = await self._known_thread(message_id)
                if again is not None:
                    return again
            return failure_from(exc, channel_id=channel.id)

    async def _known_thread(self, thread_id: int) -> discord.Thread | None:
        """The thread with this id, from the cache or Discord; None when there is none."""
        cached = self.client.get_channel(thread_id)
        if isinstance(cached, discord.Thread):
            return cached
        try:
            fetched = await self.client.fetch_channel(thread_id)
        except discord.HTTPException:
            return None
        return fetched if isinstance(fetched, discord.Thread) else None

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
