"""Harness additions: an admin deleting a channel; options named like harness keywords."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox import DiscordEmulator

from .bots import SandboxBot


async def test_deleted_channel_is_gone_for_the_bot(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    news = discord_emu.channel("news")
    cached = bot.get_channel(news.id)
    assert isinstance(cached, discord.TextChannel)
    thread = await cached.create_thread(name="Budget", type=discord.ChannelType.public_thread)

    await discord_emu.delete_channel(news)
    await discord_emu.wait_for(
        lambda: any(f.event == "CHANNEL_DELETE" for f in discord_emu.frames), what="the event"
    )
    await discord_emu.emulator.settle()

    assert bot.get_channel(news.id) is None
    assert [f.event for f in discord_emu.frames if f.event and "DELETE" in f.event] == [
        "THREAD_DELETE",
        "CHANNEL_DELETE",
    ]
    with pytest.raises(discord.NotFound) as gone:
        await cached.send("still there?")
    assert gone.value.code == 10003  # Unknown Channel
    with pytest.raises(discord.NotFound):
        await bot.fetch_channel(thread.id)
    with pytest.raises(KeyError):
        discord_emu.channel("news")


async def test_options_named_like_harness_keywords(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    @bot.tree.command(description="Echo a channel and a user")
    async def point(
        interaction: discord.Interaction, channel: discord.TextChannel, user: discord.User
    ) -> None:
        await interaction.response.send_message(f"{channel.name} {user.name}")

    await bot.tree.sync()
    news, bob = discord_emu.channel("news"), discord_emu.bob

    reply = await discord_emu.slash("point", named={"channel": news, "user": bob})

    assert reply.message.content == "news bob"
    assert reply.message.channel_id == discord_emu.channel("general").id
