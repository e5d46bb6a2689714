"""Feeds written by strangers: any bytes, hostile entry links and hostile text either parse into
entries a channel can be told about or fail as a `FeedFormatError`, never anything else. One bad
item must not stop the rest of the feed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import NewsdeskError
from bot.feeds.parse import entry_draft, parse_feed
from bot.ingest.urls import canonical_url
from tests.adversarial.hostile import ATTACKS, sendable_text

FEED_URL = "https://news.example/rss.xml"
BAD_LINKS = (
    "http://[::1",
    "https://news.example:99999/a",
    "https://news.example:port/a",
    "javascript:alert(1)",
    "//evil.example/x",
    "http://evil.example/\u202e",
)


def rss(*items: tuple[str, str]) -> bytes:
    """An RSS 2.0 document with these (title, link) items."""
    body = "".join(
        f"<item><title><![CDATA[{title}]]></title><link>{link}</link>"
        f"<description>Story text.</description></item>"
        for title, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>https://news.example/</link><description>d</description>{body}</channel></rss>"
    ).encode()


def test_one_item_with_an_unreadable_link_does_not_sink_the_feed() -> None:
    feed = parse_feed(
        rss(
            *((f"Bad {n}", link) for n, link in enumerate(BAD_LINKS)),
            ("Good", "https://news.example/good"),
        ),
        FEED_URL,
    )

    titles = [entry.title for entry in feed.entries]
    assert "Good" in titles
    for entry in feed.entries:
        if entry.link is not None:
            canonical_url(entry.link)  # every link kept is one the poller can use
        draft = entry_draft(entry, "Wire", None)
        assert draft.title


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=4000))
def test_random_bytes_are_a_feed_or_a_format_error(data: bytes) -> None:
    try:
        parse_feed(data, FEED_URL)
    except NewsdeskError as exc:
        assert str(exc)


@settings(max_examples=100, deadline=None)
@given(
    title=sendable_text,
    link=st.one_of(st.sampled_from(BAD_LINKS + ATTACKS), sendable_text),
)
def test_hostile_titles_and_links_parse_or_fail_politely(title: str, link: str) -> None:
    safe_title = title.replace("]]>", "")
    escaped_link = link.replace("&", "&amp;").replace("<", "&lt;")
    try:
        feed = parse_feed(rss((safe_title, escaped_link)), FEED_URL)
    except NewsdeskError as exc:
        assert str(exc)
        return
    for entry in feed.entries:
        if entry.link is not None:
            canonical_url(entry.link)
