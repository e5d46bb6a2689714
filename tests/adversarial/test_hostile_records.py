"""Hostile records through the real ingest → store path, on both backends: nesting of any depth,
control characters in every field, dates out of any range, in JSON, JSON Lines, text files and
feeds. Whatever arrives, each record is stored clean or skipped with a one-line reason, the
rest of the folder loads, and no stored date is later than its arrival."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.feeds.parse import FeedFormatError, entry_draft, parse_feed
from bot.ingest import ingest_drafts, ingest_paths
from bot.ingest.clean import clean_draft
from bot.models import Article, ArticleDraft
from bot.search import search
from bot.store import Store
from tests import backends
from tests.adversarial.hostile import ATTACKS

store = backends.both_stores
postgres_server = backends.postgres_server
postgres_template = backends.postgres_template

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Text with control characters everywhere (every C0 and C1 one can be drawn) among words.
controls = st.sampled_from([chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))])
hostile_field = st.lists(
    st.one_of(st.text(controls, min_size=1, max_size=4), st.sampled_from(ATTACKS), st.text()),
    min_size=1,
    max_size=8,
).map("".join)
# Dates no article has: far future, far past, offsets that overflow, numbers out of range.
hostile_date = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "2099-12-31",
            "9999-12-31T23:59:59-05:00",
            "0001-01-01T00:00:00+05:00",
            "2026-03-02T09:00:01Z",
            "not a date",
            "",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.none(),
)
# JSON nested from harmless to far past any recursion limit.
depth = st.one_of(st.integers(1, 80), st.sampled_from([500, 999, 5_000, 100_000]))


def nested(levels: int, kind: str) -> str:
    """JSON text nesting lists or objects `levels` deep."""
    if kind == "list":
        return "[" * levels + "]" * levels
    return '{"a":' * levels + "1" + "}" * levels


def record(title: str, body: str, extra: str, when: object, metadata: str) -> dict[str, object]:
    return {
        "title": title,
        "body": body,
        "caption": extra,
        "source": extra,
        "author": extra,
        "url": f"https://news.example/{extra}",
        "published_at": when,
        metadata: [extra, {metadata: extra}],
    }


def stored_text(article: Article) -> list[str]:
    fields = [article.title, article.body, article.caption, article.source, article.author]
    return [*fields, article.desk, article.dateline, article.origin, article.url or ""]


def assert_stored_clean(articles: list[Article]) -> None:
    for article in articles:
        for value in stored_text(article):
            assert not CONTROL.search(value), repr(value)
        for key, value in article.metadata.items():
            assert not CONTROL.search(key + json.dumps(value, ensure_ascii=False).replace("\\", ""))
        assert article.title
        if article.published_at is not None:
            assert datetime.fromisoformat(article.published_at) <= NOW, article.published_at


@EXAMPLES
@given(
    title=hostile_field,
    body=hostile_field,
    extra=hostile_field,
    metadata=hostile_field,
    when=hostile_date,
    levels=depth,
    kind=st.sampled_from(["list", "object"]),
)
async def test_hostile_records_are_stored_clean_or_skipped_and_the_rest_loads(
    store: Store,
    title: str,
    body: str,
    extra: str,
    metadata: str,
    when: object,
    levels: int,
    kind: str,
) -> None:
    hostile = record(title, body, extra, when, metadata)
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder)
        (inbox / "a_record.json").write_text(json.dumps(hostile), encoding="utf-8")
        deep = json.dumps(hostile)[:-1] + f', "deep": {nested(levels, kind)}}}'
        (inbox / "b_deep.json").write_text(deep, encoding="utf-8")
        lines = [json.dumps(hostile), deep, json.dumps(record("Line", body, extra, when, "m"))]
        (inbox / "c_lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        safe_title = title.replace("\x00", "") + " harbour"  # NUL marks a text file binary
        (inbox / "d_text.txt").write_text(f"{safe_title}\n\n{body}\n", encoding="utf-8")
        good = {"title": "Ferries sail again", "body": "The harbour is open."}
        (inbox / "e_good.json").write_text(json.dumps(good), encoding="utf-8")

        report = await ingest_paths(store, [inbox], clock=FakeClock(NOW))

    met = report.changed
    assert_stored_clean(await store.articles(met))
    assert all("\n" not in s.reason and s.reason for s in report.skipped)
    skipped_files = {Path(s.where.split(":", 1)[-1].split("#")[0]).name for s in report.skipped}
    assert "e_good.json" not in skipped_files  # loaded (or met again) after every bad file
    assert (await search(store, "ferries")).total >= 1
    if levels > 64:
        assert "b_deep.json" in skipped_files
    assert await store.check_integrity() == []


@EXAMPLES
@given(title=hostile_field, body=hostile_field, when=hostile_date)
def test_cleaning_keeps_an_articles_identity(title: str, body: str, when: object) -> None:
    draft = ArticleDraft(title=title + " x", body=body, origin="t:1", published_at=str(when))
    cleaned = clean_draft(draft, NOW)
    # Feed items find their article by the hash of the raw draft: cleaning must not change it.
    assert cleaned.content_hash == draft.content_hash
    assert clean_draft(cleaned, NOW) == cleaned


def _reference(text: str) -> str:
    """Every character as an XML character reference (controls included, as &#N;)."""
    return "".join(f"&#{ord(c)};" for c in text if not 0xD800 <= ord(c) <= 0xDFFF)


@EXAMPLES
@given(
    title=hostile_field,
    guid=hostile_field,
    summary=hostile_field,
    when=st.one_of(
        st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")),
        st.sampled_from(["Thu, 31 Dec 2099 23:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 -1200"]),
        hostile_field,
    ),
)
async def test_hostile_feed_items_are_stored_clean_and_never_dated_after_arrival(
    store: Store, title: str, guid: str, summary: str, when: str
) -> None:
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>'
        f"{_reference(title)}</title><item><title>{_reference(title)} harbour</title>"
        f"<guid>{_reference(guid)}</guid><pubDate>{_reference(when)}</pubDate>"
        f"<description>{_reference(summary)}</description></item></channel></rss>"
    ).encode()
    try:
        feed = parse_feed(rss, "https://news.example/rss.xml")
    except FeedFormatError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for text in (feed.title, *(e.title + e.guid + e.summary for e in feed.entries)):
        assert not CONTROL.search(text), repr(text)

    drafts = [entry_draft(entry, feed.title, None) for entry in feed.entries]
    report = await ingest_drafts(store, drafts, clock=FakeClock(NOW))

    assert_stored_clean(await store.articles(report.changed))
    assert await store.check_integrity() == []
