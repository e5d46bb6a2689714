"""Addresses people paste instead of a feed, turned into the feed's address: a YouTube channel,
user or playlist, a subreddit or Reddit user, a Mastodon profile or tag. A pure transform of
the URL (no request); what it cannot tell from the address alone (a YouTube @handle, a news
site's home page) is left to discovery, which reads the page's `<link rel="alternate">`.

    feed_address("https://www.youtube.com/channel/UCabc")   # …/feeds/videos.xml?channel_id=UCabc
    feed_address("https://old.reddit.com/r/worldnews/top")  # https://www.reddit.com/r/worldnews/top/.rss
    feed_address("https://mastodon.social/@Gargron")        # https://mastodon.social/@Gargron.rss
    feed_address("https://example.com/")                    # None: discover it on the page
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
REDDIT_HOSTS = frozenset(
    {"reddit.com", "www.reddit.com", "old.reddit.com", "new.reddit.com", "np.reddit.com"}
)
_YOUTUBE_HOME = "https://www.youtube.com"
_REDDIT_HOME = "https://www.reddit.com"

_YOUTUBE_CHANNEL = re.compile(r"^/channel/(UC[A-Za-z0-9_-]{22})/?")
_YOUTUBE_USER = re.compile(r"^/user/([A-Za-z0-9_.-]{1,100})/?")
_YOUTUBE_PLAYLIST = re.compile(r"^[A-Za-z0-9_-]{10,64}$")
_SUBREDDIT = re.compile(r"^/r/([A-Za-z0-9_+]{2,200})(?:/(hot|new|top|rising|controversial))?/?")
_REDDITOR = re.compile(r"^/(?:u|user)/([A-Za-z0-9_-]{3,20})/?")
_MASTODON_PROFILE = re.compile(r"^/@([A-Za-z0-9_]{1,30})/?$")
_MASTODON_USERS = re.compile(r"^/users/([A-Za-z0-9_]{1,30})/?$")
_MASTODON_TAG = re.compile(r"^/tags/([\w]{1,100})/?$")


@dataclass(frozen=True)
class ShortcutSites:
    """Which hosts are YouTube and Reddit (tests add a loopback host; the feed address keeps
    that host, while the real sites' aliases become www.youtube.com and www.reddit.com)."""

    youtube: frozenset[str] = YOUTUBE_HOSTS
    reddit: frozenset[str] = REDDIT_HOSTS


SITES = ShortcutSites()


def _home(scheme: str, host: str, real: frozenset[str], canonical: str) -> str:
    return canonical if host in real else f"{scheme}://{host}"


def _youtube(path: str, query: str, home: str) -> str | None:
    if match := _YOUTUBE_CHANNEL.match(path):
        return f"{home}/feeds/videos.xml?channel_id={match[1]}"
    if match := _YOUTUBE_USER.match(path):
        return f"{home}/feeds/videos.xml?user={quote(match[1])}"
    playlist = parse_qs(query).get("list", [""])[0]
    if path.rstrip("/") in ("/playlist", "/watch") and _YOUTUBE_PLAYLIST.match(playlist):
        return f"{home}/feeds/videos.xml?playlist_id={playlist}"
    return None  # an @handle or /c/ name: its page links the channel's feed


def _reddit(path: str, home: str) -> str | None:
    if match := _SUBREDDIT.match(path):
        sort = f"/{match[2]}" if match[2] else ""
        return f"{home}/r/{match[1]}{sort}/.rss"
    if match := _REDDITOR.match(path):
        return f"{home}/user/{match[1]}/.rss"
    return None


def _mastodon(path: str, home: str) -> str | None:
    if match := _MASTODON_PROFILE.match(path):
        return f"{home}/@{match[1]}.rss"
    if match := _MASTODON_USERS.match(path):
        return f"{home}/users/{match[1]}.rss"
    if match := _MASTODON_TAG.match(path):
        return f"{home}/tags/{quote(match[1])}.rss"
    return None


def feed_address(url: str, sites: ShortcutSites = SITES) -> str | None:
    """The feed behind a YouTube, Reddit or Mastodon address, or None when the address alone
    does not say (then discovery reads the page). Pure: no request is made."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.netloc or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return None
    path = parts.path or "/"
    if host in sites.youtube:
        home = _home(parts.scheme, host, YOUTUBE_HOSTS, _YOUTUBE_HOME)
        if found := _youtube(path, parts.query, home):
            return found
    reddit_home = _home(parts.scheme, host, REDDIT_HOSTS, _REDDIT_HOME)
    if host in sites.reddit and (found := _reddit(path, reddit_home)):
        return found
    if host in sites.youtube | sites.reddit:
        return None  # a YouTube @handle, or a Reddit page without a feed of its own
    # Mastodon runs on any host: its profile and tag paths are recognisable on their own. A
    # site that is not Mastodon answers 404 there, and the caller falls back to discovery.
    return _mastodon(path, f"{parts.scheme}://{host}")
