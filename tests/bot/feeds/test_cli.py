"""`python -m bot ingest URL | feed URL | page.html` and `feeds list` against the loopback site."""

import asyncio
import os
import socket
import sys
from pathlib import Path

from bot.cli.feeds import split_remote
from bot.store import open_store

from .newsroom import NewsSite, Reply


async def newsdesk(db: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in a child process (the site keeps serving from this event loop)."""
    env = {**os.environ, "DATABASE_PATH": str(db), "LOG_LEVEL": "WARNING", "COLUMNS": "200"}
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await child.communicate()
    return child.returncode or 0, output.decode()


def test_feed_keyword_only_marks_a_following_url() -> None:
    assert split_remote(["seeds", "feed", "https://a.test/rss", "https://a.test/x", "feed"]) == (
        ["seeds", "feed"],
        [("https://a.test/rss", True), ("https://a.test/x", False)],
    )


async def test_ingest_pages_feeds_and_html_files(site: NewsSite, tmp_path: Path) -> None:
    site.serve("/robots.txt", Reply(b"User-agent: *\nDisallow: /private/\n"))
    site.serve("/private/memo", Reply(site.fixture("budget.html")))
    saved = tmp_path / "reopen.html"
    saved.write_bytes(site.fixture("ports_reopen.html"))
    db = tmp_path / "news.db"
    code, output = await newsdesk(
        db,
        "ingest",
        "--no-nlp",
        site.url("/wire/stories/port-closures?utm_source=twitter"),
        "feed",
        site.url("/harbour/rss.xml"),
        site.url("/private/memo"),
        str(saved),
    )
    assert code == 0, output
    assert "feed Harbour Times – Coast & Port: ok, 3 new item(s), 3 new article(s)" in output
    assert "robots.txt asks bots not to fetch this page" in output
    assert "5 added, 0 updated, 0 already stored, 1 skipped" in output
    async with await open_store(db) as store:
        titles = {a.title: a for a in await store.latest_articles(10)}
    wire = titles["Storm shuts three northern ports, ships stranded"]
    assert wire.url == site.url("/wire/stories/port-closures")
    assert wire.source == "Coastal Wire"
    assert "Northern ports reopen as storm moves east" in titles

    # The same feed again: a conditional GET, nothing new; a feed URL is recognised unasked.
    code, output = await newsdesk(db, "ingest", "--no-nlp", site.url("/harbour/rss.xml"))
    assert code == 0, output
    assert "feed Harbour Times – Coast & Port: not modified, 0 new item(s)" in output
    code, output = await newsdesk(db, "feeds", "list")
    assert code == 0 and "Harbour Times" in output and "ok: not modified" in output


async def test_a_failed_ingest_feed_leaves_no_feed_behind(site: NewsSite, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{probe.getsockname()[1]}/rss.xml"
    db = tmp_path / "news.db"
    tries = {
        unreachable: "cannot connect to 127.0.0.1",
        site.url("/missing.xml"): "HTTP 404 Not Found",
        site.url("/harbour/news/cafe-levy"): "not a feed",  # an article page
    }
    for url, reason in tries.items():
        code, output = await newsdesk(db, "ingest", "--no-nlp", "feed", url)
        assert code == 1, output
        assert f"skipped {url}: {reason}" in output
        assert "0 added, 0 updated, 0 already stored, 1 skipped" in output

    code, output = await newsdesk(db, "feeds", "list")
    assert code == 0 and "No feeds yet" in output
    async with await open_store(db) as store:
        assert await store.all_feeds() == []
