"""Atom 1.0 feeds (RFC 4287) of searches and entities, so readers can follow Newsdesk from their
own feed reader. Built with ElementTree: every title and summary is escaped XML text, and
characters XML cannot carry are dropped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web

from bot.clock import utc_iso
from bot.models import Article
from bot.web.context import context_of

NS = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml"
SUMMARY_CHARS = 600
# XML 1.0 allows tab, newline, carriage return and these ranges; anything else is dropped, and
# so are bidirectional controls (a title must not read in another order than it is written).
_NOT_XML = re.compile(
    "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u202a-\u202e\u2066-\u2069]"
)


def xml_text(text: str) -> str:
    """Text that XML can carry."""
    return _NOT_XML.sub("", text)


def _moment(value: str | None, fallback: datetime) -> str:
    try:
        parsed = datetime.fromisoformat(value or "")
    except ValueError:
        return utc_iso(fallback)
    return utc_iso(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


@dataclass(frozen=True)
class AtomFeed:
    """What a feed holds: its title, where it and its page live on this site, its articles
    and the text to show for each."""

    title: str
    self_path: str
    page_path: str
    articles: Sequence[Article]
    summaries: Mapping[int, str]


def feed_xml(feed: AtomFeed, *, base_url: str, now: datetime) -> bytes:
    """The feed's XML: its articles newest first, each linking to its page on this site and
    to where it was published."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}feed")
    _add(root, "id", base_url + feed.self_path)
    _add(root, "title", feed.title[:200])
    newest = sorted(feed.articles, key=lambda a: (a.when, a.id), reverse=True)
    updated = _moment(newest[0].updated_at, now) if newest else utc_iso(now)
    _add(root, "updated", updated)
    _add(root, "link", rel="self", type=CONTENT_TYPE, href=base_url + feed.self_path)
    _add(root, "link", rel="alternate", type="text/html", href=base_url + feed.page_path)
    _add(root, "generator", "Newsdesk")
    for article in newest:
        entry = _add(root, "entry")
        page = f"{base_url}/articles/{article.id}"
        _add(entry, "id", page)
        _add(entry, "title", article.title or f"Article #{article.id}")
        _add(entry, "updated", _moment(article.updated_at, now))
        _add(entry, "published", _moment(article.when, now))
        author = _add(entry, "author")
        _add(author, "name", article.source or "Newsdesk")
        _add(entry, "link", rel="alternate", type="text/html", href=page)
        if article.url:
            _add(entry, "link", rel="related", href=article.url)
        summary = feed.summaries.get(article.id) or article.body
        _add(entry, "summary", " ".join(summary.split())[:SUMMARY_CHARS], type="text")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def response(request: web.Request, feed: AtomFeed, now: datetime) -> web.Response:
    """The feed as an HTTP response."""
    body = feed_xml(feed, base_url=context_of(request).options.base_url, now=now)
    return web.Response(body=body, content_type=CONTENT_TYPE, charset="utf-8")
