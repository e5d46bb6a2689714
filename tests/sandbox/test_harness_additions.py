"""Harness additions: deleting a channel, options named like harness keywords, nonces."""

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


async def test_a_repeated_nonce_returns_the_first_message(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    news = bot.get_channel(discord_emu.channel("news").id)
    assert isinstance(news, discord.TextChannel)

    first = await news.send("digest part 1", nonce="digest-7-1")
    again = await news.send("digest part 1", nonce="digest-7-1")
    other = await news.send("digest part 2", nonce="digest-7-2")

    assert again.id == first.id != other.id
    assert [m.content for m in discord_emu.channel_messages(news.id)] == [
        "digest part 1",
        "digest part 2",
    ]
