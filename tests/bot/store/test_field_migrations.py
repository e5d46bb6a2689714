"""The field-search migrations on both backends: articles stored before them get their bylines
indexed and their categories read from the metadata JSON records left them in."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import asyncpg

from bot.search import parse_query
from bot.store import Store, open_store
from bot.store.postgres.db import migrations as postgres_migrations
from bot.store.sqlite.db import migrations as sqlite_migrations
from tests.backends import _with_database


def field_search(migrations: list[tuple[int, str, str]]) -> int:
    """The version of a backend's field-search migration (those before it build the store)."""
    return next(version for version, name, _ in migrations if "field_search" in name)


METADATA = json.dumps({"category": "Sport", "categories": ["Sport", 5, " World "], "x": 1})
ROW = (
    "x:1",
    "h",
    "Cup final",
    "The final is tonight.",
    "Ann Lee",
    METADATA,
    "2024-05-01T00:00:00+00:00",
    "2024-05-02T00:00:00+00:00",
    "2024-05-02T00:00:00+00:00",
)
INSERT = (
    "INSERT INTO articles (origin, content_hash, title, body, author, metadata, published_at,"
    " ingested_at, updated_at) VALUES ({})"
)


async def check(store: Store) -> None:
    [article] = await store.latest_articles(1)
    assert sorted(article.categories) == ["Sport", "World"]
    for typed in ("category:world", 'author:"Ann Lee"', "final category:sport -author:doe"):
        hits, total = await store.search_articles(parse_query(typed), 5, 0)
        assert ([h.title for h in hits], total) == (["Cup final"], 1), typed


async def test_sqlite_articles_from_before_get_their_labels(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for version, _, sql in sqlite_migrations():
        if version < field_search(sqlite_migrations()):
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    conn.execute(INSERT.format(", ".join("?" * len(ROW))), ROW)
    conn.commit()
    conn.close()
    async with await open_store(path) as store:
        await check(store)
        assert await store.check_integrity() == []


async def test_postgres_articles_from_before_get_their_labels(postgres_server: str) -> None:
    name = f"newsdesk_old_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(postgres_server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = _with_database(postgres_server, name)
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(
                "CREATE TABLE schema_version (version integer NOT NULL, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            for version, migration, sql in postgres_migrations():
                if version < field_search(postgres_migrations()):
                    await conn.execute(sql)
                    await conn.execute(
                        "INSERT INTO schema_version VALUES ($1, $2)", version, migration
                    )
            marks = ", ".join(f"${n}" for n in range(1, len(ROW) + 1))
            await conn.execute(INSERT.format(marks), *ROW)
        finally:
            await conn.close()
        async with await open_store(url) as store:
            await check(store)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
