"""Every benchmark runs at a tiny size so none of them rots: figures come back as finite
numbers with the results-file shape. No timings are asserted (benchmarks are not tests);
the one correctness check is that the early-stopping search returns exactly the top 10 of
ranking every match."""

from __future__ import annotations

import gc
import json
import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import bot as bot_bench
from bench import corpus, database, entities, ingest, loop, memory, search, versus
from bench.__main__ import main as bench_main
from bench.report import Figure
from bench.timing import collector_as_in_the_bot
from bot import budget
from bot.workers.heap import YOUNG_THRESHOLD

KEYS = {"name", "value", "unit", "baseline", "ratio", "goal", "pass"}


@pytest.fixture(autouse=True)
def bench_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Corpora and databases in a per-process temp folder, never in data/bench/."""
    folder = tmp_path_factory.getbasetemp() / "bench-data"
    monkeypatch.setenv("NEWSDESK_BENCH_DATA", str(folder))
    return folder


def assert_figures(figures: list[Figure]) -> Iterator[dict[str, object]]:
    """Each figure serialises to the results shape with a finite number as its value."""
    assert figures
    for figure in figures:
        row = figure.as_json()
        assert set(row) >= KEYS
        assert isinstance(row["value"], int | float) and math.isfinite(row["value"])
        assert row["baseline"] is None or isinstance(row["baseline"], int | float)
        assert row["pass"] in (True, False, None)
        yield row


def test_corpus_is_seeded_prefix_stable_and_news_shaped() -> None:
    small = list(corpus.records(50, quiet=True))
    large = list(corpus.records(120, quiet=True))
    assert small == large[:50]
    assert small[0]["title"].startswith("Senior Israeli Security Officials In Qatar")
    words = [len(str(r["body"]).split()) for r in large[1:]]
    assert 150 < sorted(words)[len(words) // 2] < 800
    assert all(str(r["published_at"]).startswith("2025-") for r in large[1:])
    with corpus.ensure_corpus(120, quiet=True).open(encoding="utf-8") as written:
        assert [json.loads(line) for line in written] == large


def test_search_benchmark_matches_ranking_every_match() -> None:
    rows = {r["name"]: r for r in assert_figures(search.measure((200, 400), repeats=1))}
    assert rows["search top 10 = ranking every match @400"]["value"] == 1.0
    assert {"search p99 all @400", "search p99 growth 200→400"} <= set(rows)
    assert any(name.startswith("title autocomplete p99") for name in rows)


def test_tantivy_comparison_reports_newsdesk_over_tantivy() -> None:
    rows = {r["name"]: r for r in assert_figures(versus.measure((200, 400), repeats=1))}
    mine = rows["search p99 all @400 vs tantivy"]
    assert mine["baseline"] > 0 and mine["goal"] == "≤ 1.0× tantivy"
    assert 0 <= rows["tantivy BM25 top 10 shared with Newsdesk's @400"]["value"] <= 1
    size = rows["bytes per article @400: Newsdesk database + search index vs tantivy index"]
    assert size["baseline"] > 0 and "search index" in size["note"]
    build = rows["bulk load @400: Newsdesk rows + search index vs tantivy index"]
    assert build["goal"] == "≤ 2× tantivy" and "index" in build["note"]


def test_search_groups_read_a_search_only_database_above_the_stories_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above STORIES_UP_TO (1M in the full run) the search groups build and read a database
    without stories, named and noted as such, and time the naive query once per query; at or
    below it, or once the whole database is cached, they read the whole one as before."""
    monkeypatch.setenv("NEWSDESK_BENCH_DATA", str(tmp_path))  # nothing cached from other tests
    monkeypatch.setattr(database, "STORIES_UP_TO", 200)
    monkeypatch.setattr(search, "NAIVE_REPEATED_UP_TO", 200)
    rows = {r["name"]: r for r in assert_figures(search.measure((200, 400), repeats=2))}
    assert rows["search top 10 = ranking every match @400"]["value"] == 1.0
    assert "best of 2 each (the naive query: once)" in rows["search p99 all @400"]["note"]
    assert rows["search p99 growth 200→400"]["note"] == "the naive query timed once @400"
    rows = {r["name"]: r for r in assert_figures(versus.measure((200, 400), repeats=1))}
    build = rows["bulk load @400: Newsdesk rows + search index vs tantivy index"]
    assert "a search-only database: no stories placed" in build["note"]
    size = rows["bytes per article @400: Newsdesk database + search index vs tantivy index"]
    assert "no stories placed" in size["note"]

    search_only = database.search_db(400)
    assert search_only.name.endswith("-nostories.db")
    assert database.build_record(search_only)["stories"] is False
    assert _counts(search_only) == (400, 0)
    small = database.search_db(200)
    assert small == database.bench_db_path(200) and _counts(small) == (200, 200)
    # Once the whole database of that size is cached, the search groups read it instead.
    whole = database.bench_db(400, quiet=True)
    assert database.search_db(400) == whole and _counts(whole) == (400, 400)
    assert search_only.is_file()  # the other kind is current, not stale


def test_searches_the_bot_refuses_are_counted_not_timed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A search over the bot's cost budget (at 1M: common words) is left out of both sides'
    timings, and the rows say how many were refused."""
    # The default budget for any archive: 300 weighted postings (bot/budget.py).
    monkeypatch.setattr(budget, "SEARCH_POSTINGS", 300)
    monkeypatch.setattr(budget, "SEARCH_POSTINGS_FLOOR", 300)
    rows = {r["name"]: r for r in assert_figures(search.measure((200, 400), repeats=1))}
    refused = rows["searches refused as too broad @400"]
    assert refused["value"] > 0 and refused["unit"] == "of 190"
    assert f"{190 - refused['value']} queries" in rows["search p99 all @400"]["note"]
    assert "refused as too broad" in rows["search p99 all @400"]["note"]
    rows = {r["name"]: r for r in assert_figures(versus.measure((200, 400), repeats=1))}
    mine = rows["search p99 all @400 vs tantivy"]
    assert f"{refused['value']} refused as too broad" in mine["note"]


def _counts(path: Path) -> tuple[int, int]:
    """A benchmark database's articles and articles placed in a story."""
    conn = sqlite3.connect(path)
    try:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        placed = conn.execute("SELECT count(*) FROM article_stories").fetchone()[0]
    finally:
        conn.close()
    return articles, placed


def test_entity_autocomplete_benchmark() -> None:
    rows = list(assert_figures(entities.measure(60, rounds=1)))
    assert rows[0]["name"] == "entity autocomplete p99 @60"


def test_ingest_benchmark() -> None:
    rows = list(assert_figures(ingest.measure(40, 2)))
    assert len(rows) == 2


def test_loop_lag_benchmark() -> None:
    list(assert_figures(loop.measure(4, 1, base_size=200)))


def test_bot_benchmark() -> None:
    rows = {
        r["name"]: r for r in assert_figures(bot_bench.measure(200, startup_runs=1, per_user=1))
    }
    assert rows["/search answers later than 3 s @200"]["unit"] == ""


def test_web_benchmark_writes_its_rows(tmp_path: Path) -> None:
    assert bench_main(["--scale", "tiny", "--only", "web", "--results", str(tmp_path)]) == 0
    rows = {r["name"]: r for r in json.loads((tmp_path / "latest.json").read_text())}
    # The three pages, each with its goal (the entity pages on the entity database).
    for name in ("search page p99 server time @400", "story page p99 server time @400"):
        assert rows[f"web {name}"]["goal"] == "≤ 100 ms"
    entity = rows["web entity page p99 server time @200"]
    assert entity["goal"] == "≤ 100 ms" and entity["unit"] == "ms"
    assert "visits" in rows["web search page p99 server time, every visit @400"]["note"]
    shared = rows["/search round trip p99, 50 users, web serving 50 readers @400"]
    assert shared["goal"] == "≤ 1.5× alone" and shared["baseline"] > 0
    assert "0 failed" in rows["web search page p99 server time beside the bot @400"]["note"]
    for row in rows.values():
        assert set(row) >= KEYS and math.isfinite(row["value"])


def test_memory_benchmark() -> None:
    names = [r["name"] for r in assert_figures(memory.measure(200))]
    assert "database bytes per article @200" in names


def test_cli_writes_results_and_compares(tmp_path: Path) -> None:
    assert bench_main(["--scale", "tiny", "--only", "search", "--results", str(tmp_path)]) == 0
    latest = tmp_path / "latest.json"
    rows = json.loads(latest.read_text(encoding="utf-8"))
    assert isinstance(rows, list) and all(set(r) >= KEYS for r in rows)
    assert len(list(tmp_path.glob("speed-*.json"))) == 1
    assert "| figure | value | baseline |" in (tmp_path / "latest.md").read_text()
    assert bench_main(["compare", str(latest), str(latest)]) == 0


def test_burst_benchmark_writes_its_row_beside_the_others(tmp_path: Path) -> None:
    """`--only burst` adds the burst rows to latest.json and keeps an earlier run's rows."""
    earlier = [{"name": "an earlier row", "value": 1, "unit": "ms"}]
    (tmp_path / "latest.json").write_text(json.dumps(earlier), encoding="utf-8")
    assert bench_main(["--scale", "tiny", "--only", "burst", "--results", str(tmp_path)]) == 0
    rows = {r["name"]: r for r in json.loads((tmp_path / "latest.json").read_text())}
    four = rows["burst of 50 searches p99, 4 read connection(s) @400"]
    assert four["goal"] == "≤ 150 ms" and four["baseline"] > 0
    assert "burst of 50 searches p99, 2 read connection(s) @400" in rows
    assert rows["an earlier row"] == earlier[0]


def test_the_burst_collector_is_the_bots_and_is_put_back_after() -> None:
    """Inside, the heap so far is frozen and young passes wait as in the bot; after, the
    process's own settings are back (the later groups run as before), and a freeze made
    before it stays."""
    # A bot test in this process may have set the bot's collector already: start from
    # CPython's defaults, and leave the process as it was found.
    found, found_frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    try:
        with collector_as_in_the_bot():
            assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
            assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0
        gc.freeze()
        with collector_as_in_the_bot():
            pass
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*found)
        if found_frozen:
            gc.freeze()


def test_postgres_benchmark_reports_agreement_with_sqlite(
    tmp_path: Path, postgres_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--only postgres`: PostgreSQL's p99 and its first page's agreement with SQLite's."""
    monkeypatch.setenv("BENCH_DATABASE_URL", postgres_server)
    assert bench_main(["--scale", "tiny", "--only", "postgres", "--results", str(tmp_path)]) == 0
    rows = {r["name"]: r for r in json.loads((tmp_path / "latest.json").read_text())}
    agreement = rows["PostgreSQL first page agreement with SQLite @400"]
    # The same index and rule on both: the same first pages (goal 4).
    assert agreement["value"] == 1.0 and agreement["pass"] is True
    assert rows["PostgreSQL search p99 @400 vs SQLite"]["goal"] == "≤ 50 ms"
