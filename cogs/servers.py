"""Servers: keeps the store's list of the servers the bot is in, and the channels it can post
in and roles of each, for the web newsroom."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.ext import commands

from bot.client import NewsBot
from bot.client.delivery import missing_permissions
from bot.servers import (
    KnownPlaces,
    Place,
    record_joined,
    record_left,
    record_places,
    record_present,
)

log = logging.getLogger(__name__)


class Servers(commands.Cog):
    """Records joins, leaves and renames; on ready, the whole list this process runs."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        # How many changes were recorded: tests wait on it (`wait_recorded`), never on time.
        self.recorded = 0
        self._progress = asyncio.Condition()

    async def _recorded(self) -> None:
        async with self._progress:
            self.recorded += 1
            self._progress.notify_all()

    async def wait_recorded(self, count: int) -> None:
        """Wait until `count` changes (ready, join, rename, leave) have been recorded."""
        async with self._progress:
            await self._progress.wait_for(lambda: self.recorded >= count)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """The gateway is ready: these are all the servers this process's shards are in."""
        guilds = [(guild.id, guild.name) for guild in self.bot.guilds]
        gone = await record_present(
            self.bot.store, guilds, self.bot.clock.now(), mine=self.bot.owns_guild
        )
        log.info("in %d servers (%d left while away)", len(guilds), gone)
        for guild in self.bot.guilds:
            await self._record_places(guild)
        await self._recorded()

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added to a server."""
        await record_joined(self.bot.store, guild.id, guild.name, self.bot.clock.now())
        await self._record_places(guild)
        await self._recorded()

    @commands.Cog.listener()
    async def on_guild_update(self, before: discord.Guild, after: discord.Guild) -> None:
        """A server was renamed (other changes are not kept)."""
        if before.name != after.name:
            await record_joined(self.bot.store, after.id, after.name, self.bot.clock.now())
            await self._recorded()

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server, or the server was deleted."""
        await record_left(self.bot.store, guild.id)
        await self._recorded()

    async def _record_places(self, guild: discord.Guild) -> None:
        """The channels feeds can post in (those where the bot has what posting needs, as
        /feeds add checks) and the roles they may ping (not @everyone, not a bot's own)."""
        channels = [
            Place(c.id, c.name)
            for c in sorted(guild.channels, key=lambda c: (c.position, c.id))
            if isinstance(c, discord.TextChannel | discord.ForumChannel)
            and not missing_permissions(c)
        ]
        roles = [
            Place(r.id, r.name)
            for r in reversed(guild.roles)
            if not r.is_default() and not r.managed
        ]
        await record_places(self.bot.store, guild.id, KnownPlaces(tuple(channels), tuple(roles)))

    @commands.Cog.listener()
    async def on_guild_channel_create(self, channel: discord.abc.GuildChannel) -> None:
        """A channel was added: the web offers it."""
        await self._record_places(channel.guild)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A channel was deleted: the web stops offering it."""
        await self._record_places(channel.guild)

    @commands.Cog.listener()
    async def on_guild_channel_update(
        self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        """A channel was renamed or its permissions changed."""
        await self._record_places(after.guild)

    @commands.Cog.listener()
    async def on_guild_role_create(self, role: discord.Role) -> None:
        """A role was added."""
        await self._record_places(role.guild)

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        """A role was deleted."""
        await self._record_places(role.guild)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        """A role was renamed (or its permissions changed, which changes where the bot posts)."""
        await self._record_places(after.guild)


async def setup(bot: NewsBot) -> None:
    """Add the servers cog."""
    await bot.add_cog(Servers(bot))
