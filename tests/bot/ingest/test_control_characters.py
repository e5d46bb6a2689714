"""NUL and the other control characters never reach the database, whatever the format: they are
taken out of every text field at ingest (tabs and line breaks kept), so snippets do not stop at
a NUL, PostgreSQL takes every article, and nothing stored can drive a terminal."""

import json
import re
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from bot.feeds.parse import parse_feed
from bot.ingest import ingest_paths
from bot.models import Article
from bot.search import search
from bot.store import Store

# C0 controls other than tab and line feed, DEL and the C1 controls (U+009B is a one-character
# CSI to some terminals).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "\x00\x07\x08\x1b[2J\x1b]8;;https://evil.example\x07\x9b31m\x7f"
# The same without NUL: a NUL in a .txt file's first 8 KB marks it binary (and skipped).
TERMINAL = HOSTILE.replace("\x00", "")


def text_fields(article: Article) -> list[str]:
    fields = [article.title, article.body, article.caption, article.source, article.author]
    fields += [article.desk, article.dateline, article.origin, article.url or ""]
    return [*fields, json.dumps(article.metadata, ensure_ascii=False)]


def assert_clean(article: Article) -> None:
    for value in text_fields(article):
        assert not CONTROL.search(value), repr(value)


async def test_nul_after_the_first_8_kb_of_a_text_file_never_reaches_the_database(
    store: Store, tmp_path: Path
) -> None:
    filler = "The harbour stayed shut while the storm passed. " * 200  # ~9.6 KB
    text = f"Storm{TERMINAL} closes ports\n\n{filler}\n\nPilots\x00 returned at dawn.\n"
    (tmp_path / "storm.txt").write_text(text, encoding="utf-8")

    report = await ingest_paths(store, [tmp_path / "storm.txt"])

    (article,) = await store.articles(report.added)
    assert_clean(article)
    assert article.title == "Storm[2J]8;;https://evil.example31m closes ports"
    assert article.paragraphs[-1] == "Pilots returned at dawn."
    page = await search(store, "pilots dawn")
    assert page.total == 1 and "dawn" in page.hits[0].snippet


async def test_control_characters_in_every_json_field_are_taken_out(
    store: Store, tmp_path: Path
) -> None:
    record = {
        "title": f"Truce{HOSTILE} talks",
        "body": f"Talks\x00 resumed.\r\n\r\nA second{HOSTILE} paragraph.\tTabbed.",
        "caption": f"Photo{HOSTILE}",
        "source": f"Wire{HOSTILE}",
        "author": "Ann\x00 Lee",
        "url": "https://news.test/truce\x00\x1b[2J",
        "published_at": "2026-03-01T10:00:00Z",
        f"tag{HOSTILE}": [f"a\x00b{HOSTILE}", {"k\x07": f"\x1bv{HOSTILE}"}],
    }
    (tmp_path / "truce.json").write_text(json.dumps(record), encoding="utf-8")

    report = await ingest_paths(store, [tmp_path / "truce.json"])

    (article,) = await store.articles(report.added)
    assert_clean(article)
    assert article.title == "Truce[2J]8;;https://evil.example31m talks"
    assert article.paragraphs == [
        "Talks resumed.",
        "A second[2J]8;;https://evil.example31m paragraph. Tabbed.",  # JSON collapses spaces
    ]
    assert (article.source, article.author) == ("Wire[2J]8;;https://evil.example31m", "Ann Lee")
    assert article.url == article.origin == "https://news.test/truce%00%1B[2J"
    assert article.metadata == {
        "tag[2J]8;;https://evil.example31m": [
            "ab[2J]8;;https://evil.example31m",
            {"k": "v[2J]8;;https://evil.example31m"},
        ]
    }


def test_the_command_line_shows_no_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    record = {"title": f"Truce{HOSTILE} talks", "body": f"Talks\x00 resumed{HOSTILE} today."}
    (tmp_path / "truce.json").write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    assert cli_main(["--db", "cli.db", "ingest", "--no-nlp", "truce.json"]) == 0
    assert cli_main(["--db", "cli.db", "show", "1"]) == 0
    assert cli_main(["--db", "cli.db", "search", "truce"]) == 0

    output = capsys.readouterr().out
    assert "Talks resumed[2J]8;;https://evil.example31m today." in output
    assert not CONTROL.search(output), repr(output)


def test_a_feeds_text_and_ids_lose_their_control_characters() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>W&#1;ire&#27;[2J</title>'
        b"<item><title>T&#0;itle&#27;]8;;x&#7;</title><guid>g&#0;u&#1;id</guid>"
        b"<author>a&#0;b</author><description>Bo&#0;dy &#27;[31m red</description></item>"
        b"</channel></rss>"
    )

    feed = parse_feed(rss, "https://news.test/rss.xml")

    (entry,) = feed.entries
    assert feed.title == "Wire[2J"
    assert (entry.title, entry.guid, entry.author) == ("Title]8;;x", "https://news.test/guid", "ab")
    assert entry.summary == "Body [31m red"
