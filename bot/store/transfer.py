"""The SQL of `migrate-store`: copy a SQLite Newsdesk database into an empty PostgreSQL one.

Every table the two schemas share is copied in one PostgreSQL transaction (all or nothing),
in foreign-key order, with COPY; indexes that enforce nothing are built after the copy.
Derived data is rebuilt rather than copied: entity counts and the alias table come from the
rows they count (the triggers and one UPDATE), the search vectors are generated columns, an
article's category rows come from its `categories` (a trigger), and the search vocabulary is
rebuilt from them. bot/cluster/migrate.py verifies the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aiosqlite

from bot.errors import ConfigError
from bot.store.interface import Store
from bot.store.postgres import PostgresStore
from bot.store.postgres.base import Connection
from bot.store.sqlite import SqliteStore

# Parents before children; derived tables (entity_aliases, search_terms) are rebuilt instead.
TABLES = (
    "articles",
    "guild_settings",
    "app_state",
    "article_analysis",
    "analysis_failures",
    "entities",
    "article_entities",
    "article_aliases",
    "mentions",
    "quotes",
    "digest_schedules",
    "digest_runs",
    "feeds",
    "feed_subscriptions",
    "feed_items",
    "article_stories",
    "story_keys",
    "feed_announcements",
    "feed_options",
    "channel_webhooks",
    "webhook_fallbacks",
    "webhook_posts",
    "feed_delivery_log",
    "feed_channel_pacing",
    "follows",
    "follow_notifications",
    "pair_rises",
    "guild_mutes",
    "story_texts",
    "story_updates",
    "story_follows",
    "story_notices",
    # The servers the bot is in; web sessions are not copied (members sign in again).
    "bot_guilds",
)
# How many rows go to PostgreSQL per COPY.
CHUNK = 5000
# Tables the target rebuilds, and SQLite's own (FTS5 shadow tables, sqlite_*).
_DERIVED = {
    "entity_aliases",
    "articles_fts",
    "articles_titles",
    "entities_fts",
    "articles_vocab",
    "articles_authors",
    "article_categories",
    # The search index's bookkeeping: the target numbers its own rows, its index catches up.
    "article_tombstones",
    "search_seq_counter",
}
_INTERNAL_PREFIXES = (
    "sqlite_",
    "articles_fts_",
    "articles_titles_",
    "entities_fts_",
    "articles_authors_",
    "article_categories_",
)
# Web sign-ins and sessions stay behind on purpose: members sign in again on the new one; so
# do the change marks (each database counts its own writes, from its migration on).
_LEFT_BEHIND = {"web_sessions", "web_sign_ins", "store_changes"}
# Databases from before per-article aliases kept them in entity_aliases (with article_id).
_OLDER_NAMES = {"article_aliases": "entity_aliases"}


@dataclass
class Copied:
    """Rows copied per table, tables only the source has, and tables that could not be."""

    rows: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _sqlite(store: Store) -> SqliteStore:
    if not isinstance(store, SqliteStore):
        raise ConfigError(f"the source must be a SQLite database, not {store.path}")
    return store


def _postgres(store: Store) -> PostgresStore:
    if not isinstance(store, PostgresStore):
        raise ConfigError(f"the target must be a PostgreSQL database, not {store.path}")
    return store


async def copy_sqlite_to_postgres(from_store: Store, to_store: Store) -> Copied:
    """Copy every shared table of the SQLite `from_store` into the PostgreSQL `to_store`
    (which must hold no articles yet); ConfigError for any other pair of backends."""
    sqlite, target = _sqlite(from_store), _postgres(to_store)
    copied = Copied()
    present = await _source_tables(sqlite.conn)
    async with target.pool.acquire() as conn, conn.transaction():
        indexes = await _drop_secondary_indexes(conn)
        for table in TABLES:
            source = table if table in present else _OLDER_NAMES.get(table, "")
            if source not in present:
                continue
            wanted = set(
                await conn.fetchval(
                    "SELECT array_agg(column_name::text) FROM information_schema.columns"
                    " WHERE table_name = $1 AND is_generated = 'NEVER'",
                    table,
                )
                or ()
            )
            columns = [c for c in await _columns(sqlite.conn, source) if c in wanted]
            if set(columns) != wanted:
                copied.problems.append(f"{table}: no {sorted(wanted - set(columns))} in SQLite")
                continue
            copied.rows[table] = 0
            async with sqlite.conn.execute(f"SELECT {', '.join(columns)} FROM {source}") as cur:
                while rows := list(await cur.fetchmany(CHUNK)):
                    await conn.copy_records_to_table(
                        table, records=[tuple(r) for r in rows], columns=columns
                    )
                    copied.rows[table] += len(rows)
            if "id" in columns:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
        await conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in indexes:
            await conn.execute(definition)
        # The count triggers added every copied row to counts that were copied too: recount.
        await conn.execute(
            "UPDATE entities e SET mention_count = coalesce(c.m, 0),"
            " article_count = coalesce(c.a, 0) FROM (SELECT e2.id, sum(ae.mentions) AS m,"
            " count(ae.article_id) AS a FROM entities e2 LEFT JOIN article_entities ae"
            " ON ae.entity_id = e2.id GROUP BY e2.id) c WHERE c.id = e.id"
        )
    copied.skipped = sorted(
        t
        for t in present
        if t not in TABLES
        and t not in _DERIVED
        and t not in _LEFT_BEHIND
        and not t.startswith(_INTERNAL_PREFIXES)
    )
    await target.rebuild_search_terms()
    # Fresh statistics before the first search: until autovacuum gets to the copied tables
    # the planner guesses at their sizes and at how common each word is.
    async with target.pool.acquire() as conn:
        await conn.execute("ANALYZE")
    return copied


async def row_counts(store: Store, tables: list[str]) -> dict[str, int]:
    """How many rows each of `tables` holds in the PostgreSQL `store`."""
    counts = {}
    async with _postgres(store).pool.acquire() as conn:
        for table in tables:
            if table not in TABLES:
                raise ValueError(f"not a copied table: {table}")
            counts[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return counts


async def headlines(store: Store) -> list[tuple[int, str]]:
    """Every (id, title) of the SQLite `store`, by id: the sample the searches check."""
    async with _sqlite(store).conn.execute("SELECT id, title FROM articles ORDER BY id") as cur:
        return [(row[0], row[1]) for row in await cur.fetchall()]


async def _columns(source: aiosqlite.Connection, table: str) -> list[str]:
    async with source.execute(f"PRAGMA table_info({table})") as cur:
        return [row[1] for row in await cur.fetchall()]


async def _source_tables(source: aiosqlite.Connection) -> set[str]:
    async with source.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
        return {row[0] for row in await cur.fetchall()}


async def _drop_secondary_indexes(conn: Connection) -> list[str]:
    """Drop the copied tables' indexes that enforce nothing; return how to build them again.

    One sorted build after the copy is far faster than updating each index row by row
    (PostgreSQL's "Populating a Database"), above all the GIN indexes of words and word pairs,
    which take hundreds of entries per article."""
    rows = await conn.fetch(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS ddl"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
        " WHERE c.relname = ANY($1::text[]) AND NOT i.indisunique AND NOT i.indisprimary",
        list(TABLES),
    )
    for row in rows:
        await conn.execute(f"DROP INDEX {row['name']}")
    return [row["ddl"] for row in rows]
