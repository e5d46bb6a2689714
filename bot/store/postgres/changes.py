"""PostgreSQL SQL for the change marks, and LISTEN for the NOTIFY their trigger sends
(bot/store/postgres/migrations/021_store_changes.sql)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import asyncpg

from bot.store.interface.changes import ChangeMarks
from bot.store.postgres.base import PgBase

log = logging.getLogger(__name__)

# The channel the store_changed() trigger notifies on commit.
CHANGES_CHANNEL = "newsdesk_changes"


class PgChangeQueries(PgBase):
    """Change-mark statements for `PostgresStore`."""

    url: str

    async def change_marks(self) -> ChangeMarks:
        rows = await self._fetch("SELECT topic, version FROM store_changes")
        return {str(row[0]): int(row[1]) for row in rows}

    async def listen_for_changes(
        self, changed: Callable[[], None]
    ) -> Callable[[], Awaitable[None]] | None:
        try:
            conn = await asyncpg.connect(self.url)
            await conn.add_listener(CHANGES_CHANNEL, lambda *_: changed())
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("cannot LISTEN for changes (reading the marks instead): %s", exc)
            return None
        return conn.close
