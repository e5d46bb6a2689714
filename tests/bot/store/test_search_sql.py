"""The SQLite search: pages are exactly the top of ranking every match by the documented rule
(docs/search.md: ln(the index's BM25) + day × ln 2 / 30; field-scoped terms included), the
index matches what FTS5 matches, totals and pages agree with a brute-force count, and
migration 006 keeps the FTS5 index in step."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import bot.store.sqlite.search as search_sql
from bot.ingest import ingest_drafts
from bot.models import Article, ArticleDraft
from bot.models.query import Query, SearchFilters, Term
from bot.search import parse_query, prefix_query, search, title_choices
from bot.store import Store, open_store
from bot.store.sqlite.db import migrations
from bot.store.sqlite.search import match_text
from tests.bot.store.ranked import every_match_ranked

WORDS = [f"w{i}" for i in range(60)]
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
SOURCES = ("Reuters", "AP", "BBC", "YWN")
AUTHORS = ("Jane Doe", "Ann Lee", "Jane Lee", "")
CATEGORIES = ("Sport", "World", "UK News", "Business")


def corpus(count: int, seed: int = 7) -> list[ArticleDraft]:
    """Articles over 2024 with Zipfian words, some without a publication date, with bylines
    and categories."""
    rng = random.Random(seed)
    labels = random.Random(seed + 1)  # its own stream: the words stay as they were
    out = []
    for n in range(count):
        title = " ".join(rng.choices(WORDS, WEIGHTS, k=4))
        body = " ".join(rng.choices(WORDS, WEIGHTS, k=rng.randint(20, 60)))
        month, day, hour = rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)
        published = f"2024-{month:02d}-{day:02d}T{hour:02d}:00:00+00:00"
        if n % 17 == 0:
            published = None  # dated by ingest time instead
        out.append(
            ArticleDraft(
                title=title,
                body=body,
                origin=f"test:{n}",
                source=rng.choice(SOURCES),
                published_at=published,
                author=labels.choice(AUTHORS),
                categories=tuple(labels.sample(CATEGORIES, k=labels.randint(0, 2))),
            )
        )
    return out


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    """300 articles, with the ranking's first fetch shrunk so that its windows run."""
    async with await open_store(tmp_path / "search.db") as store:
        await ingest_drafts(store, corpus(300))
        store.search_index.first_fetch = 8  # type: ignore[attr-defined]
        yield store


@pytest.mark.parametrize(
    ("typed", "expression"),
    [
        (
            '"Shin Bet" -Egypt ceasefire OR truce Hali*',
            '(("Shin Bet") AND ("ceasefire" OR "truce") AND ("Hali"*)) NOT "Egypt"',
        ),
        # Every word is inside double quotes: no bare operator or column filter survives.
        (
            'NEAR(a b) col:thing "x" AND y',
            '("NEAR a") AND ("b") AND ("col") AND ("thing") AND ("x") AND ("AND") AND ("y")',
        ),
        ("AND OR NOT", '("AND" OR "NOT")'),
        ("ceasefire source:YWN entity:Hamas", '("ceasefire")'),
        # title: is FTS5's column filter on quoted words; author: and category: are not here.
        (
            'title:storm* OR ferry -title:"sea wall" author:Lee',
            '((title : "storm"* OR "ferry")) NOT title : "sea wall"',
        ),
        ("author:Lee -category:sport", ""),
    ],
)
def test_a_query_compiles_to_quoted_fts5(typed: str, expression: str) -> None:
    assert match_text(parse_query(typed)) == expression
    words = prefix_query("qatar tru")
    assert words is not None and match_text(words) == '("qatar") AND ("tru"*)'


def filtered(typed: str, filters: SearchFilters) -> Query:
    """The query typed, with these filters instead of any typed ones."""
    return dataclasses.replace(parse_query(typed), filters=filters)


def labelled(article: Article, term: Term) -> bool:
    """Whether an article's byline (or one of its categories) holds a label term's words."""
    wanted = [word.casefold() for word in term.words]
    texts = [article.author] if term.field == "author" else list(article.categories)
    for text in texts:
        found = text.casefold().split()
        if any(found[i : i + len(wanted)] == wanted for i in range(len(found))):
            return True
    return False


async def fts5_matches(store: Store, query: Query) -> set[int]:
    """The articles FTS5 matches for a query (label terms checked on each one's byline and
    categories): the index must match the same."""
    filters = query.filters
    where = ["articles_fts MATCH ?"]
    params: list[object] = [match_text(query)]
    if filters.sources:
        where.append(
            "(" + " OR ".join("a.source = ? COLLATE NOCASE" for _ in filters.sources) + ")"
        )
        params += filters.sources
    if filters.after:
        where.append("coalesce(a.published_at, a.ingested_at) >= ?")
        params.append(filters.after)
    if filters.before:
        where.append("coalesce(a.published_at, a.ingested_at) < ?")
        params.append(filters.before)
    if filters.article_ids is not None:
        where.append(f"a.id IN ({','.join('?' * len(filters.article_ids))})")
        params += filters.article_ids
    rows = await store.conn.execute_fetchall(  # type: ignore[attr-defined]
        "SELECT a.id FROM articles_fts JOIN articles a ON a.search_key = articles_fts.rowid"
        f" WHERE {' AND '.join(where)}",
        params,
    )
    articles = {a.id: a for a in await store.articles([row[0] for row in rows])}
    found = set()
    for article_id, article in articles.items():
        if not all(any(labelled(article, t) for t in group) for group in query.label_groups):
            continue
        if any(labelled(article, t) for t in query.label_excluded):
            continue
        found.add(article_id)
    return found


async def brute_force(store: Store, query: Query) -> list[int]:
    """Every match ranked by the rule (no windows, no early stop), as article ids; the
    matches checked against FTS5's."""
    ranked = every_match_ranked(store, query)
    assert set(ranked) == await fts5_matches(store, query)
    return ranked


QUERIES = [
    "w0",
    "w1 w2",
    "w3 OR w40",
    "w0 -w5",
    '"w0 w1"',
    "w1*",
    "w2 w0 w1 -w3 -w4",
    # A word typed twice counts twice in bm25: the bound once counted it once and stopped early.
    "w0 OR w5 w0",
    "w26 w26 OR w10",
    # Field-scoped terms: the headline alone, bylines and categories.
    "title:w0",
    "w1 title:w2 OR title:w3",
    "w0 -title:w0",
    'w0 author:"Jane Lee"',
    "w1 author:jane -category:sport",
    "w0 category:world OR author:doe",
    'w2 category:"uk news"',
]
FILTERS = [
    SearchFilters(),
    SearchFilters(sources=("reuters",)),
    SearchFilters(after="2024-06-01"),
    SearchFilters(after="2024-03-01", before="2024-09-15"),
    SearchFilters(after="2024-05-01T12:00:00+00:00"),
    SearchFilters(sources=("AP", "BBC"), before="2024-07-01"),
    # Whole days read through the day terms: the days wanted, or the days left out of them.
    SearchFilters(before="2024-12-01"),
    SearchFilters(after="2024-11-20"),
    SearchFilters(article_ids=tuple(range(1, 301, 3))),
]


@pytest.mark.parametrize("typed", QUERIES)
@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
async def test_pages_are_the_top_of_ranking_every_match(
    sqlite_store: Store, typed: str, filters: SearchFilters
) -> None:
    query = filtered(typed, filters)
    expected = await brute_force(sqlite_store, query)
    got: list[int] = []
    for offset in range(0, 30, 10):
        hits, total = await sqlite_store.search_articles(query, 10, offset)
        got += [hit.id for hit in hits]
        assert total == len(expected)
    assert got == expected[:30]


async def test_source_filtered_totals_are_exact(sqlite_store: Store) -> None:
    """The index counts every match: no cap on a filtered search's total any more."""
    query = filtered("w0", SearchFilters(sources=("reuters",)))
    everything = await brute_force(sqlite_store, query)
    hits, total = await sqlite_store.search_articles(query, 5, 0)
    assert len(everything) > 20 and total == len(everything)
    assert [h.id for h in hits] == everything[:5]


async def test_a_new_date_moves_the_article_in_the_index(sqlite_store: Store) -> None:
    draft = ArticleDraft(
        title="Harbour strike",
        body="dockers walk out",
        origin="test:moved",
        published_at="2024-01-05T00:00:00+00:00",
    )
    await ingest_drafts(sqlite_store, [draft])
    moved = ArticleDraft(
        title="Harbour strike",
        body="dockers walk out again",
        origin="test:moved",
        published_at="2025-02-01T00:00:00+00:00",
    )
    await ingest_drafts(sqlite_store, [moved])
    assert [h.title for h in (await search(sqlite_store, "dockers after:2025-01-01")).hits] == [
        "Harbour strike"
    ]
    assert (await search(sqlite_store, "dockers before:2025-01-01")).total == 0
    assert await sqlite_store.check_integrity() == []


async def test_title_type_ahead_is_newest_first_from_one_letter(sqlite_store: Store) -> None:
    choices = await title_choices(sqlite_store, "w")
    newest = await sqlite_store.conn.execute_fetchall(
        "SELECT id FROM articles ORDER BY search_key DESC LIMIT 25"
    )
    assert [article_id for article_id, _ in choices] == [row[0] for row in newest]
    words = prefix_query("w1 w")
    assert words is not None
    assert all("w1" in title.split() for _, title in await sqlite_store.titles_matching(words))


async def test_migration_indexes_articles_stored_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for version, _, sql in migrations():
        if version < 6:
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    conn.execute(
        "INSERT INTO articles (origin, content_hash, title, body, published_at, ingested_at,"
        " updated_at) VALUES ('x:1', 'h', 'Qatar talks', 'truce', '2024-05-01T00:00:00+00:00',"
        " '2024-05-02T00:00:00+00:00', '2024-05-02T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    async with await open_store(path) as store:
        assert [h.title for h in (await search(store, "truce after:2024-05")).hits] == [
            "Qatar talks"
        ]
        assert await title_choices(store, "qat") == [(1, "Qatar talks")]
        assert await store.check_integrity() == []


async def test_many_candidate_ids_are_filtered_while_scanning(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_sql, "ID_LOOKUP_LIMIT", 10)
    query = filtered("w0 -w7", SearchFilters(article_ids=tuple(range(2, 301, 2))))
    hits, total = await sqlite_store.search_articles(query, 10, 0)
    expected = await brute_force(sqlite_store, query)
    assert [h.id for h in hits] == expected[:10] and total == len(expected)
