"""OPML in and out: reading real-world lists (folders, odd outlines), refusing what is not OPML
or is hostile (entity bombs, external entities, oversized or over-deep files) with a reason,
writing OPML 2.0, and importing into a channel on both backends — added, already there,
refused with reasons — with nothing imported from a refused file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.feeds.fetcher import FetchPolicy
from bot.feeds.moving import export_opml, import_opml
from bot.feeds.opml import MAX_OPML_BYTES, OpmlFeed, OpmlRefused, read_opml, write_opml
from bot.store import Store

GUILD, CHANNEL, OTHER_GUILD = 101, 11, 202
FEEDLY = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Alice's subscriptions in feedly Cloud</title></head>
  <body>
    <outline text="World" title="World">
      <outline type="rss" text="Harbour Times" title="Harbour Times"
               xmlUrl="https://harbour.example/rss.xml" htmlUrl="https://harbour.example/"/>
      <outline type="rss" text="Coastal Wire" xmlUrl="https://wire.example/atom.xml?utm_source=x"/>
    </outline>
    <outline type="rss" text="Mail" xmlUrl="mailto:news@example.com"/>
    <outline text="Just a note"/>
    <outline type="rss" title="Local" xmlUrl="http://127.0.0.1:8080/rss"/>
  </body>
</opml>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<opml version="2.0"><body><outline text="&lol3;" xmlUrl="https://a.example/rss"/></body></opml>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://a.example/rss"/></body></opml>"""


def test_a_feed_readers_list_is_read_with_its_folders_and_odd_outlines_refused() -> None:
    document = read_opml(FEEDLY)
    assert document.title == "Alice's subscriptions in feedly Cloud"
    assert [(f.url, f.title, f.category) for f in document.feeds] == [
        ("https://harbour.example/rss.xml", "Harbour Times", "World"),
        ("https://wire.example/atom.xml?utm_source=x", "Coastal Wire", "World"),
        ("http://127.0.0.1:8080/rss", "Local", ""),
    ]
    assert document.feeds[0].site_url == "https://harbour.example/"
    assert document.refused == (("Mail", "not an http:// or https:// feed address"),)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<opml><body><outline text='a'", "not well-formed XML"),
        (b"", "not well-formed XML"),
        (b"<rss version='2.0'><channel/></rss>", "it is not OPML (its root element is <rss>)"),
        (b"<opml version='2.0'><head/></opml>", "no <body>"),
        (BILLION_LAUGHS, "declares a DTD or entities"),
        (XXE, "declares a DTD or entities"),
        (b"<opml><body>" + b"<outline>" * 40 + b"</outline>" * 40 + b"</body></opml>", "deeper"),
        (
            b"<opml><body>" + b"<outline xmlUrl='https://a.example/'/>" * 2001 + b"</body></opml>",
            "more than 2000 outlines",
        ),
        (b"<opml><body>" + b" " * MAX_OPML_BYTES + b"</body></opml>", "over the 1024 kB"),
    ],
)
def test_what_is_not_opml_or_is_hostile_is_refused_whole_with_the_reason(
    data: bytes, reason: str
) -> None:
    with pytest.raises(OpmlRefused, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_opml(data)


def test_opml_2_written_reads_back_the_same_feeds() -> None:
    feeds = [
        OpmlFeed("https://harbour.example/rss.xml", "Harbour & <Port>", "https://harbour.example/"),
        OpmlFeed("https://wire.example/atom.xml", "", None, "World"),
    ]
    data = write_opml("Newsdesk feeds", feeds, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<opml version=\"2.0\">")
    assert b"<dateCreated>Mon, 02 Mar 2026 09:00:00 +0000</dateCreated>" in data
    again = read_opml(data)
    assert again.title == "Newsdesk feeds"
    assert [(f.url, f.title, f.site_url, f.category) for f in again.feeds] == [
        ("https://harbour.example/rss.xml", "Harbour & <Port>", "https://harbour.example/", ""),
        ("https://wire.example/atom.xml", "https://wire.example/atom.xml", None, "World"),
    ]


async def test_an_import_adds_reports_and_exports_on_both_backends(store: Store) -> None:
    document = read_opml(FEEDLY)
    report = await import_opml(
        store, document, guild_id=GUILD, channel_id=CHANNEL, created_by=7, limit=3
    )
    assert [f.url for f in report.added] == [
        "https://harbour.example/rss.xml",
        "https://wire.example/atom.xml",  # canonical: tracking parameters dropped
    ]
    assert report.refused == [
        ("Mail", "not an http:// or https:// feed address"),
        ("Local", "private and loopback addresses are not fetched"),
    ]
    rows = await store.guild_subscriptions(GUILD)
    assert sorted(f.url for _, f in rows) == [f.url for f in report.added]
    assert {s.channel_id for s, _ in rows} == {CHANNEL}
    assert {f.title for _, f in rows} == {"Harbour Times", "Coastal Wire"}
    assert await store.guild_subscriptions(OTHER_GUILD) == []

    again = await import_opml(
        store,
        document,
        guild_id=GUILD,
        channel_id=CHANNEL,
        created_by=7,
        limit=3,
        policy=FetchPolicy(allow_private=True),
    )
    assert [f.url for f in again.already] == [f.url for f in report.added]
    assert [f.url for f in again.added] == ["http://127.0.0.1:8080/rss"]
    over = await import_opml(
        store,
        read_opml(write_opml("more", [OpmlFeed("https://more.example/rss")], datetime.now(UTC))),
        guild_id=GUILD,
        channel_id=CHANNEL,
        created_by=7,
        limit=3,
    )
    assert over.refused == [("https://more.example/rss", "over the server's limit of 3 feeds")]

    exported = read_opml(await export_opml(store, GUILD, "Newsdesk feeds of Newsroom"))
    assert exported.title == "Newsdesk feeds of Newsroom"
    assert sorted(f.url for f in exported.feeds) == sorted(
        [f.url for _, f in rows] + ["http://127.0.0.1:8080/rss"]
    )
    assert read_opml(await export_opml(store, OTHER_GUILD, "none")).feeds == ()
