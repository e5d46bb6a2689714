"""Small named values the store keeps: per-guild settings and the application's own state."""

from __future__ import annotations

from typing import Protocol


class SettingsStore(Protocol):
    """Per-guild settings and application state values."""

    async def guild_setting(self, guild_id: int, key: str) -> str | None:
        """Return one guild's setting, or None when unset."""
        ...

    async def set_guild_setting(self, guild_id: int, key: str, value: str | None) -> None:
        """Set (or with None, clear) one guild's setting."""
        ...

    async def app_value(self, key: str) -> str | None:
        """Return the value stored under `key`, or None."""
        ...

    async def set_app_value(self, key: str, value: str, now: str) -> None:
        """Store `value` under `key` (ISO UTC `now` as its time)."""
        ...
