"""SQL for a guild's mute list and the lookups that apply it (which articles name an entity,
which guild a follow belongs to, which sources there are)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Unpack

import aiosqlite

from bot.store.records.mutes import MUTE_COLUMNS, Mute, NewMute, mute_from_row, new_mute_values
from bot.store.sqlite.readers import pooled


class MuteQueries:
    """Mute-list statements; mixed into `SqliteStore`, which owns `conn`. Every statement on
    the list is scoped by guild."""

    conn: aiosqlite.Connection

    async def add_mute(self, **mute: Unpack[NewMute]) -> tuple[Mute, bool]:
        cursor = await self.conn.execute(
            "INSERT INTO guild_mutes (guild_id, kind, value, rule_key, entity_key, entity_label,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            new_mute_values(mute),
        )
        async with self.conn.execute(
            f"SELECT {MUTE_COLUMNS} FROM guild_mutes"
            " WHERE guild_id = ? AND kind = ? AND rule_key = ?",
            (mute["guild_id"], mute["kind"], mute["rule_key"]),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return mute_from_row(row), cursor.rowcount > 0

    async def count_mutes(self, guild_id: int) -> int:
        async with self.conn.execute(
            "SELECT count(*) FROM guild_mutes WHERE guild_id = ?", (guild_id,)
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else 0

    async def guild_mutes(self, guild_id: int) -> list[Mute]:
        async with self.conn.execute(
            f"SELECT {MUTE_COLUMNS} FROM guild_mutes WHERE guild_id = ? ORDER BY id", (guild_id,)
        ) as cur:
            return [mute_from_row(row) for row in await cur.fetchall()]

    async def guild_mute(self, guild_id: int, mute_id: int) -> Mute | None:
        async with self.conn.execute(
            f"SELECT {MUTE_COLUMNS} FROM guild_mutes WHERE guild_id = ? AND id = ?",
            (guild_id, mute_id),
        ) as cur:
            row = await cur.fetchone()
        return mute_from_row(row) if row else None

    async def remove_mute(self, guild_id: int, mute_id: int) -> bool:
        cursor = await self.conn.execute(
            "DELETE FROM guild_mutes WHERE guild_id = ? AND id = ?", (guild_id, mute_id)
        )
        return cursor.rowcount > 0

    async def articles_naming(
        self, article_ids: Sequence[int], entities: Sequence[tuple[str, str]]
    ) -> list[tuple[int, str, str]]:
        if not article_ids or not entities:
            return []
        # Each entity by its unique (name_key, label), then the article's own mention rows.
        async with self.conn.execute(
            "SELECT ae.article_id, e.name_key, e.label FROM json_each(?) w"
            " JOIN entities e ON e.name_key = json_extract(w.value, '$[0]')"
            " AND e.label = json_extract(w.value, '$[1]')"
            " JOIN article_entities ae ON ae.entity_id = e.id"
            " WHERE ae.article_id IN (SELECT value FROM json_each(?))"
            " ORDER BY ae.article_id, e.id",
            (json.dumps([list(pair) for pair in entities]), json.dumps(list(article_ids))),
        ) as cur:
            return [(row[0], row[1], row[2]) for row in await cur.fetchall()]

    async def guilds_of_follows(self, follow_ids: Sequence[int]) -> dict[int, int]:
        async with self.conn.execute(
            "SELECT id, guild_id FROM follows WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(follow_ids)),),
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    @pooled
    async def sources_starting(self, typed: str, limit: int = 25) -> list[str]:
        # One index seek per distinct source (articles_source is NOCASE), however many
        # articles each has: a skip scan that stops at `limit` names or past the prefix.
        async with self.conn.execute(
            "WITH RECURSIVE found (source, n) AS ("
            "  SELECT (SELECT source FROM articles WHERE source >= ?1 COLLATE NOCASE"
            "          AND source <> '' ORDER BY source COLLATE NOCASE LIMIT 1), 1"
            "  UNION ALL"
            "  SELECT (SELECT a.source FROM articles a"
            "          WHERE a.source > found.source COLLATE NOCASE"
            "          ORDER BY a.source COLLATE NOCASE LIMIT 1), n + 1"
            "  FROM found WHERE found.source IS NOT NULL AND n < ?2"
            "  AND substr(found.source, 1, length(?1)) = ?1 COLLATE NOCASE"
            ") SELECT source FROM found WHERE source IS NOT NULL"
            " AND substr(source, 1, length(?1)) = ?1 COLLATE NOCASE",
            (typed, limit),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]
