"""Fixtures: an emulator with a manual clock, and the sandbox bot connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator

from .bots import SandboxBot


@pytest.fixture
async def discord_emu() -> AsyncIterator[DiscordEmulator]:
    """A running emulator whose clock only moves when a test advances it."""
    async with DiscordEmulator(clock=FakeClock()) as emu:
        yield emu


@pytest.fixture
async def bot(discord_emu: DiscordEmulator) -> AsyncIterator[SandboxBot]:
    """The sandbox bot, logged in and ready against the emulator."""
    sandbox_bot = SandboxBot()
    async with discord_emu.connected(sandbox_bot):
        yield sandbox_bot
