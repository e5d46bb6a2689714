"""Option A's prototype (bench/ranked.py) returns exactly the top 10 of ranking every match by
its relevance × recency rule, whatever the window, and its page shows those articles with
their rows and marked snippets; the options benchmark runs at a tiny size."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench import options
from bench.database import bench_db
from bench.peer import Peer, peer_index
from bench.ranked import RecencyIndex, hybrid_page
from bench.report import Figure
from bench.search import workload
from bot.models import SNIPPET_START
from bot.search import parse_query
from bot.store import open_store

SIZE = 400


@pytest.fixture(autouse=True)
def bench_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Corpora, databases and indexes in a per-process temp folder, never in data/bench/."""
    folder = tmp_path_factory.getbasetemp() / "bench-data"
    monkeypatch.setenv("NEWSDESK_BENCH_DATA", str(folder))
    return folder


@pytest.mark.parametrize(
    ("window_days", "first_fetch", "growing"),
    [
        (1, 10, False),
        (7, 10, False),
        (30, 10, False),
        (30, 10, True),
        (30, 40, True),
        (400, 10, False),
        (400, 10, True),
        (30, 1000, True),
    ],
)
def test_top_10_is_ranking_every_match(window_days: int, first_fetch: int, growing: bool) -> None:
    # A small first fetch makes most searches read windows (at 400 articles 1,000 reads all).
    bare = Peer.open(peer_index(SIZE, quiet=True, stored_text=False))
    index = RecencyIndex(bare, window_days, first_fetch, growing)
    checked = windows = 0
    for query in workload(SIZE):
        compiled = index.peer.compile(parse_query(query.text))
        top, total, calls = index.top(compiled, 10)
        reference = index.every_match_top(compiled, 10)
        assert [r.address for r in top] == [r.address for r in reference], query.text
        assert len(top) == min(total, 10)
        checked += bool(top)
        windows += calls > 1
    assert checked > 100
    assert windows > {10: 50, 40: 10}.get(first_fetch, -1)


@pytest.fixture
def database() -> Path:
    """The SIZE corpus in Newsdesk's schema (built outside the test's event loop)."""
    return bench_db(SIZE, quiet=True)


async def test_the_page_shows_the_ranked_articles_from_the_database(database: Path) -> None:
    index = RecencyIndex(Peer.open(peer_index(SIZE, quiet=True, stored_text=False)))
    text = "Qatar OR market"
    ranked, total, _ = index.top(index.peer.compile(parse_query(text)), 5)
    async with await open_store(database) as store:
        page = await hybrid_page(store, index, text, per_page=5)
        titles = {
            row["id"]: row["title"]
            for row in await store.conn.execute_fetchall("SELECT id, title FROM articles")
        }
    assert [hit.id for hit in page.hits] == index.ids(ranked)
    assert page.total == total > 5
    assert all(hit.title == titles[hit.id] for hit in page.hits)
    assert any(SNIPPET_START in hit.snippet for hit in page.hits)


def test_options_benchmark_runs() -> None:
    parts = [p for p in options.PARTS if p != "relevance"]
    figures = options.run(SIZE, parts, repeats=1)
    assert all(isinstance(f, Figure) and math.isfinite(f.value) for f in figures)
    names = {f.name for f in figures}
    assert f"A: top 10 = ranking every match by the rule @{SIZE}" in names
    assert any(name.startswith("burst of 50") for name in names)


def test_relevance_check_ranks_known_items_under_both_rules() -> None:
    from bench.corpus import records
    from bench.quality.common import BbcArticle
    from bench.relevance import Fts5Rule, TantivyRule, evaluate, known_items

    rows = list(records(60, quiet=True))
    articles = [
        BbcArticle(
            str(i), str(r["title"]), str(r["body"]), ". ".join(str(r["body"]).split(". ")[:3])
        )
        for i, r in enumerate(rows)
    ]
    days = [i % 365 for i in range(len(articles))]
    items = known_items(articles)
    rules = {"fts5": Fts5Rule(articles).scores, "tantivy": TantivyRule(articles, days).scores}
    results = evaluate(items, rules, days)
    kinds = {item.kind for item in items}
    assert {"story words", "headline words", "phrase"} <= kinds
    for scores in results.values():
        assert all(rank is not None for rank in scores.ranks)  # every query finds its article
        assert 0 < scores.mrr() <= 1
