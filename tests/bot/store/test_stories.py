"""The store's stories on both backends: read by id, for articles, for a time window;
candidates by key; a migrated store keeps its story ids; PostgreSQL processes take turns."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.clock import FakeClock, utc_iso
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.store import STORY_REPORTS_CAP, Store, StoryMember, StoryProbe, open_store
from bot.store.postgres import PostgresStore
from bot.store.postgres.db import migrations as pg_migrations
from bot.store.records.articles import article_values
from bot.store.sqlite.db import migrations as sqlite_migrations
from bot.stories import catch_up_stories, place_new_articles
from tests import backends
from tests.bot.stories.texts import page_text

MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = int(MORNING.timestamp() // 3600)


def before_stories(found: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """The migrations a store had before stories came (later ones may follow them)."""
    stories = next(version for version, name, _ in found if name.endswith("_stories.sql"))
    return [migration for migration in found if migration[0] < stories]


def page(name: str, origin: str, source: str, **extra: str) -> ArticleDraft:
    title, body = page_text(name)
    return ArticleDraft(title=title, body=body, origin=origin, source=source, **extra)


def at(hours: int) -> str:
    return utc_iso(datetime.fromtimestamp((HOUR + hours) * 3600, UTC))


async def test_stories_read_by_id_for_articles_and_for_a_window(store: Store) -> None:
    clock = FakeClock(MORNING + timedelta(hours=3))  # every report is in the past
    report = await ingest_drafts(
        store,
        [
            page("storm_harbour.html", "x:1", "Harbour Times", published_at=at(0)),
            page("budget.html", "x:2", "Harbour Times", published_at=at(-30)),
            page(
                "storm_wire.html", "x:3", "", url="https://www.wire.example/s", published_at=at(2)
            ),
        ],
        clock=clock,
    )
    storm, budget, wire = report.added
    story = await store.story(storm)
    assert story is not None and story.id == storm
    assert story.article_ids == (storm, wire)
    assert [
        (o.outlet, o.delay.total_seconds() if o.delay is not None else None) for o in story.outlets
    ] == [
        ("Harbour Times", 0.0),
        ("wire.example", 7200.0),
    ]
    assert story.lead.article_id == wire and story.lead.url == "https://www.wire.example/s"
    assert story.first.title == "Storm closes three ports along the northern coast"
    assert await store.story(999) is None
    assert [s.id for s in await store.stories_for([wire, budget, 999])] == [storm, budget]
    assert (await store.stories_for([wire]))[0].article_ids == (storm, wire)  # whole
    since = datetime.fromtimestamp((HOUR - 1) * 3600, UTC)
    recent = await store.stories_between(since, MORNING.replace(hour=12))
    assert [s.id for s in recent] == [storm]
    both = await store.stories_between(datetime(2026, 2, 1, tzinfo=UTC), MORNING.replace(hour=12))
    assert [s.id for s in both] == [storm, budget]  # most recently reported first
    assert [s.id for s in await store.stories_between(since, MORNING, limit=0)] == []


async def test_candidates_share_keys_within_the_hours_asked_most_shared_first(store: Store) -> None:
    async with store.transaction():
        stored = await store.store_articles(
            [ArticleDraft(f"t{n}", f"body {n}", f"c:{n}") for n in range(4)], utc_iso(MORNING)
        )
        ids = [s.article_id for s in stored]
        members = [
            StoryMember(ids[0], ids[0], HOUR, b"\x01\x00\x00\x00", b"", "storm", keys=(1, 2, 3)),
            StoryMember(ids[1], ids[0], HOUR + 5, keys=(1, 2)),
            StoryMember(ids[2], ids[2], HOUR + 80, keys=(1, 2, 3)),
            StoryMember(ids[3], ids[3], HOUR - 1, keys=(9,)),
        ]
        await store.add_story_members(members, utc_iso(MORNING))
        found = await store.story_candidates(
            [StoryProbe((1, 2, 3), HOUR - 2, HOUR + 10), StoryProbe((7,), 0, HOUR * 2)], 5
        )
    near, none = found
    assert [c.article_id for c in near] == [ids[0], ids[1]]  # the third is 80 hours away
    assert near[0].sketch == b"\x01\x00\x00\x00" and near[0].headline == "storm"
    assert [c.story_hour for c in near] == [HOUR, HOUR]
    assert none == []
    again = await store.story_candidates([StoryProbe((1, 2, 3), HOUR - 2, HOUR + 10)], 1)
    assert [c.article_id for c in again[0]] == [ids[0]]
    # First placement wins: placing again changes neither the story nor the data.
    await store.add_story_members([StoryMember(ids[1], ids[1], HOUR, keys=(5,))], "later")
    assert await store.stories_of(ids) == {
        ids[0]: ids[0],
        ids[1]: ids[0],
        ids[2]: ids[2],
        ids[3]: ids[3],
    }
    assert await store.unplaced_articles() == []


async def test_a_story_holds_at_most_the_cap_of_articles(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.store.records import stories as records

    monkeypatch.setattr(records, "STORY_REPORTS_CAP", 2)
    monkeypatch.setattr("bot.store.sqlite.stories.STORY_REPORTS_CAP", 2)
    monkeypatch.setattr("bot.store.postgres.stories.STORY_REPORTS_CAP", 2)
    async with store.transaction():
        stored = await store.store_articles(
            [ArticleDraft(f"t{n}", f"b{n}", f"c:{n}") for n in range(3)], utc_iso(MORNING)
        )
        first = stored[0].article_id
        members = [StoryMember(s.article_id, first, HOUR) for s in stored]
        await store.add_story_members(members, utc_iso(MORNING))
    story = await store.story(first)
    assert story is not None and len(story.reports) == 2
    assert STORY_REPORTS_CAP == 500


# -- a store from before every article had a story ----------------------------------------

_INSERT_ARTICLE = (
    "INSERT INTO articles (url, content_hash, title, caption, body, source, desk, dateline,"
    " author, published_at, updated_at, metadata, origin, ingested_at) VALUES ({})"
)
_INSERT_MEMBER = (
    "INSERT INTO article_stories (article_id, story_id, signature, added_at) VALUES ({})"
)


def _old_rows() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Three articles; the feeds had clustered the first two apart (stories 1 and 2)."""
    now = utc_iso(MORNING)
    drafts = [
        page("storm_harbour.html", "x:1", "Harbour"),
        page("storm_wire.html", "x:2", "Wire"),
        page("budget.html", "x:3", "Harbour"),
    ]
    # The columns of a store from before stories: no categories yet (they came later).
    articles = [(*article_values(d, now)[:12], d.origin, now) for d in drafts]
    return articles, [(1, 1, b"\x00" * 512, now), (2, 2, None, now)]


@contextlib.asynccontextmanager
async def _old_postgres(server: str) -> AsyncIterator[str]:
    name = f"newsdesk_old_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = backends._with_database(server, name)
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(
                "CREATE TABLE schema_version (version integer NOT NULL, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            for version, migration, sql in before_stories(pg_migrations()):
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_version VALUES ($1, $2)", version, migration)
            articles, members = _old_rows()
            marks = ", ".join(f"${n}" for n in range(1, 15))
            await conn.executemany(_INSERT_ARTICLE.format(marks), articles)
            await conn.executemany(_INSERT_MEMBER.format("$1, $2, $3, $4"), members)
        finally:
            await conn.close()
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _old_sqlite(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        for version, _, sql in before_stories(sqlite_migrations()):
            conn.executescript(f"{sql}\nPRAGMA user_version = {version};")
        articles, members = _old_rows()
        conn.executemany(_INSERT_ARTICLE.format(", ".join("?" * 14)), articles)
        conn.executemany(_INSERT_MEMBER.format("?, ?, ?, ?"), members)
        conn.commit()
    return str(path)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_a_migrated_store_keeps_its_story_ids_and_places_the_rest(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    async with contextlib.AsyncExitStack() as stack:
        if backend == "sqlite":
            target = _old_sqlite(tmp_path / "old.db")
        else:
            server = request.getfixturevalue("postgres_server")
            target = await stack.enter_async_context(_old_postgres(server))
        await _check_migrated(await stack.enter_async_context(await open_store(target)))


async def _check_migrated(store: Store) -> None:
    clock = FakeClock(MORNING)
    wire = page("storm_wire.html", "x:4", "Post")
    assert await store.stories_of([1, 2, 3]) == {1: 1, 2: 2}
    assert await store.unplaced_articles() == [(1, 1), (2, 2), (3, None)]
    assert await catch_up_stories(store, clock=clock) == 3
    # The rows carried over keep their stories (even the two the feeds kept apart).
    assert await store.stories_of([1, 2, 3]) == {1: 1, 2: 2, 3: 3}
    assert await store.unplaced_articles() == []
    later = await ingest_drafts(
        store, [replace(wire, title="Ports shut", body=wire.body + " More.")], clock=clock
    )
    # Matched against the carried-over articles' text, refilled from the articles.
    assert (await store.stories_of(later.added))[later.added[0]] in {1, 2}


async def test_postgres_processes_placing_at_once_take_turns(
    postgres_server: str, postgres_template: str
) -> None:
    """Two workers storing near-duplicates at the same moment: the second waits for the
    first's stories (and articles) to commit, then joins its story instead of starting a
    second one."""
    now = utc_iso(MORNING)
    async with backends.fresh_database(postgres_server, postgres_template) as url:
        first = await PostgresStore.open(url, pool_size=2)
        second = await PostgresStore.open(url, pool_size=2)
        try:
            harbour = page("storm_harbour.html", "x:1", "A")
            async with first.transaction():
                [stored] = await first.store_articles([harbour], now)
                await place_new_articles(first, [(stored.article_id, harbour)], now)
                other = asyncio.create_task(
                    ingest_drafts(
                        second, [page("storm_wire.html", "x:2", "B")], clock=FakeClock(MORNING)
                    )
                )
                async with first.pool.acquire() as watcher:
                    # The second waits at the stories' lock, or already at its insert:
                    # article writers take turns for search_seq (migration 023).
                    while not await watcher.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND (query LIKE 'SELECT pg_advisory_xact_lock%'"
                        " OR query LIKE 'INSERT INTO articles%')"
                    ):
                        assert not other.done(), other.result()
            report = await other
            assert await first.stories_of(report.added) == {report.added[0]: stored.article_id}
        finally:
            await first.close()
            await second.close()
