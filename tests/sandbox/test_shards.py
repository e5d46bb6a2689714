"""Sharding in the emulator: IDENTIFY's shard, guilds routed by (guild_id >> 22) % count,
events only to the owning shard, /gateway/bot's recommended count."""

from __future__ import annotations

from contextlib import AsyncExitStack

import discord
from discord.ext import commands

from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.gateway import shard_of
from bot.sandbox.emulator.world import World


class ShardBot(commands.AutoShardedBot):
    """A minimal sharded bot: /whereami answers with the shard it arrived on."""

    def __init__(self, **options: object) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            chunk_guilds_at_startup=False,
            **options,
        )

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s pause between shards: the emulator has no identify quota."""

    async def setup_hook(self) -> None:
        """One slash command, synced once."""

        @self.tree.command(description="Which shard am I on?")
        async def whereami(interaction: discord.Interaction) -> None:
            assert interaction.guild is not None
            await interaction.response.send_message(f"shard {interaction.guild.shard_id}")

        await self.tree.sync()


def newsrooms(count: int) -> World:
    """A world of `count` guilds created a millisecond apart, so they spread over shards."""
    world = World()
    alice = world.add_user("alice")
    for n in range(count):
        world.ids.tick()
        world.add_guild(f"Newsroom {n}", members=(alice,))
    return world


def test_guild_ids_spread_over_shards() -> None:
    world = newsrooms(6)
    assert [shard_of(g.id, 3) for g in world.guilds] == [0, 1, 2, 0, 1, 2]


async def test_each_shard_hears_only_its_guilds_and_answers_their_commands() -> None:
    world = newsrooms(4)
    async with DiscordEmulator(world, clock=FakeClock()) as emu, AsyncExitStack() as stack:
        bots = [ShardBot(shard_count=2, shard_ids=[shard]) for shard in (0, 1)]
        for bot in bots:
            await stack.enter_async_context(emu.connected(bot))
        for shard, bot in enumerate(bots):
            mine = {g.id for g in world.guilds if shard_of(g.id, 2) == shard}
            assert {g.id for g in bot.guilds} == mine
        for guild in world.guilds:
            reply = await emu.slash("whereami", channel=world.channel_named("general", guild))
            assert reply.message.content == f"shard {shard_of(guild.id, 2)}"
        sessions = {s.id: s.shard[0] for s in emu.emulator.gateway.sessions.values()}
        deliveries = [f for f in emu.frames if f.event == "INTERACTION_CREATE"]
        assert len(deliveries) == 4  # each command reached exactly one shard
        guild_shards = sorted(shard_of(g.id, 2) for g in world.guilds)
        assert sorted(sessions[f.session_id] for f in deliveries) == guild_shards
        assert len(emu.requests_to("POST", "/callback")) == 4  # and was answered once


async def test_auto_sharded_bot_takes_the_recommended_count() -> None:
    world = newsrooms(3)
    async with DiscordEmulator(world, clock=FakeClock()) as emu:
        emu.emulator.shard_count = 3
        bot = ShardBot()
        async with emu.connected(bot):
            assert bot.shard_count == 3
            assert sorted(bot.shards) == [0, 1, 2]
            assert len(bot.guilds) == 3
            identified = [s.shard for s in emu.emulator.gateway.sessions.values()]
            assert sorted(identified) == [(0, 3), (1, 3), (2, 3)]
