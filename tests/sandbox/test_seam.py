"""The seam: discord.py is pointed at the emulator only inside `connected`, and only at loopback."""

from __future__ import annotations

import discord
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.sandbox import DiscordEmulator
from bot.sandbox.seam import pointed_at

from .bots import SandboxBot


async def test_seam_is_restored_after_the_bot_closes(discord_emu: DiscordEmulator) -> None:
    before = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    bot = SandboxBot()

    async with discord_emu.connected(bot):
        assert discord_emu.emulator.api_url == Route.BASE
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == discord_emu.emulator.gateway_url

    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    assert bot.is_closed()


def test_seam_refuses_anything_but_loopback() -> None:
    with pytest.raises(ValueError), pointed_at("https://discord.com/api/v10", "ws://127.0.0.1:1/"):
        pass


async def test_bad_token_fails_login(discord_emu: DiscordEmulator) -> None:
    discord_emu.token = "not-the-token"

    with pytest.raises(discord.LoginFailure):
        async with discord_emu.connected(SandboxBot()):
            pass


async def test_first_person_owns_the_application(
    discord_emu: DiscordEmulator, bot: SandboxBot
) -> None:
    alice = await bot.fetch_user(discord_emu.alice.id)
    bob = await bot.fetch_user(discord_emu.bob.id)

    assert await bot.is_owner(alice)
    assert not await bot.is_owner(bob)
