"""PostgreSQL SQL for the web: sign-ins under way, sessions, and the servers the bot is in.

Contract: bot/store/interface/sessions.py. A sign-in is taken with one DELETE … RETURNING, so
of two web processes that receive the same callback only one finds it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.postgres.base import PgBase
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


class PgSessionQueries(PgBase):
    """Web session and bot-server statements for `PostgresStore`."""

    # -- sign-ins and sessions --------------------------------------------------------------

    async def start_sign_in(
        self, state_key: str, verifier: str, next_path: str, *, now: str, expires_at: str
    ) -> None:
        await self._execute(
            "INSERT INTO web_sign_ins (state_key, verifier, next_path, created_at, expires_at)"
            " VALUES ($1, $2, $3, $4, $5)",
            state_key,
            verifier,
            next_path,
            now,
            expires_at,
        )

    async def finish_sign_in(self, state_key: str, now: str) -> SignIn | None:
        row = await self._fetchrow(
            f"DELETE FROM web_sign_ins WHERE state_key = $1 RETURNING {SIGN_IN_COLUMNS}",
            state_key,
        )
        if row is None or row["expires_at"] <= now:
            return None
        return sign_in_from_row(row)

    async def open_web_session(self, session: WebSession) -> None:
        await self._execute(
            f"INSERT INTO web_sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            *session_values(session),
        )

    async def web_session(self, key: str, now: str) -> WebSession | None:
        row = await self._fetchrow(
            f"SELECT {SESSION_COLUMNS} FROM web_sessions"
            " WHERE session_key = $1 AND expires_at > $2",
            key,
            now,
        )
        return session_from_row(row) if row else None

    async def close_web_session(self, key: str) -> bool:
        return await self._execute("DELETE FROM web_sessions WHERE session_key = $1", key) > 0

    async def purge_web_sessions(self, now: str) -> int:
        gone = await self._execute("DELETE FROM web_sessions WHERE expires_at <= $1", now)
        tried = await self._execute("DELETE FROM web_sign_ins WHERE expires_at <= $1", now)
        return gone + tried

    # -- the servers the bot is in ----------------------------------------------------------

    async def record_bot_guilds(self, guilds: Sequence[tuple[int, str]], now: str) -> None:
        await self._executemany(
            "INSERT INTO bot_guilds (guild_id, name, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (guild_id) DO UPDATE SET name = excluded.name,"
            " updated_at = excluded.updated_at",
            [(guild_id, name, now) for guild_id, name in guilds],
        )

    async def forget_bot_guilds(self, guild_ids: Sequence[int]) -> int:
        if not guild_ids:
            return 0
        return await self._execute(
            "DELETE FROM bot_guilds WHERE guild_id = ANY($1::bigint[])", list(guild_ids)
        )

    async def bot_guilds(self, guild_ids: Sequence[int] | None = None) -> list[BotGuild]:
        if guild_ids is None:
            rows = await self._fetch(
                f"SELECT {BOT_GUILD_COLUMNS} FROM bot_guilds ORDER BY name, guild_id"
            )
        else:
            rows = await self._fetch(
                f"SELECT {BOT_GUILD_COLUMNS} FROM bot_guilds WHERE guild_id = ANY($1::bigint[])"
                " ORDER BY name, guild_id",
                list(guild_ids),
            )
        return [bot_guild_from_row(row) for row in rows]
