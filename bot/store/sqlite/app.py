"""SQL for the application's own state: small named values such as the synced command hash."""

from __future__ import annotations

import aiosqlite


class AppStateQueries:
    """Get and set app-state values; a mixin for `SqliteStore` (which owns `conn`)."""

    conn: aiosqlite.Connection

    async def app_value(self, key: str) -> str | None:
        async with self.conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def set_app_value(self, key: str, value: str, now: str) -> None:
        await self.conn.execute(
            "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            (key, value, now),
        )
