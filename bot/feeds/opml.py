"""OPML, the format feed readers trade subscription lists in: reading one safely, writing 2.0.

Reading goes through defusedxml with DTDs forbidden, so neither entity expansion (billion
laughs) nor external entities (XXE, a file or URL read by the parser) can happen, after a size
cap. A file that is not well-formed OPML is refused whole, with the reason; an outline that
is not a usable feed is refused alone, with its reason, and the rest are read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from bot.errors import NewsdeskError
from bot.models.text import strip_controls

MAX_OPML_BYTES = 1024 * 1024
MAX_OUTLINES = 2000
MAX_DEPTH = 16
TITLE_CHARS = 300


class OpmlRefused(NewsdeskError):
    """The file cannot be read as OPML (the message says why); nothing was imported."""


@dataclass(frozen=True)
class OpmlFeed:
    """One feed outline: its feed address, title, site and the folder it sat in."""

    url: str
    title: str = ""
    site_url: str | None = None
    category: str = ""


@dataclass(frozen=True)
class OpmlDocument:
    """What an OPML file lists: its title, its feeds, and the outlines refused (with why)."""

    title: str
    feeds: tuple[OpmlFeed, ...]
    refused: tuple[tuple[str, str], ...] = ()


def _text(value: str | None, limit: int = TITLE_CHARS) -> str:
    return " ".join(strip_controls(value or "").split())[:limit]


def _parse(data: bytes) -> Any:
    if len(data) > MAX_OPML_BYTES:
        raise OpmlRefused(f"the file is over the {MAX_OPML_BYTES // 1024} kB an OPML list may be")
    try:
        return SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise OpmlRefused(
            "the file declares a DTD or entities, which are refused (they can expand without "
            "end or read other files)"
        ) from None
    except ElementTree.ParseError as exc:
        raise OpmlRefused(f"it is not well-formed XML ({exc})") from None


def read_opml(data: bytes) -> OpmlDocument:
    """Read an OPML file's feed outlines (any version, folders flattened); raise OpmlRefused
    for a file that is not OPML. Blocking (CPU): run it off the event loop."""
    root = _parse(data)
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise OpmlRefused(f"it is not OPML (its root element is <{_text(str(root.tag), 40)}>)")
    body = root.find("body")
    if body is None:
        raise OpmlRefused("it has no <body> holding outlines")
    head = root.find("head")
    title = _text(head.findtext("title")) if head is not None else ""
    feeds: list[OpmlFeed] = []
    refused: list[tuple[str, str]] = []
    for seen, (outline, folder) in enumerate(_outlines(body, "", 0), start=1):
        if seen > MAX_OUTLINES:
            raise OpmlRefused(f"it has more than {MAX_OUTLINES} outlines")
        url = _text(outline.get("xmlUrl") or outline.get("xmlurl"), 4000)
        name = _text(outline.get("title") or outline.get("text"))
        if not url:
            continue  # a folder or a note, not a feed
        if not url.lower().startswith(("http://", "https://")):
            refused.append((name or url, "not an http:// or https:// feed address"))
            continue
        site = _text(outline.get("htmlUrl"), 4000) or None
        feeds.append(OpmlFeed(url, name, site, folder))
    return OpmlDocument(title, tuple(feeds), tuple(refused))


def _outlines(node: Any, folder: str, depth: int) -> Iterator[tuple[Any, str]]:
    """Every outline under `node`, with the folder (outer outline's text) it sits in."""
    if depth > MAX_DEPTH:
        raise OpmlRefused(f"its outlines nest deeper than {MAX_DEPTH} levels")
    for child in node:
        if not isinstance(child.tag, str) or child.tag.lower() != "outline":
            continue
        yield child, folder
        inner = _text(child.get("title") or child.get("text")) if len(child) else ""
        yield from _outlines(child, inner or folder, depth + 1)


def write_opml(title: str, feeds: Sequence[OpmlFeed], created: datetime) -> bytes:
    """An OPML 2.0 document listing `feeds` (in folders by category, when they have one)."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = _text(title)
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(created)
    body = ElementTree.SubElement(root, "body")
    folders: dict[str, ElementTree.Element] = {}
    for feed in feeds:
        parent = body
        if feed.category:
            if feed.category not in folders:
                folders[feed.category] = ElementTree.SubElement(
                    body, "outline", text=_text(feed.category), title=_text(feed.category)
                )
            parent = folders[feed.category]
        attributes = {"type": "rss", "text": _text(feed.title) or feed.url, "xmlUrl": feed.url}
        if feed.title:
            attributes["title"] = _text(feed.title)
        if feed.site_url:
            attributes["htmlUrl"] = feed.site_url
        ElementTree.SubElement(parent, "outline", attributes)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
