"""Sharded bots: with SHARD_COUNT set, one process runs the shards SHARD_IDS of the cluster.

    bot = newsbot_for(settings, clock=...)     # NewsBot, or ShardedNewsBot with those shards

Discord requires sharding from 2,500 guilds: each shard is one gateway connection that hears
about the guilds with `(guild_id >> 22) % SHARD_COUNT == shard_id`. Everything else (the store,
the cogs, the command tree) is the one NewsBot; only the gateway side differs.
"""

from __future__ import annotations

from typing import Any

from discord.ext import commands

from bot.client import NewsBot
from bot.config import Settings


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that hears about a guild (Discord's rule)."""
    return (guild_id >> 22) % shard_count


class ShardedNewsBot(NewsBot, commands.AutoShardedBot):
    """NewsBot on discord.py's AutoShardedBot: several gateway shards in one process."""

    def owns_guild(self, guild_id: int) -> bool:
        """True when one of this process's shards hears about `guild_id`."""
        assert self.shard_count is not None
        ids = self.shard_ids if self.shard_ids is not None else range(self.shard_count)
        return shard_of(guild_id, self.shard_count) in ids


def newsbot_for(settings: Settings, **options: Any) -> NewsBot:
    """The bot the settings ask for: ShardedNewsBot with SHARD_COUNT/SHARD_IDS, else NewsBot."""
    if settings.shard_count is None:
        return NewsBot(settings, **options)
    options.setdefault("shard_count", settings.shard_count)
    options.setdefault("shard_ids", list(settings.shard_ids or range(settings.shard_count)))
    return ShardedNewsBot(settings, **options)
