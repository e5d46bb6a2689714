"""The PostgreSQL backend's own parts: the search language as tsquery, backend choice from
DATABASE_URL, and what only a shared server shows (two processes' connections at once)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import settings_from
from bot.errors import ConfigError, QueryError
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.models.query import Query, Term
from bot.search import parse_query, search
from bot.store.backend import backend_of, open_store, redacted_url, sqlite_path
from bot.store.postgres import PostgresStore
from bot.store.postgres.tsquery import highlight_tsquery_text, to_tsquery_text
from bot.store.sqlite import SqliteStore


@pytest.mark.parametrize(
    ("typed", "tsquery"),
    [
        ("ceasefire Qatar", "('ceasefire' & 'qatar')"),
        ('"Shin Bet"', "('shin' <-> 'bet')"),
        ("truce OR ceasefire", "('truce' | 'ceasefire')"),
        ("Halev*", "'Halev':*"),
        ("ceasefire -Egypt", "('ceasefire' & !'Egypt')"),
    ],
)
def test_search_language_becomes_tsquery(typed: str, tsquery: str) -> None:
    assert to_tsquery_text(parse_query(typed)).lower() == tsquery.lower()


def test_groups_phrases_and_exclusions_compile_flat() -> None:
    query = parse_query('"Shin Bet" truce OR ceasefire Halev* -Egypt -"Gaza Strip"')
    assert to_tsquery_text(query) == (
        "(('Shin' <-> 'Bet') & ('truce' | 'ceasefire') & 'Halev':* & !'Egypt'"
        " & !('Gaza' <-> 'Strip'))"
    )


def test_highlights_mark_any_wanted_word_never_excluded_ones() -> None:
    query = parse_query('"Shin Bet" ceasefire -Egypt')
    assert highlight_tsquery_text(query) == "('Shin' <-> 'Bet') | 'ceasefire'"


@pytest.mark.parametrize(
    ("raw", "tsquery"),
    [
        ("'; DROP TABLE articles; --", "('DROP' & 'TABLE' & 'articles')"),
        ("a & b", "('a' & 'b')"),
        ("x:*", "'x':*"),
        ("NEAR(a b)", "(('NEAR' <-> 'a') & 'b')"),
    ],
)
def test_only_words_reach_tsquery(raw: str, tsquery: str) -> None:
    assert to_tsquery_text(parse_query(raw)) == tsquery


def test_quotes_and_backslashes_inside_a_phrase_stay_literal() -> None:
    query = Query(groups=((Term(("it's", "a\\b")),),))
    assert to_tsquery_text(query) == "('it''s' <-> 'a\\\\b')"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
async def test_any_typed_text_searches_or_explains(
    postgres_store: PostgresStore, text: str
) -> None:
    try:
        page = await search(postgres_store, text)
    except QueryError:
        return
    assert page.total == 0


@pytest.fixture
async def postgres_store(postgres_url: str) -> AsyncIterator[PostgresStore]:
    """A PostgreSQL store with one article (for tests that need PostgreSQL itself)."""
    async with await PostgresStore.open(postgres_url, pool_size=3) as store:
        await ingest_drafts(store, [ArticleDraft("Harbour reopens", "Ships return.", "t:1")])
        yield store


async def test_vocabulary_counts_articles_per_word(postgres_store: PostgresStore) -> None:
    await ingest_drafts(
        postgres_store,
        [ArticleDraft("Harbour strike", "Dockers walk out at the harbour.", "t:2")],
    )
    assert await postgres_store.terms_starting("harb") == [("harbour", 2)]
    assert await postgres_store.terms_starting("dock") == [("dockers", 1)]


async def test_two_connections_write_at_once_without_losing_a_word(
    postgres_store: PostgresStore, postgres_url: str
) -> None:
    """Two processes' pools ingest overlapping new words concurrently: both commit, and
    every word reaches the vocabulary (no deadlock on shared new words)."""
    other = await PostgresStore.open(postgres_url, pool_size=2)
    try:
        words = [f"word{n}" for n in range(60)]
        ones = [
            ArticleDraft(f"A {n}", " ".join(words[n:] + words[:n]), f"a:{n}") for n in range(30)
        ]
        twos = [ArticleDraft(f"B {n}", " ".join(reversed(words[n:])), f"b:{n}") for n in range(30)]
        await asyncio.gather(ingest_drafts(postgres_store, ones), ingest_drafts(other, twos))
    finally:
        await other.close()
    assert await postgres_store.count_articles() == 61
    assert len(await postgres_store.terms_starting("word")) == 60


def test_database_url_chooses_the_backend() -> None:
    settings = settings_from({"DATABASE_URL": "postgresql://news:s3cret@db:5432/newsdesk"})
    assert backend_of(settings.store_url) == "postgresql"
    assert "s3cret" not in repr(settings)
    assert redacted_url(settings.store_url) == "postgresql://news:********@db:5432/newsdesk"
    fallback = settings_from({"DATABASE_PATH": "data/x.db"})
    assert backend_of(fallback.store_url) == "sqlite"
    assert sqlite_path(fallback.store_url) == Path("data/x.db")
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        settings_from({"DATABASE_URL": "mysql://x"})


def test_shard_settings() -> None:
    settings = settings_from({"SHARD_COUNT": "3", "SHARD_IDS": "2,0"})
    assert (settings.shard_count, settings.shard_ids) == (3, (0, 2))
    assert settings_from({"SHARD_COUNT": "2"}).shard_ids == (0, 1)
    assert settings_from({}).shard_count is None
    for bad in ({"SHARD_IDS": "1"}, {"SHARD_COUNT": "2", "SHARD_IDS": "2"}, {"SHARD_COUNT": "0"}):
        with pytest.raises(ConfigError, match="SHARD"):
            settings_from(bad)


async def test_open_store_opens_sqlite_from_a_url(tmp_path: Path) -> None:
    async with await open_store(f"sqlite:///{tmp_path}/news.db") as store:
        assert isinstance(store, SqliteStore)
        assert await store.count_articles() == 0
    assert (tmp_path / "news.db").exists()


async def test_searches_reach_articles_through_the_index(postgres_store: PostgresStore) -> None:
    """The planner prices `@@` without detoasting each long vector and, on its own, scans the
    whole table; search statements run where seq scans are off, and the GIN indexes keep no
    pending list (whose size made every index scan look dear)."""
    body = " ".join(f"filler{n} harbour" for n in range(400))  # a vector stored out of line
    await ingest_drafts(
        postgres_store, [ArticleDraft(f"Port {n}", body, f"p:{n}") for n in range(60)]
    )
    count = (
        "SELECT count(*) FROM articles a, to_tsquery('newsdesk', 'harbour') q WHERE a.search @@ q"
    )
    async with postgres_store.pool.acquire() as conn:
        await conn.execute("ANALYZE articles")  # true sizes: a seq scan looks cheapest
    async with postgres_store._indexed_reads() as conn:
        plan = "\n".join(row[0] for row in await conn.fetch("EXPLAIN " + count))
    assert "Seq Scan" not in plan and "articles_search" in plan, plan
    async with postgres_store.pool.acquire() as conn:
        options = await conn.fetch(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY($1::text[])",
            ["articles_search", "articles_title_search", "entities_name_search"],
        )
    assert {row["relname"]: row["reloptions"] for row in options} == {
        name: ["fastupdate=off"]
        for name in ("articles_search", "articles_title_search", "entities_name_search")
    }
    page = await search(postgres_store, "harbour")
    assert page.total == 61 and len(page.hits) == 5


async def test_a_phrase_is_looked_up_by_its_word_pairs(postgres_store: PostgresStore) -> None:
    """A phrase reaches its articles through the pairs index (GIN keeps no positions, so
    without it every article holding both words was rechecked) and finds what it did."""
    filler = " ".join(f"filler{n}" for n in range(300))
    await ingest_drafts(
        postgres_store,
        [
            ArticleDraft("Cabinet", f"The prime minister spoke. {filler}", "p:1"),
            ArticleDraft("Prime numbers", f"A minister in his prime. {filler}", "p:2"),
            ArticleDraft("Minister quits", f"Prime time; the minister left. {filler}", "p:3"),
            ArticleDraft("Prime Minister visits", f"Harbour tour. {filler}", "p:4"),
        ],
    )
    async with postgres_store.pool.acquire() as conn:
        await conn.execute("ANALYZE articles")
        pairs = await conn.fetchval("SELECT pairs FROM articles WHERE origin = 'p:1'")
    assert {"prime minister", "minister spoke"} <= set(pairs)
    page = await search(postgres_store, '"prime minister"')
    assert sorted(hit.title for hit in page.hits) == ["Cabinet", "Prime Minister visits"]
    assert (await search(postgres_store, '"minister prime"')).total == 0
    count = (
        "SELECT count(*) FROM articles a"
        " WHERE a.search @@ to_tsquery('newsdesk', 'prime <-> minister')"
        " AND a.pairs @> newsdesk_pairs(to_tsvector('newsdesk', 'prime minister'))"
    )
    async with postgres_store._indexed_reads() as conn:
        plan = "\n".join(row[0] for row in await conn.fetch("EXPLAIN " + count))
    assert "articles_pairs" in plan, plan


async def test_totals_are_counted_by_the_search_index_exactly(
    postgres_store: PostgresStore,
) -> None:
    """Phrases and sources no longer read each match's row to count (the search index counts
    every match), so totals past the old cap are exact."""
    await ingest_drafts(
        postgres_store,
        [
            ArticleDraft(f"Cabinet {n}", "The prime minister spoke.", f"c:{n}", source="Wire")
            for n in range(30)
        ],
    )
    assert (await search(postgres_store, '"prime minister"')).total == 30
    assert (await search(postgres_store, "minister source:Wire")).total == 30
    assert (await search(postgres_store, "minister source:Other")).total == 0


async def test_the_same_article_stored_by_two_processes_at_once_lands_once(
    postgres_store: PostgresStore, postgres_url: str
) -> None:
    """Two bots polling feeds that share a story: the second insert waits on the first
    transaction, then finds its row instead of failing on the unique URL."""
    story = ArticleDraft("Budget vote", "Parliament passed the budget.", "https://x.example/b")
    other = await PostgresStore.open(postgres_url, pool_size=2)
    try:
        async with postgres_store.transaction():
            first = await postgres_store.store_article(story, "2026-03-01T00:00:00+00:00")
            second = asyncio.create_task(
                _store_in_transaction(other, story, "2026-03-01T00:00:01+00:00")
            )
            async with postgres_store.pool.acquire() as watcher:
                # Commit only once the second insert waits on ours (no sleeping).
                while not await watcher.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND query LIKE 'INSERT INTO articles%'"
                ):
                    assert not second.done(), second.result()
        outcome = await second
    finally:
        await other.close()
    assert (first.outcome.name, outcome.outcome.name) == ("ADDED", "UNCHANGED")
    assert outcome.article_id == first.article_id
    assert await postgres_store.count_articles() == 2


async def _store_in_transaction(store: PostgresStore, draft: ArticleDraft, now: str) -> object:
    async with store.transaction():
        return await store.store_article(draft, now)
