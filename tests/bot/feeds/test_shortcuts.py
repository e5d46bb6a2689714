"""Shortcuts: YouTube, Reddit and Mastodon addresses turned into their feeds (a pure transform),
and each one resolved end to end against loopback pages: the feed read, or discovered on the
page when the address alone does not say (a YouTube @handle, a site's home page)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from aiohttp import web

from bot.feeds.fetcher import Fetcher
from bot.feeds.shortcuts import ShortcutSites, feed_address
from bot.feeds.subscriptions import preview_feed

from .newsroom import ATOM, RSS, NewsSite, Reply

CHANNEL = "UC" + "a1B2c3D4e5F6g7H8i9J0kL"  # a channel id: UC and 22 characters
PLAYLIST = "PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG"


@pytest.mark.parametrize(
    ("typed", "feed"),
    [
        (
            f"https://www.youtube.com/channel/{CHANNEL}",
            f"https://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}",
        ),
        (
            f"https://m.youtube.com/channel/{CHANNEL}/videos",
            f"https://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}",
        ),
        (
            f"https://youtube.com/playlist?list={PLAYLIST}",
            f"https://www.youtube.com/feeds/videos.xml?playlist_id={PLAYLIST}",
        ),
        (
            f"https://www.youtube.com/watch?v=dQw4w9WgXcQ&list={PLAYLIST}",
            f"https://www.youtube.com/feeds/videos.xml?playlist_id={PLAYLIST}",
        ),
        (
            "https://www.youtube.com/user/BBCNews",
            "https://www.youtube.com/feeds/videos.xml?user=BBCNews",
        ),
        ("https://www.youtube.com/@BBCNews", None),  # a handle: its page names the channel
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", None),  # one video, no feed
        ("https://old.reddit.com/r/worldnews/", "https://www.reddit.com/r/worldnews/.rss"),
        ("https://www.reddit.com/r/worldnews/top", "https://www.reddit.com/r/worldnews/top/.rss"),
        ("https://reddit.com/r/news+worldnews", "https://www.reddit.com/r/news+worldnews/.rss"),
        ("https://www.reddit.com/u/spez", "https://www.reddit.com/user/spez/.rss"),
        ("https://www.reddit.com/", None),
        ("https://mastodon.social/@Gargron", "https://mastodon.social/@Gargron.rss"),
        ("https://mastodon.social/users/Gargron", "https://mastodon.social/users/Gargron.rss"),
        ("https://fosstodon.org/tags/python", "https://fosstodon.org/tags/python.rss"),
        ("https://mastodon.social/@Gargron/109", None),  # one post
        ("https://example.com/", None),  # a news site: discovery reads its page
        ("ftp://www.youtube.com/channel/x", None),
        ("not a url at all", None),
    ],
)
def test_addresses_people_paste_become_their_feeds(typed: str, feed: str | None) -> None:
    assert feed_address(typed) == feed


def video_feed(title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>tag:{title}</id><updated>2026-03-01T00:00:00Z</updated>"
        f"<entry><id>tag:{title}:1</id><title>{title}: first video</title>"
        '<link href="https://video.example/1"/><updated>2026-03-01T00:00:00Z</updated>'
        "</entry></feed>"
    ).encode()


def rss(title: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://social.example/</link><item><title>{title}: first post</title>"
        "<link>https://social.example/1</link><guid>1</guid></item></channel></rss>"
    ).encode()


def page_linking(href: str) -> bytes:
    return (
        '<html><head><link rel="alternate" type="application/rss+xml" title="RSS" '
        f'href="{href}"></head><body>A channel page</body></html>'
    ).encode()


async def youtube_feeds(request: web.Request) -> web.Response:
    """/feeds/videos.xml as YouTube answers it: one feed per channel, playlist or user."""
    titles = {
        ("channel_id", CHANNEL): "Harbour TV",
        ("playlist_id", PLAYLIST): "Storm season",
        ("user", "harbourtv"): "Harbour TV (user)",
    }
    for (key, value), title in titles.items():
        if request.query.get(key) == value:
            return web.Response(body=video_feed(title), content_type="application/atom+xml")
    return web.Response(status=404, text="no such feed")


async def test_each_shortcut_resolves_to_its_feed_on_loopback(
    site: NewsSite, fetcher: Fetcher
) -> None:
    host = urlsplit(site.base).netloc  # the loopback site plays YouTube and Reddit here
    sites = ShortcutSites(youtube=frozenset({host}), reddit=frozenset({host}))
    site.serve("/feeds/videos.xml", youtube_feeds)
    site.serve("/r/harbour/.rss", Reply(rss("r/harbour"), content_type=RSS))
    site.serve("/user/skipper/.rss", Reply(rss("u/skipper"), content_type=RSS))
    site.serve("/@harbourtv", Reply(page_linking(f"/feeds/videos.xml?channel_id={CHANNEL}")))
    site.serve("/@lighthouse.rss", Reply(rss("Lighthouse keeper"), content_type=RSS))
    site.serve("/tags/storm.rss", Reply(rss("#storm"), content_type=RSS))
    site.serve("/news/", Reply(page_linking("/wire/atom.xml")))
    site.serve("/wire/atom.xml", Reply(video_feed("Coastal Wire"), content_type=ATOM))

    cases = {
        f"/channel/{CHANNEL}": (f"/feeds/videos.xml?channel_id={CHANNEL}", "Harbour TV"),
        f"/playlist?list={PLAYLIST}": (f"/feeds/videos.xml?playlist_id={PLAYLIST}", "Storm season"),
        "/user/harbourtv": ("/feeds/videos.xml?user=harbourtv", "Harbour TV (user)"),
        "/@harbourtv": (f"/feeds/videos.xml?channel_id={CHANNEL}", "Harbour TV"),  # discovered
        "/r/harbour": ("/r/harbour/.rss", "r/harbour"),
        "/u/skipper": ("/user/skipper/.rss", "u/skipper"),
        "/news/": ("/wire/atom.xml", "Coastal Wire"),  # a site's page: discovered
    }
    for typed, (feed, title) in cases.items():
        preview = await preview_feed(fetcher, site.url(typed), sites=sites)
        assert (preview.url, preview.title) == (site.url(feed), title), typed
        assert preview.feed.entries, typed

    # Mastodon needs no host list: its profile and tag addresses say what they are.
    for typed, feed, title in (
        ("/@lighthouse", "/@lighthouse.rss", "Lighthouse keeper"),
        ("/tags/storm", "/tags/storm.rss", "#storm"),
    ):
        preview = await preview_feed(fetcher, site.url(typed))
        assert (preview.url, preview.title) == (site.url(feed), title)


async def test_a_profile_shaped_page_that_is_not_mastodon_falls_back_to_discovery(
    site: NewsSite, fetcher: Fetcher
) -> None:
    site.serve("/@harbour", Reply(page_linking("/harbour/rss.xml")))  # /@harbour.rss: 404
    preview = await preview_feed(fetcher, site.url("/@harbour"))
    assert preview.url == site.url("/harbour/rss.xml")
    assert site.hits["/@harbour.rss"] == 1 and site.hits["/@harbour"] == 1
