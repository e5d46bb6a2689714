"""What the store keeps for the web: sign-ins under way, sessions, and the servers the bot is
in (recorded by the bot, read by any web process on the same database)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.store.records.sessions import BotGuild, SignIn, WebSession


class SessionStore(Protocol):
    """Web sign-ins and sessions: kept in the database, so any number of web processes on one
    database serve the same signed-in members, and signing out ends a session everywhere."""

    async def start_sign_in(
        self, state_key: str, verifier: str, next_path: str, *, now: str, expires_at: str
    ) -> None:
        """Keep a sign-in under way, under a hash of its `state`, until `expires_at`."""
        ...

    async def finish_sign_in(self, state_key: str, now: str) -> SignIn | None:
        """Take the sign-in kept under `state_key` (it is removed: a state is used once);
        None when there is none, or it expired before `now`."""
        ...

    async def open_web_session(self, session: WebSession) -> None:
        """Keep a new session."""
        ...

    async def web_session(self, key: str, now: str) -> WebSession | None:
        """The session kept under `key`, or None when there is none or it expired by `now`."""
        ...

    async def close_web_session(self, key: str) -> bool:
        """End a session (signing out); False when there was none."""
        ...

    async def purge_web_sessions(self, now: str) -> int:
        """Remove sessions and sign-ins that expired by `now`; return how many went."""
        ...


class ServerStore(Protocol):
    """The servers (guilds) the bot is in, as the bot saw them join, leave and be renamed."""

    async def record_bot_guilds(self, guilds: Sequence[tuple[int, str]], now: str) -> None:
        """Record that the bot is in these (guild id, name) servers as of `now`."""
        ...

    async def forget_bot_guilds(self, guild_ids: Sequence[int]) -> int:
        """Record that the bot left these servers; return how many were known."""
        ...

    async def bot_guilds(self, guild_ids: Sequence[int] | None = None) -> list[BotGuild]:
        """The servers the bot is in, by name; with `guild_ids`, only those among them (a
        member's servers that the bot shares)."""
        ...
