"""Discord users of the emulated world: people and the bot (what messages and guilds refer to)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class User:
    """A Discord user (a person or the bot)."""

    id: int
    username: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        """Return the user object as Discord sends it."""
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.username,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }
