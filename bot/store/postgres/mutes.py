"""PostgreSQL SQL for a guild's mute list and the lookups that apply it (which articles name
an entity, which guild a follow belongs to, which sources there are).

Contract: bot/store/interface/mutes.py (records and row decoders: bot/store/records/mutes.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from bot.store.postgres.base import PgBase
from bot.store.records.mutes import MUTE_COLUMNS, Mute, NewMute, mute_from_row, new_mute_values


class PgMuteQueries(PgBase):
    """Mute-list statements for `PostgresStore`; every statement on the list is scoped by
    guild."""

    async def add_mute(self, **mute: Unpack[NewMute]) -> tuple[Mute, bool]:
        added = await self._execute(
            "INSERT INTO guild_mutes (guild_id, kind, value, rule_key, entity_key, entity_label,"
            " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " ON CONFLICT DO NOTHING",
            *new_mute_values(mute),
        )
        row = await self._fetchrow(
            f"SELECT {MUTE_COLUMNS} FROM guild_mutes"
            " WHERE guild_id = $1 AND kind = $2 AND rule_key = $3",
            mute["guild_id"],
            mute["kind"],
            mute["rule_key"],
        )
        assert row is not None
        return mute_from_row(row), added > 0

    async def count_mutes(self, guild_id: int) -> int:
        return await self._fetch_count(
            "SELECT count(*) FROM guild_mutes WHERE guild_id = $1", guild_id
        )

    async def guild_mutes(self, guild_id: int) -> list[Mute]:
        rows = await self._fetch(
            f"SELECT {MUTE_COLUMNS} FROM guild_mutes WHERE guild_id = $1 ORDER BY id", guild_id
        )
        return [mute_from_row(row) for row in rows]

    async def guild_mute(self, guild_id: int, mute_id: int) -> Mute | None:
        row = await self._fetchrow(
            f"SELECT {MUTE_COLUMNS} FROM guild_mutes WHERE guild_id = $1 AND id = $2",
            guild_id,
            mute_id,
        )
        return mute_from_row(row) if row else None

    async def remove_mute(self, guild_id: int, mute_id: int) -> bool:
        removed = await self._execute(
            "DELETE FROM guild_mutes WHERE guild_id = $1 AND id = $2", guild_id, mute_id
        )
        return removed > 0

    async def articles_naming(
        self, article_ids: Sequence[int], entities: Sequence[tuple[str, str]]
    ) -> list[tuple[int, str, str]]:
        if not article_ids or not entities:
            return []
        rows = await self._fetch(
            "SELECT ae.article_id, e.name_key, e.label"
            " FROM unnest($1::text[], $2::text[]) AS w (name_key, label)"
            " JOIN entities e ON e.name_key = w.name_key AND e.label = w.label"
            " JOIN article_entities ae ON ae.entity_id = e.id"
            " WHERE ae.article_id = ANY($3::bigint[]) ORDER BY ae.article_id, e.id",
            [key for key, _ in entities],
            [label for _, label in entities],
            list(article_ids),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def guilds_of_follows(self, follow_ids: Sequence[int]) -> dict[int, int]:
        rows = await self._fetch(
            "SELECT id, guild_id FROM follows WHERE id = ANY($1::bigint[])", list(follow_ids)
        )
        return {row[0]: row[1] for row in rows}

    async def sources_starting(self, typed: str, limit: int = 25) -> list[str]:
        # One index seek per distinct source (articles_source is on lower(source)), however
        # many articles each has: a skip scan that stops at `limit` names or past the prefix.
        rows = await self._fetch(
            "WITH RECURSIVE found (source, n) AS ("
            "  SELECT (SELECT source FROM articles WHERE lower(source) >= $1 AND source <> ''"
            "          ORDER BY lower(source) LIMIT 1), 1"
            "  UNION ALL"
            "  SELECT (SELECT a.source FROM articles a WHERE lower(a.source) > lower(f.source)"
            "          ORDER BY lower(a.source) LIMIT 1), f.n + 1"
            "  FROM found f WHERE f.source IS NOT NULL AND f.n < $2"
            "  AND starts_with(lower(f.source), $1)"
            ") SELECT source FROM found WHERE source IS NOT NULL"
            " AND starts_with(lower(source), $1)",
            typed.lower(),
            limit,
        )
        return [row[0] for row in rows]
