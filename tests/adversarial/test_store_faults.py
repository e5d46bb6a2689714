"""A read-only or locked database gives a clear error, and the bot keeps answering reads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.models import ArticleDraft
from bot.store import open_store
from tests.newsdesk import Newsdesk

BUSY = "busy or read-only"


@pytest.fixture
def exclusive_lock(newsdesk: Newsdesk) -> Iterator[sqlite3.Connection]:
    """Another process's connection holding the database's write lock (BEGIN EXCLUSIVE)."""
    other = sqlite3.connect(newsdesk.store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    yield other
    other.execute("ROLLBACK")
    other.close()


async def test_a_locked_database_refuses_writes_clearly_and_still_searches(
    newsdesk: Newsdesk, exclusive_lock: sqlite3.Connection
) -> None:
    # Waiting the production 5 s for the lock would only slow the test down.
    await newsdesk.store.conn.execute("PRAGMA busy_timeout = 50")

    changed = await newsdesk.discord.slash("settings prefix", value="?")
    results = await newsdesk.discord.slash("search", query="Qatar truce")
    with pytest.raises(StoreError, match=BUSY):
        await newsdesk.ingest([ArticleDraft(title="T", body="B", origin="t:1")], nlp=False)

    assert changed.message.ephemeral
    assert BUSY in changed.message.embeds[0]["description"]
    assert results.message.embeds[0]["title"] == "Results for “Qatar truce”"
    assert await newsdesk.bot.prefix_for(newsdesk.discord.guild.id) == "!"


async def test_a_read_only_database_refuses_writes_clearly_and_still_searches(
    newsdesk: Newsdesk,
) -> None:
    # Root ignores file modes, so the database is made read-only at the SQLite level.
    await newsdesk.store.conn.execute("PRAGMA query_only = ON")

    changed = await newsdesk.discord.slash("settings prefix", value="?")
    results = await newsdesk.discord.slash("search", query="Qatar truce")

    assert changed.message.ephemeral
    description = changed.message.embeds[0]["description"]
    assert "Sorry, something went wrong" not in description
    assert "read-only" in description or "database" in description
    assert results.message.embeds[0]["title"] == "Results for “Qatar truce”"
    await newsdesk.store.conn.execute("PRAGMA query_only = OFF")
    assert await newsdesk.store.check_integrity() == []


async def test_a_database_that_cannot_be_opened_is_a_store_error(tmp_path: Path) -> None:
    not_a_database = tmp_path / "newsdesk.db"
    not_a_database.write_bytes(b"this is not SQLite" * 100)
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")

    with pytest.raises(StoreError, match=r"newsdesk\.db"):
        await open_store(not_a_database)
    with pytest.raises(StoreError, match="cannot open database"):
        await open_store(a_file / "data" / "newsdesk.db")
