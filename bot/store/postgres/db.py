"""Opening PostgreSQL: a connection pool, and numbered migrations tracked in `schema_version`."""

from __future__ import annotations

import logging

import asyncpg

from bot.errors import StoreError
from bot.store.postgres.base import Connection
from bot.store.schema import bundled_migrations, plan_migrations
from bot.store.urls import redacted_url

log = logging.getLogger(__name__)

# Any constant shared by every Newsdesk process: the advisory lock that lets exactly one of
# several processes starting together apply migrations while the others wait.
_MIGRATION_LOCK = 0x4E455753  # "NEWS"


def migrations() -> list[tuple[int, str, str]]:
    """Return (version, name, sql) for every bundled PostgreSQL migration, in order."""
    return bundled_migrations("bot.store.postgres")


async def migrate(conn: Connection) -> int:
    """Apply every migration newer than `schema_version`, each in one transaction."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        current = int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))
        pending, level = plan_migrations(current, migrations(), "PostgreSQL database")
        for version, name, sql in pending:
            log.log(level, "applying PostgreSQL migration %s", name)
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_version (version, name) VALUES ($1, $2)", version, name
                )
            current = version
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    return current


async def connect_pool(
    url: str, *, min_size: int = 1, max_size: int = 10
) -> asyncpg.Pool[asyncpg.Record]:
    """Open a pool on `url` and bring the schema up to date; StoreError if it can't."""
    try:
        pool = await asyncpg.create_pool(
            url,
            min_size=min_size,
            max_size=max_size,
            # A generic plan (chosen after five runs of a prepared statement) cannot know how
            # common a searched word is, and ranks every match; plan each search for its words.
            server_settings={"plan_cache_mode": "force_custom_plan"},
        )
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        # One line naming the database, never its password (asyncpg does not echo it either).
        reason = " ".join(str(exc).split())
        raise StoreError(f"cannot open PostgreSQL database {redacted_url(url)}: {reason}") from exc
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
    except BaseException as exc:
        await pool.close()
        if isinstance(exc, asyncpg.PostgresError):
            raise StoreError(f"cannot prepare PostgreSQL database: {exc}") from exc
        raise
    return pool
