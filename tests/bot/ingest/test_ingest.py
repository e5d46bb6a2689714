"""Ingest of files, folders and records: idempotent, atomic, and forgiving of bad input."""

import json
from pathlib import Path

from bot.clock import FakeClock
from bot.ingest import ingest_paths
from bot.ingest.files import MAX_FILE_BYTES
from bot.ingest.urls import canonical_url
from bot.search import parse_query
from bot.store import Store

ARTICLE = "Title {n}\n\nBody of article number {n} about harbour cranes.\n\n(AP – Oslo)"


async def test_seed_folder_is_idempotent(store: Store, seed_file: Path, clock: FakeClock) -> None:
    first = await ingest_paths(store, [seed_file.parent], clock=clock)
    assert len(first.added) == 1 and not first.skipped
    second = await ingest_paths(store, [seed_file.parent], clock=clock)
    assert second.added == [] and second.unchanged == 1
    assert await store.count_articles() == 1
    article = await store.article(first.added[0])
    assert article is not None
    assert article.source == "YWN" and article.dateline == "Jerusalem"
    assert article.ingested_at == "2026-03-02T09:00:00+00:00"


async def test_changed_text_updates_in_place(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE.format(n=1), encoding="utf-8")
    first = await ingest_paths(store, [path])
    path.write_text(ARTICLE.format(n=1).replace("cranes", "ferries"), encoding="utf-8")
    second = await ingest_paths(store, [path])
    assert second.updated == first.added
    assert await store.count_articles() == 1
    article = await store.article(first.added[0])
    assert article is not None and "ferries" in article.body
    hits, _ = await store.search_articles(parse_query("ferries"), 10, 0)
    assert [h.id for h in hits] == first.added
    hits, _ = await store.search_articles(parse_query("cranes"), 10, 0)
    assert hits == []


async def test_same_text_under_another_name_is_a_duplicate(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE.format(n=1), encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE.format(n=1).replace(" ", "  "), encoding="utf-8")
    report = await ingest_paths(store, [tmp_path])
    assert len(report.added) == 1 and report.duplicates == 1


async def test_bad_inputs_are_skipped_with_reasons(store: Store, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE.format(n=1), encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    (tmp_path / "latin1.txt").write_bytes("Café title\n\nCrème brûlée.".encode("latin-1"))
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES * 5)  # a 50 MB file, sparse on disk
    (tmp_path / "notitle.json").write_text(json.dumps({"body": "text"}), encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"title": ', encoding="utf-8")
    lines = [
        json.dumps(
            {"title": "Line one", "text": "Body one.", "url": "https://x.test/1?utm_source=a"}
        ),
        "{not json",
        json.dumps({"title": "Line three", "body": "Body three.", "lang": "en"}),
        json.dumps({"title": "", "body": "no title"}),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = await ingest_paths(store, [tmp_path, tmp_path / "missing.txt"])
    reasons = {Path(s.where.split(":", 1)[-1].split("#")[0]).name: s.reason for s in report.skipped}
    assert len(report.added) == 3
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "over the 10 MB limit" in reasons["huge.txt"]
    assert reasons["notitle.json"] == "missing title"
    assert "invalid JSON" in reasons["broken.json"]
    assert "no such file" in reasons["missing.txt"]
    jsonl = sorted(s.reason for s in report.skipped if "batch.jsonl" in s.where)
    assert jsonl == [
        "invalid JSON on line 2: Expecting property name enclosed in double quotes",
        "line 4: missing title",
    ]
    titles = {a.title: a for a in await store.latest_articles(10)}
    assert set(titles) == {"Title 1", "Line one", "Line three"}
    assert titles["Line one"].origin == "https://x.test/1"
    assert titles["Line three"].metadata == {"lang": "en"}


async def test_json_list_and_published_dates(store: Store, tmp_path: Path) -> None:
    records = [
        {"title": "A", "body": "alpha", "published_at": "2024-05-01T10:00:00+02:00"},
        {"title": "B", "text": "beta", "published_at": "yesterday", "source": "Wire"},
    ]
    (tmp_path / "list.json").write_text(json.dumps(records), encoding="utf-8")
    report = await ingest_paths(store, [tmp_path / "list.json"])
    articles = await store.articles(report.added)
    assert articles[0].published_at == "2024-05-01T08:00:00+00:00"
    assert articles[1].published_at is None
    assert articles[1].metadata == {"published_at_raw": "yesterday"}
    assert articles[1].source == "Wire"


def test_canonical_url_strips_tracking() -> None:
    assert (
        canonical_url("HTTPS://News.Example.com:443/a/b?utm_source=x&id=3&fbclid=y#top")
        == "https://news.example.com/a/b?id=3"
    )
    assert canonical_url("http://example.com:8080") == "http://example.com:8080/"


async def test_jsonl_is_streamed_with_each_line_capped(store: Store, tmp_path: Path) -> None:
    from bot.ingest.files import MAX_LINE_BYTES

    path = tmp_path / "big.jsonl"
    huge = json.dumps({"title": "Huge", "body": "x" * (MAX_LINE_BYTES + 10)})
    good = json.dumps({"title": "Fine", "body": "A normal article."})
    path.write_text(f"{good}\n{huge}\n\xff\n", encoding="latin-1")
    report = await ingest_paths(store, [path])
    assert len(report.added) == 1
    reasons = [s.reason for s in report.skipped]
    assert reasons[0].startswith("line 2 is 10.5 MB, over 10 MB")
    assert reasons[1].startswith("line 3: not UTF-8 text")
    (tmp_path / "binary.jsonl").write_bytes(b"\x00\x01" * 100)
    again = await ingest_paths(store, [tmp_path / "binary.jsonl"])
    assert [s.reason for s in again.skipped] == ["binary file (contains NUL bytes), not text"]


async def test_one_batch_with_repeats_inside_it(store: Store) -> None:
    from bot.ingest import ingest_drafts
    from bot.models import ArticleDraft

    drafts = [
        ArticleDraft(title="A", body="first text", origin="x:1"),
        ArticleDraft(title="B", body="other text", origin="x:2"),
        ArticleDraft(title="A", body="first text", origin="x:3"),  # same text, new origin
        ArticleDraft(title="A", body="changed text", origin="x:1"),  # same origin, new text
        ArticleDraft(title="C", body="third", origin="x:4"),
        ArticleDraft(title="C", body="third", origin="x:4"),  # exact repeat
    ]
    report = await ingest_drafts(store, drafts)
    assert len(report.added) == 3 and len(report.updated) == 1
    assert report.duplicates == 1 and report.unchanged == 1
    first = await store.article(report.added[0])
    assert first is not None and first.body == "changed text"
    assert await store.count_articles() == 3
    assert await store.check_integrity() == []


async def test_json_categories_are_stored_and_follow_changes(store: Store, tmp_path: Path) -> None:
    record = {
        "title": "Cup final tonight",
        "body": "The final is at eight.",
        "url": "https://news.test/final",
        "author": "Ann Lee",
        "category": "Sport",
        "categories": ["Football", 7, "sport", {"nested": "no"}],
    }
    path = tmp_path / "final.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    [article_id] = (await ingest_paths(store, [path])).added
    article = await store.article(article_id)
    assert article is not None
    assert article.categories == ("Sport", "Football")
    assert "categories" not in article.metadata and "category" not in article.metadata
    hits, _ = await store.search_articles(parse_query("category:football author:lee"), 10, 0)
    assert [h.id for h in hits] == [article_id]
    # New text, new categories: the old ones no longer match.
    record |= {"body": "The final is at nine.", "categories": ["Cup"], "category": None}
    path.write_text(json.dumps(record), encoding="utf-8")
    assert (await ingest_paths(store, [path])).updated == [article_id]
    hits, _ = await store.search_articles(parse_query("category:football"), 10, 0)
    assert hits == []
    hits, _ = await store.search_articles(parse_query("category:cup"), 10, 0)
    assert [h.id for h in hits] == [article_id]
