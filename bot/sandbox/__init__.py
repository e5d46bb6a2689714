"""Offline Discord: an API emulator on loopback that the unmodified discord.py client talks to."""

from .emulator.state import ManualClock
from .harness import DiscordEmulator, default_world

__all__ = ["DiscordEmulator", "ManualClock", "default_world"]
