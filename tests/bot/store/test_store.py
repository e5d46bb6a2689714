"""The store: migrations, transactions, integrity after a crash mid-ingest."""

import asyncio
import contextlib
import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.errors import StoreError
from bot.ingest import ingest_drafts
from bot.models import Article, ArticleDraft
from bot.store import Store, open_store
from bot.store.records import articles as records_articles
from bot.store.records.articles import article_from_row
from bot.store.sqlite.db import migrations


async def test_migrations_set_user_version_and_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with await open_store(path) as store:
        async with store.conn.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone())[0] == len(migrations())
        async with store.conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
    async with await open_store(path) as store:  # re-open applies nothing twice
        assert await store.count_articles() == 0


async def test_a_new_database_says_so_once_and_an_upgrade_names_each_step(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    async with await open_store(tmp_path / "new.db"):
        pass
    latest = len(migrations())
    assert caplog.messages == [f"creating a new database (schema v{latest})"]
    caplog.clear()
    older = tmp_path / "older.db"
    with contextlib.closing(sqlite3.connect(older)) as conn:
        for version, _, sql in migrations()[:-1]:
            conn.executescript(f"{sql}\nPRAGMA user_version = {version};")
    async with await open_store(older):
        pass
    assert caplog.messages == [f"applying migration {migrations()[-1][1]}"]


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    sqlite3.connect(path).execute("PRAGMA user_version = 999").connection.close()
    with pytest.raises(StoreError, match="newer than this Newsdesk"):
        await open_store(path)


async def test_failed_transaction_leaves_nothing(store: Store) -> None:
    draft = ArticleDraft(title="T", body="B", origin="x:1")
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.store_article(draft, "2026-01-01T00:00:00+00:00")
            raise RuntimeError("crash between article and commit")
    assert await store.count_articles() == 0
    assert await store.check_integrity() == []


async def test_a_transaction_inside_a_transaction_is_a_savepoint(store: Store) -> None:
    async with store.transaction():
        await store.set_guild_setting(1, "prefix", "?")
        with pytest.raises(RuntimeError):
            async with store.transaction():
                await store.set_guild_setting(2, "prefix", "!")
                raise RuntimeError("the inner block fails")
        async with store.transaction():
            await store.set_guild_setting(3, "prefix", "$")
    kept = [await store.guild_setting(guild, "prefix") for guild in (1, 2, 3)]
    assert kept == ["?", None, "$"]
    with pytest.raises(RuntimeError):
        async with store.transaction():
            async with store.transaction():
                await store.set_guild_setting(4, "prefix", "%")
            raise RuntimeError("the outer block fails after the inner one")
    assert await store.guild_setting(4, "prefix") is None


async def test_a_store_opened_again_shares_the_data_not_the_connection(store: Store) -> None:
    """The web inside the bot reads through `opened_again()`: the same data, and on SQLite a
    connection of its own (a write the bot has not committed is not seen through it, so its
    reads run beside the bot's instead of in its connection's queue)."""
    await store.set_guild_setting(1, "prefix", "?")
    async with store.opened_again() as again:
        assert again.path == store.path
        assert await again.guild_setting(1, "prefix") == "?"
        await again.set_guild_setting(2, "prefix", "!")
        assert await store.guild_setting(2, "prefix") == "!"
        if again is store:
            return  # PostgreSQL: the pool already serves callers side by side
        async with store.transaction():
            await store.set_guild_setting(3, "prefix", "$")
            assert await again.guild_setting(3, "prefix") is None  # not committed yet
        assert await again.guild_setting(3, "prefix") == "$"
    assert await store.guild_setting(1, "prefix") == "?"  # closing it left the store open


async def test_guild_settings_are_per_guild(store: Store) -> None:
    await store.set_guild_setting(1, "prefix", "?")
    assert await store.guild_setting(1, "prefix") == "?"
    assert await store.guild_setting(2, "prefix") is None
    await store.set_guild_setting(1, "prefix", None)
    assert await store.guild_setting(1, "prefix") is None


def test_kill_during_large_ingest_leaves_consistent_db(tmp_path: Path) -> None:
    corpus = tmp_path / "big.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for n in range(40_000):
            record = {"title": f"Story {n}", "body": f"Body {n} " + "words here " * 40}
            handle.write(json.dumps(record) + "\n")
    db = tmp_path / "crash.db"
    env = {**os.environ, "DATABASE_PATH": str(db), "LOG_LEVEL": "WARNING"}
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "ingest", "--no-nlp", str(corpus)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Wait until some batches have committed, then kill without warning.
    for _ in range(2000):
        if child.poll() is not None:
            break
        try:
            con = sqlite3.connect(db, timeout=0.1)
            count = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            con.close()
        except sqlite3.Error:
            count = 0
        if count >= 1000:
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=0.01)  # wait on the child, not on the clock
    child.send_signal(signal.SIGKILL)
    child.wait()

    async def check() -> tuple[int, list[str], int, int]:
        async with await open_store(db) as store:
            count = await store.count_articles()
            problems = await store.check_integrity()
            async with store.conn.execute("SELECT count(*) FROM articles_fts") as cur:
                indexed = (await cur.fetchone())[0]
            async with store.conn.execute(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '\"words\"'"
            ) as cur:
                matched = (await cur.fetchone())[0]
            return count, problems, indexed, matched

    count, problems, indexed, matched = asyncio.run(check())
    assert 0 < count < 40_000, "the kill must land mid-ingest"
    assert count % 200 == 0, "only whole batches are committed"
    assert problems == []
    assert indexed == matched == count


def test_bundled_migrations_are_numbered_without_gaps() -> None:
    versions = [version for version, _, _ in migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_article_part_reads_a_span_of_the_body_and_its_length(store: Store) -> None:
    """What a reader's page needs (issue 16, class 1): a span of the body, counted in
    characters on both backends (accents and emoji are one character each), and its length."""
    body = "Café ☕ x" * 1000
    report = await ingest_drafts(
        store, [ArticleDraft(title="Long", body=body, caption="Photo", origin="t:part")]
    )
    article_id = report.added[0]

    found = await store.article_part(article_id, 7, 14)

    assert found is not None
    article, chars = found
    assert (article.body, chars, article.caption, article.title) == (
        body[7:21],
        len(body),
        "Photo",
        "Long",
    )
    assert (await store.article_part(article_id, len(body) - 3, 100))[0].body == body[-3:]  # type: ignore[index]
    assert await store.article_part(article_id + 1, 0, 10) is None


async def test_a_window_of_new_articles_can_hold_only_their_leads(store: Store) -> None:
    """What a digest reads of each new article and of a story's reports (issue 16, found by
    the soak: every /catchup read a window's 9 MB page whole): with body_chars, the body's
    first characters (counted in characters on both backends), the rest as it is."""
    long, short = "Café ☕ x" * 1000, "Short body."
    report = await ingest_drafts(
        store,
        [
            ArticleDraft(title="Long", body=long, caption="Photo", origin="t:window-long"),
            ArticleDraft(title="Short", body=short, origin="t:window-short"),
        ],
    )
    since, until = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)

    whole = await store.articles_in_window(since, until)
    leads = await store.articles_in_window(since, until, body_chars=12)

    assert [a.id for a in leads] == [a.id for a in whole] == report.added[::-1]
    assert [a.body for a in leads] == [short[:12], long[:12]]
    assert [a.body for a in whole] == [short, long]
    assert [(a.title, a.caption) for a in leads] == [(a.title, a.caption) for a in whole]
    # So are a story's reports, read by id (bot/nlp/storyline.py).
    by_id = await store.articles(report.added, body_chars=12)
    assert [a.body for a in by_id] == [long[:12], short[:12]]


async def test_a_window_of_articles_is_decoded_off_the_event_loop(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A /catchup's window (up to 500 articles) is made into Articles on a worker thread, not
    on the event loop where readers' answers would wait behind it (found by the soak)."""
    await ingest_drafts(
        store, [ArticleDraft(title=f"Window {n}", body="Body.", origin=f"t:w{n}") for n in range(3)]
    )
    made_on: list[int] = []

    def spy(row: Any) -> Article:
        made_on.append(threading.get_ident())
        return article_from_row(row)

    monkeypatch.setattr(records_articles, "article_from_row", spy)
    since, until = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)

    window = await store.articles_in_window(since, until)

    assert [a.title for a in window] == ["Window 2", "Window 1", "Window 0"]
    assert len(made_on) == 3 and threading.get_ident() not in made_on


async def test_listing_index_words_while_articles_are_stored_is_never_aborted(
    store: Store,
) -> None:
    """fts5vocab aborts a cursor when the index is written between its steps ('query
    aborted'); the feed poller writes through the same connection as a search's budget
    check reads the vocabulary. Each batch of words is read in one step."""
    await ingest_drafts(
        store,
        [
            ArticleDraft(
                title="Ports", body=" ".join(f"port{n:03d}" for n in range(300)), origin="t:v"
            )
        ],
    )

    async def write() -> None:
        for n in range(30):
            await ingest_drafts(
                store, [ArticleDraft(title=f"Port {n}", body="port news", origin=f"w:{n}")]
            )

    listed, _ = await asyncio.gather(store.terms_starting("port", limit=300), write())

    assert len(listed) >= 300
