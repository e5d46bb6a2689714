"""SQL for the change marks (bot/store/sqlite/migrations/020_store_changes.sql keeps them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

from bot.store.interface.changes import ChangeMarks


class ChangeQueries:
    """Change-mark statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    async def change_marks(self) -> ChangeMarks:
        async with self.conn.execute("SELECT topic, version FROM store_changes") as cur:
            return {str(topic): int(version) for topic, version in await cur.fetchall()}

    async def listen_for_changes(
        self, changed: Callable[[], None]
    ) -> Callable[[], Awaitable[None]] | None:
        # SQLite tells no other connection about a commit: readers look at the marks.
        return None
