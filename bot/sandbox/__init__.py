"""Offline Discord: an API emulator on loopback that the unmodified discord.py client talks to."""

from .harness import DiscordEmulator, default_world

__all__ = ["DiscordEmulator", "default_world"]
