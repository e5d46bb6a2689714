"""Parsing: RSS in windows-1252, Atom with xml:base, CDATA, missing dates, article extraction."""

from pathlib import Path

import pytest

from bot.feeds.parse import (
    FeedFormatError,
    NoArticle,
    discover_feed_link,
    entry_draft,
    extract_article,
    html_to_text,
    parse_feed,
    register_html_reader,
)
from bot.ingest import ingest_paths
from bot.store import Store

from .newsroom import FIXTURES

BASE = "http://news.test"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{{BASE}}", BASE.encode())


def test_rss_in_windows_1252_with_relative_links_cdata_and_a_missing_date() -> None:
    feed = parse_feed(
        fixture("harbour_cp1252.rss"), f"{BASE}/harbour/rss.xml", "application/rss+xml"
    )
    assert feed.title == "Harbour Times – Coast & Port"
    assert feed.warning is None
    storm, cafe, budget = feed.entries
    assert storm.guid == "harbour-1001"
    assert storm.link == f"{BASE}/harbour/news/storm-closes-ports?utm_source=rss&utm_medium=feed"
    assert storm.published_at == "2026-03-02T06:40:00+00:00"
    assert storm.author == "Maria Okafor"
    # CDATA HTML becomes plain paragraphs; the relative link inside was resolved, then dropped.
    assert storm.summary == (
        "Winds of 120 km/h forced harbour authorities to shut three ports on Sunday.\n\n"
        "Read more at Harbour Times."
    )
    assert cafe.title == "Café owners say €2 levy hurts “small traders”"
    assert cafe.link == f"{BASE}/harbour/news/cafe-levy"
    assert cafe.published_at is None
    assert budget.guid == f"{BASE}/shared/budget-vote"
    assert budget.published_at == "2026-03-01T22:15:00+00:00"


def test_atom_with_xml_base_and_entries_without_dates() -> None:
    feed = parse_feed(fixture("wire.atom"), f"{BASE}/wire/atom.xml", "application/atom+xml")
    assert feed.title == "Coastal Wire"
    assert feed.site_url == f"{BASE}/wire/"
    storm, budget, ferry = feed.entries
    assert storm.link == f"{BASE}/wire/stories/port-closures"
    assert storm.summary == "Dozens of cargo ships are stranded after a storm shut three ports."
    assert budget.link == f"{BASE}/shared/budget-vote?ref=wire"
    assert budget.published_at == "2026-03-01T22:30:00+00:00"  # only <updated>
    assert ferry.published_at is None
    assert ferry.guid == "tag:coastalwire.example,2026:story-86"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<rss><channel><title>Broken</title><item><title>Oops &bad; </channel>", "malformed"),
        (b"this is not xml at all {", "malformed"),
        (b"<!doctype html><html><body><p>Welcome</p></body></html>", "not a feed"),
    ],
)
def test_unreadable_documents_say_why(body: bytes, message: str) -> None:
    with pytest.raises(FeedFormatError, match=message):
        parse_feed(body, f"{BASE}/feed", None)


def test_a_recoverable_xml_slip_keeps_the_items_with_a_warning() -> None:
    body = fixture("wire.atom").replace(b"Coastal Wire</title>", b"Coastal Wire &nbsp;</title>")
    feed = parse_feed(body, f"{BASE}/wire/atom.xml", None)
    assert len(feed.entries) == 3
    assert feed.warning is not None and "malformed XML" in feed.warning


def test_article_text_and_metadata_come_from_the_page_not_the_chrome() -> None:
    page = extract_article(fixture("storm_harbour.html"), f"{BASE}/harbour/news/storm-closes-ports")
    assert page.title == "Storm closes three ports along the northern coast"
    assert page.author == "Maria Okafor"
    assert page.published_at == "2026-03-02T06:40:00+00:00"
    assert page.canonical_url == f"{BASE}/harbour/news/storm-closes-ports"
    assert page.sitename == "Harbour Times"
    assert page.body.startswith("A powerful winter storm forced the closure")
    assert "Most read" not in page.body and "Subscribe" not in page.body
    assert "harbour master Tom Reilly" in page.body
    assert page.body.count("\n\n") >= 4  # paragraphs kept apart


def test_a_page_without_an_article_is_refused() -> None:
    with pytest.raises(NoArticle):
        extract_article(fixture("video_page.html"), f"{BASE}/wire/stories/ferry-timetable")
    with pytest.raises(NoArticle):
        extract_article(fixture("homepage.html"), f"{BASE}/")


def test_entry_draft_falls_back_to_the_feed_text_and_strips_tracking() -> None:
    feed = parse_feed(fixture("harbour_cp1252.rss"), f"{BASE}/harbour/rss.xml", None)
    draft = entry_draft(feed.entries[0], "Harbour Times", None)
    assert draft.origin == f"{BASE}/harbour/news/storm-closes-ports"
    assert draft.body.startswith("Winds of 120 km/h")
    assert draft.metadata["text_from"] == "feed"
    assert draft.source == "Harbour Times"


def test_html_to_text_keeps_paragraphs() -> None:
    html = "<div>Intro<p>One <i>two</i></p><ul><li>a</li><li>b</li></ul>x<br>y<script>z()</script>"
    # A <br> is a soft wrap inside a paragraph, as in the plain-text article format.
    assert html_to_text(html) == "Intro\n\nOne two\n\na\n\nb\n\nx y"
    assert html_to_text("plain   text") == "plain text"


def test_a_site_page_announces_its_feed() -> None:
    html = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head></html>'
    )
    assert discover_feed_link(html, f"{BASE}/news/") == f"{BASE}/rss"
    assert discover_feed_link(b"<html><head></head></html>", BASE) is None


async def test_ingest_reads_saved_html_pages(store: Store, tmp_path: Path) -> None:
    register_html_reader()
    # A folder of its own: tmp_path also holds the database and its search index's files.
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "storm.html").write_bytes(fixture("storm_harbour.html"))
    (pages / "video.html").write_bytes(fixture("video_page.html"))
    report = await ingest_paths(store, [pages])
    assert len(report.added) == 1
    assert [s.reason for s in report.skipped] == [
        "no article text on the page (fewer than 40 words of prose)"
    ]
    article = await store.article(report.added[0])
    assert article is not None
    assert article.origin == f"{BASE}/harbour/news/storm-closes-ports"
    assert article.source == "Harbour Times"
    again = await ingest_paths(store, [pages / "storm.html"])
    assert again.added == [] and again.unchanged == 1


def test_an_items_picture_comes_from_media_tags_or_an_image_enclosure() -> None:
    feed = parse_feed(
        b"""<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
        <channel><title>Pictures</title><link>/</link>
        <item><title>Thumbnail</title><link>/a</link><guid>a</guid>
          <media:thumbnail url="/img/a.jpg" width="120" height="80"/></item>
        <item><title>Enclosure</title><link>/b</link><guid>b</guid>
          <enclosure url="https://cdn.test/b.png" type="image/png" length="1"/></item>
        <item><title>Podcast</title><link>/c</link><guid>c</guid>
          <enclosure url="https://cdn.test/c.mp3" type="audio/mpeg" length="1"/></item>
        <item><title>Script</title><link>/d</link><guid>d</guid>
          <media:thumbnail url="javascript:alert(1)"/></item>
        </channel></rss>""",
        f"{BASE}/pictures.xml",
    )
    assert [e.image for e in feed.entries] == [
        f"{BASE}/img/a.jpg",
        "https://cdn.test/b.png",
        None,
        None,
    ]
    draft = entry_draft(feed.entries[0], "Pictures", None)
    assert draft.metadata["image"] == f"{BASE}/img/a.jpg"
    assert "image" not in entry_draft(feed.entries[2], "Pictures", None).metadata


def test_an_items_categories_come_from_its_category_tags() -> None:
    feed = parse_feed(
        b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>/</link>
        <item><title>Cup final</title><link>/a</link><guid>a</guid>
          <category>Sport</category><category domain="x">Football &amp; Cups</category></item>
        <item><title>No tags</title><link>/b</link><guid>b</guid></item>
        </channel></rss>""",
        f"{BASE}/desk.xml",
    )
    assert [e.categories for e in feed.entries] == [("Sport", "Football & Cups"), ()]
    assert entry_draft(feed.entries[0], "Desk", None).categories == ("Sport", "Football & Cups")
    atom = parse_feed(
        b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>W</title>
        <entry><title>Gale</title><id>g</id><link href="/g"/>
          <category term="weather" label="Weather"/><category term="uk"/></entry></feed>""",
        f"{BASE}/w.xml",
    )
    assert atom.entries[0].categories == ("Weather", "uk")
