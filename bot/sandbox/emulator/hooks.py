"""Channel webhooks the emulator holds: the webhook itself, Discord's naming rules for its name
and for the `username` a message overrides it with, and the per-webhook rate limit.

Discord's rules, as its documentation states them: a webhook (or an override) name is 1-80
characters, may not contain "clyde" or "discord" (any case), and may not be "everyone" or
"here"; a channel holds at most 15 webhooks (30007); executing one is limited per webhook
(5 requests per 2 seconds), answered with the usual rate-limit headers and 429 past it.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .users import User

NAME_MAX = 80
WEBHOOKS_PER_CHANNEL = 15
# Execute requests per webhook per window (seconds); real time, as discord.py waits real time.
EXECUTE_LIMIT = 5
EXECUTE_WINDOW = 2.0
_FORBIDDEN_PARTS = ("clyde", "discord")
_FORBIDDEN_NAMES = ("everyone", "here")
INCOMING = 1


def name_problem(name: object) -> str | None:
    """Why Discord refuses `name` as a webhook's name or a message's username, or None."""
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= NAME_MAX:
        return f"Must be between 1 and {NAME_MAX} in length."
    folded = name.casefold()
    if any(part in folded for part in _FORBIDDEN_PARTS):
        return 'Username cannot contain "clyde" or "discord"'
    if folded.strip() in _FORBIDDEN_NAMES:
        return 'Username cannot be "everyone" or "here"'
    return None


@dataclass
class Bucket:
    """A sliding window of request times: at most `limit` in any `window` seconds."""

    limit: int = EXECUTE_LIMIT
    window: float = EXECUTE_WINDOW
    hits: deque[float] = field(default_factory=deque)

    def _trim(self, now: float) -> None:
        while self.hits and now - self.hits[0] >= self.window:
            self.hits.popleft()

    def take(self, now: float | None = None) -> bool:
        """Count one request now; False (nothing counted) when the window is full."""
        now = time.monotonic() if now is None else now
        self._trim(now)
        if len(self.hits) >= self.limit:
            return False
        self.hits.append(now)
        return True

    def remaining(self, now: float | None = None) -> int:
        """Requests left in the current window."""
        now = time.monotonic() if now is None else now
        self._trim(now)
        return self.limit - len(self.hits)

    def reset_after(self, now: float | None = None) -> float:
        """Seconds until the oldest request leaves the window (0 when none is counted)."""
        now = time.monotonic() if now is None else now
        self._trim(now)
        return max(0.0, self.window - (now - self.hits[0])) if self.hits else 0.0


@dataclass
class Webhook:
    """An incoming webhook of one guild channel, made by `user` (the bot, or a person)."""

    id: int
    channel_id: int
    guild_id: int
    name: str
    user: User
    avatar: str | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    bucket: Bucket = field(default_factory=Bucket)

    def payload(self, *, with_token: bool = True) -> dict[str, Any]:
        """The webhook object as Discord sends it (the token only to who may manage it)."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": INCOMING,
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id),
            "user": self.user.payload(),
            "name": self.name,
            "avatar": self.avatar,
            "application_id": None,
        }
        if with_token:
            data["token"] = self.token
        return data

    def author(self, username: str | None) -> User:
        """Who a message it posts appears from: the webhook (as a bot user with the webhook's
        id), under the message's `username` override or the webhook's own name."""
        return User(self.id, username or self.name, bot=True)
