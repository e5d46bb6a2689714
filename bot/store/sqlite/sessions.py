"""SQL for the web: sign-ins under way, sessions, and the servers the bot is in."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.store.records.sessions import (
    BOT_GUILD_COLUMNS,
    SESSION_COLUMNS,
    SIGN_IN_COLUMNS,
    BotGuild,
    SignIn,
    WebSession,
    bot_guild_from_row,
    session_from_row,
    session_values,
    sign_in_from_row,
)
from bot.store.sqlite.db import marks


class SessionQueries:
    """Web session and bot-server statements; a mixin for `SqliteStore` (which owns `conn`)."""

    conn: aiosqlite.Connection

    # -- sign-ins and sessions --------------------------------------------------------------

    async def start_sign_in(
        self, state_key: str, verifier: str, next_path: str, *, now: str, expires_at: str
    ) -> None:
        await self.conn.execute(
            "INSERT INTO web_sign_ins (state_key, verifier, next_path, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (state_key, verifier, next_path, now, expires_at),
        )

    async def finish_sign_in(self, state_key: str, now: str) -> SignIn | None:
        async with self.conn.execute(
            f"DELETE FROM web_sign_ins WHERE state_key = ? RETURNING {SIGN_IN_COLUMNS}",
            (state_key,),
        ) as cur:
            row = await cur.fetchone()
        if row is None or row["expires_at"] <= now:
            return None
        return sign_in_from_row(row)

    async def open_web_session(self, session: WebSession) -> None:
        await self.conn.execute(
            f"INSERT INTO web_sessions ({SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            session_values(session),
        )

    async def web_session(self, key: str, now: str) -> WebSession | None:
        async with self.conn.execute(
            f"SELECT {SESSION_COLUMNS} FROM web_sessions WHERE session_key = ? AND expires_at > ?",
            (key, now),
        ) as cur:
            row = await cur.fetchone()
        return session_from_row(row) if row else None

    async def close_web_session(self, key: str) -> bool:
        cursor = await self.conn.execute("DELETE FROM web_sessions WHERE session_key = ?", (key,))
        return cursor.rowcount > 0

    async def purge_web_sessions(self, now: str) -> int:
        gone = await self.conn.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (now,))
        tried = await self.conn.execute("DELETE FROM web_sign_ins WHERE expires_at <= ?", (now,))
        return gone.rowcount + tried.rowcount

    # -- the servers the bot is in ----------------------------------------------------------

    async def record_bot_guilds(self, guilds: Sequence[tuple[int, str]], now: str) -> None:
        await self.conn.executemany(
            "INSERT INTO bot_guilds (guild_id, name, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET name = excluded.name,"
            " updated_at = excluded.updated_at",
            [(guild_id, name, now) for guild_id, name in guilds],
        )

    async def forget_bot_guilds(self, guild_ids: Sequence[int]) -> int:
        if not guild_ids:
            return 0
        cursor = await self.conn.execute(
            f"DELETE FROM bot_guilds WHERE guild_id IN ({marks(guild_ids)})", tuple(guild_ids)
        )
        return cursor.rowcount

    async def bot_guilds(self, guild_ids: Sequence[int] | None = None) -> list[BotGuild]:
        sql = f"SELECT {BOT_GUILD_COLUMNS} FROM bot_guilds"
        args: tuple[int, ...] = ()
        if guild_ids is not None:
            if not guild_ids:
                return []
            sql += f" WHERE guild_id IN ({marks(guild_ids)})"
            args = tuple(guild_ids)
        async with self.conn.execute(f"{sql} ORDER BY name, guild_id", args) as cur:
            return [bot_guild_from_row(row) for row in await cur.fetchall()]
