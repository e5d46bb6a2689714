"""Reads side by side (issue 20, goal 3): a burst of searches gives the pages one-by-one
searches give, reads go on while a write transaction is open and see only what has
committed, a task inside its own transaction reads its writes, and closing the store ends
every reader's thread. On SQLite the reads run on read-only connections beside the writer
(bot/store/sqlite/readers.py); PostgreSQL's pool already serves them side by side."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import settings_from
from bot.errors import ConfigError
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft, SearchPage
from bot.search import search
from bot.store import Store, open_store
from bot.store.sqlite import SqliteStore

NOW = "2026-03-02T12:00:00+00:00"
WORDS = ("harbour", "ceasefire", "budget", "election", "flood", "vaccine", "strike", "summit")
QUERIES = (
    "harbour",
    "ceasefire budget",
    '"flood warning"',
    "election -summit",
    "vacc*",
    "strike OR summit",
    "title:budget",
    "nothing-matches-this",
)


def _drafts() -> list[ArticleDraft]:
    drafts = []
    for i in range(40):
        first, second = WORDS[i % len(WORDS)], WORDS[(i * 3 + 1) % len(WORDS)]
        drafts.append(
            ArticleDraft(
                title=f"{first.title()} news number {i}",
                body=f"A {first} story with a {second} angle.\n\nA flood warning was issued {i}.",
                origin=f"test:{i}",
                source="Wire" if i % 2 else "Herald",
                published_at=f"2026-02-{1 + i % 27:02d}T09:00:00+00:00",
            )
        )
    return drafts


def _shown(page: SearchPage) -> tuple[object, ...]:
    return (page.total, [(hit.id, hit.title, hit.snippet) for hit in page.hits])


async def test_a_burst_of_searches_gives_the_pages_searched_one_by_one(store: Store) -> None:
    await ingest_drafts(store, _drafts())
    texts = [QUERIES[i % len(QUERIES)] for i in range(50)]
    alone = {text: _shown(await search(store, text)) for text in QUERIES}
    assert alone["harbour"][0] == 10  # the corpus really is searched
    burst = await asyncio.gather(*(search(store, text) for text in texts))
    assert [_shown(page) for page in burst] == [alone[text] for text in texts]
    if isinstance(store, SqliteStore):
        assert store.readers is not None and store.readers.opened == 4  # side by side


async def test_reads_go_on_while_a_write_transaction_is_open(store: Store) -> None:
    """A search while another task holds the write transaction open answers at once, from
    the last commit; once the writer commits, the next search sees its article."""
    await ingest_drafts(store, _drafts()[:4])
    written, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with store.transaction():
            draft = ArticleDraft(title="Zebra crossing opens", body="Zebras.", origin="z:1")
            await store.store_article(draft, NOW)
            written.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await written.wait()
    try:
        assert (await search(store, "zebra")).total == 0  # not committed yet
        assert (await search(store, "harbour")).total == 1  # earlier commits are there
        latest = [article.title for article in await store.latest_articles(10)]
        assert len(latest) == 4 and "Zebra crossing opens" not in latest
    finally:
        release.set()
        await task
    page = await search(store, "zebra")  # right after the commit, in the same flow
    assert [hit.title for hit in page.hits] == ["Zebra crossing opens"]


async def test_summary_and_catchup_reads_go_on_while_a_write_transaction_is_open(
    store: Store,
) -> None:
    """The reads a /summary (an article's hash and analysis) and a /catchup (the window's
    articles) make run beside the writer too, and see only the last commit: on SQLite they
    ran on the writer's own connection, queued behind a feed's huge writes (issue 16, found
    by the soak) and seeing what it had not committed."""
    report = await ingest_drafts(store, _drafts()[:4])
    written, release = asyncio.Event(), asyncio.Event()
    new_id: list[int] = []

    async def writer() -> None:
        async with store.transaction():
            draft = ArticleDraft(title="Zebra crossing opens", body="Zebras.", origin="z:1")
            new_id.append((await store.store_article(draft, NOW)).article_id)
            written.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await written.wait()
    try:
        assert await store.article_content_hash(new_id[0]) is None  # not committed yet
        assert await store.article_content_hash(report.added[0]) is not None
        assert await store.stored_analysis(new_id[0]) is None
        since, until = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
        window = await store.articles_in_window(since, until, limit=10)
        assert sorted(a.id for a in window) == sorted(report.added)
    finally:
        release.set()
        await task
    assert await store.article_content_hash(new_id[0]) is not None


async def test_inside_its_own_transaction_a_task_reads_what_it_wrote(store: Store) -> None:
    async with store.transaction():
        draft = ArticleDraft(title="Quokka census", body="Quokkas counted.", origin="q:1")
        stored = await store.store_article(draft, NOW)
        article = await store.article(stored.article_id)
        assert article is not None and article.title == "Quokka census"
        page = await search(store, "quokka")
        assert [hit.title for hit in page.hits] == ["Quokka census"]


@pytest.mark.sqlite_only
async def test_a_reader_cannot_write(store: Store) -> None:
    assert isinstance(store, SqliteStore)
    async with store.reading():
        assert store.conn is not store.writer
        with pytest.raises(sqlite3.OperationalError):
            await store.conn.execute("INSERT INTO guild_settings VALUES (1, 'prefix', '?')")
    assert store.conn is store.writer


async def test_closing_the_store_ends_every_reader_thread(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    store = await open_store(tmp_path / "newsdesk.db", readers=3)
    await ingest_drafts(store, _drafts()[:8])
    await asyncio.gather(*(search(store, text) for text in QUERIES))
    assert isinstance(store, SqliteStore) and store.readers is not None
    assert store.readers.opened == 3
    started = [
        thread
        for thread in set(threading.enumerate()) - before
        if "_connection_worker_thread" in thread.name  # aiosqlite's, one per connection
    ]
    assert len(started) == 4  # the writer and three readers
    await store.close()
    for thread in started:
        thread.join(timeout=30)  # each ends once its connection closed; no time is measured
    assert [thread for thread in started if thread.is_alive()] == []
    with pytest.raises(RuntimeError, match="closed"):
        await store.article(1)


async def test_postgresql_pools_the_readers_and_room_for_writes(postgres_url: str) -> None:
    async with await open_store(postgres_url, readers=2) as store:
        assert store.pool.get_max_size() == 8  # type: ignore[attr-defined]


def test_the_number_of_readers_is_a_setting() -> None:
    assert settings_from({}).database_readers == 4
    assert settings_from({"DATABASE_READERS": "8"}).database_readers == 8
    for bad in ("0", "33", "many"):
        with pytest.raises(ConfigError, match="DATABASE_READERS"):
            settings_from({"DATABASE_READERS": bad})


async def test_a_read_waiting_for_a_reader_fails_when_the_store_closes(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "newsdesk.db", readers=1)
    assert isinstance(store, SqliteStore)
    holding, done = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with store.reading():
            holding.set()
            await done.wait()

    holder = asyncio.create_task(hold())
    await holding.wait()
    waiting = asyncio.create_task(store.latest_articles())
    await asyncio.sleep(0)  # lets it start waiting (a turn of the loop, not a delay)
    await store.close()
    with pytest.raises(RuntimeError, match="closed"):
        await waiting
    done.set()
    await holder
