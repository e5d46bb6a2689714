"""Reading feeds (feedparser: RSS 0.9x/1.0/2.0, Atom) and article pages (trafilatura)."""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
import trafilatura
from feedparser.exceptions import ThingsNobodyCaresAboutButMe

from bot.feeds.selectors import selected_html
from bot.ingest import files
from bot.ingest.records import parse_timestamp
from bot.ingest.text import ArticleFormatError
from bot.ingest.urls import canonical_url, quote_controls
from bot.models import ArticleDraft
from bot.models.text import strip_controls

# Fewer words than this is a teaser, a cookie wall or a section front, not an article.
MIN_ARTICLE_WORDS = 40
# Feed content this long is the article itself: fetching the page would add nothing.
FULL_TEXT_WORDS = 150
MAX_SUMMARY_CHARS = 600

_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption"),
        *("figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"),
        *("nav", "ol", "p", "pre", "section", "table", "tr", "td", "th", "ul"),
    }
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SAX_WHERE = re.compile(r"^<unknown>:(\d+):(\d+):\s*")
_DATE_PARAMS = {
    # Only dates the page states (meta tags, <time>), never guesses from the URL or copyright.
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


class FeedFormatError(ArticleFormatError):
    """The document is not a feed we can read (malformed XML, an HTML page, empty)."""


class NoArticle(ArticleFormatError):
    """The page holds no article text (a home page, a paywall, a video)."""


@dataclass(frozen=True)
class FeedEntry:
    """One feed item: its id, absolute link, title, plain-text summary and content."""

    guid: str
    link: str | None
    title: str
    summary: str
    content: str
    author: str
    published_at: str | None
    image: str | None = None  # the item's picture (media:thumbnail, an image enclosure)
    categories: tuple[str, ...] = ()  # <category> (RSS), <category term> (Atom), dc:subject

    @property
    def full_text(self) -> bool:
        """True when the feed carries the whole article (no need to fetch the page)."""
        return len(self.content.split()) >= FULL_TEXT_WORDS


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: title, site link, entries (as listed) and any recovered XML problem."""

    title: str
    site_url: str | None
    entries: tuple[FeedEntry, ...]
    ttl_minutes: int | None = None
    warning: str | None = None


@dataclass(frozen=True)
class PageArticle:
    """What trafilatura found on an article page."""

    title: str
    body: str
    author: str
    published_at: str | None
    canonical_url: str | None
    sitename: str
    image: str | None = None  # the page's picture (og:image)
    selector: str = ""  # the feed's CSS selector that picked the text ('' for trafilatura)


def html_to_text(html: str) -> str:
    """Plain text from an HTML fragment, paragraphs separated by blank lines."""
    if "<" not in html:
        return _paragraphs(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _paragraphs(re.sub(r"<[^>]*>", " ", html))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in {"script", "style"}:
            element.text = ""
        elif element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCKS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    return _paragraphs(root.text_content())


def _paragraphs(text: str) -> str:
    # Feeds are outside text: NUL, escapes and other controls (even as &#27; references,
    # which feedparser's lenient parser decodes) are taken out of everything read from them.
    parts = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(strip_controls(text)))
    return "\n\n".join(p for p in parts if p)


def _when(parsed: Any) -> str | None:
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


def _xml_problem(exc: object) -> str:
    text = str(exc) or type(exc).__name__
    match = _SAX_WHERE.match(text)
    if match:
        text = f"line {match[1]}, column {match[2]}: {text[match.end() :]}"
    return text[:200]


def _web_address(value: object, base: str) -> str | None:
    """An absolute http(s) address, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        address = urljoin(base, value.strip())
    except ValueError:
        return None
    return address if urlsplit(address).scheme in {"http", "https"} else None


def _image(raw: Any, base: str) -> str | None:
    """The item's picture: media:thumbnail, an image media:content or enclosure, <image>."""
    candidates: list[object] = [t.get("url") for t in raw.get("media_thumbnail") or []]
    for media in raw.get("media_content") or []:
        kind = str(media.get("type") or "")
        if media.get("medium") == "image" or kind.startswith("image/"):
            candidates.append(media.get("url"))
    for link in raw.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type") or "").startswith("image/"):
            candidates.append(link.get("href"))
    picture = raw.get("image")
    if isinstance(picture, dict):
        candidates.append(picture.get("href"))
    return next((a for c in candidates if (a := _web_address(c, base))), None)


def _categories(raw: Any) -> tuple[str, ...]:
    """The item's categories as feedparser reads them (`tags`): each one's label, else its
    term (ingest's cleaning bounds how many and how long)."""
    names = []
    for tag in raw.get("tags") or []:
        name = (tag.get("label") or tag.get("term") or "") if isinstance(tag, dict) else ""
        if isinstance(name, str) and (name := html_to_text(name).strip()):
            names.append(name)
    return tuple(names)


def _entry(raw: Any, base: str) -> FeedEntry | None:
    title = " ".join(html_to_text(raw.get("title", "")).split())
    link = raw.get("link") or None
    if link:
        try:
            link = quote_controls(urljoin(base, link.strip()))
            parts = urlsplit(link)
            parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError:  # "http://[::1" or a bad port: one bad item must not sink the feed
            link = None
        else:
            if parts.scheme not in {"http", "https"}:
                link = None
    summary = html_to_text(raw.get("summary", ""))
    contents = [c.get("value", "") for c in raw.get("content", []) if c.get("value")]
    content = html_to_text(max(contents, key=len)) if contents else ""
    if not title and not link:
        return None
    guid = strip_controls(raw.get("id") or "").strip() or (canonical_url(link) if link else "")
    if not guid:
        guid = "sha1:" + hashlib.sha1(f"{title}\x00{summary}".encode()).hexdigest()
    return FeedEntry(
        guid=guid[:1000],
        link=link,
        title=title or (summary.split("\n\n")[0][:120] if summary else link or ""),
        summary=summary[:MAX_SUMMARY_CHARS],
        content=content if content != summary else "",
        author=strip_controls(raw.get("author") or "").strip(),
        published_at=_when(raw.get("published_parsed") or raw.get("updated_parsed")),
        image=_image(raw, base),
        categories=_categories(raw),
    )


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS or Atom bytes (charset from the prolog or `content_type`); raise if unreadable.

    Blocking (CPU): call it through `asyncio.to_thread` from the event loop.
    """
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(problem, ThingsNobodyCaresAboutButMe):
        problem = None  # a wrong charset or content-type label feedparser saw past: harmless
    base = parsed.feed.get("link") or url
    entries = [e for e in (_entry(raw, url) for raw in parsed.entries) if e is not None]
    if not parsed.get("version") and not entries:
        head = data[:2048].lower()
        if problem is not None and b"<html" not in head:
            raise FeedFormatError(f"malformed XML ({_xml_problem(problem)})")
        raise FeedFormatError("not a feed: the address serves a web page, not RSS or Atom")
    if problem is not None and not entries:
        raise FeedFormatError(f"malformed XML ({_xml_problem(problem)})")
    ttl = parsed.feed.get("ttl")
    return ParsedFeed(
        title=" ".join(html_to_text(parsed.feed.get("title", "")).split()),
        site_url=urljoin(url, base) if base else None,
        entries=tuple(entries),
        ttl_minutes=int(ttl) if isinstance(ttl, str) and ttl.strip().isdigit() else None,
        warning=f"recovered from malformed XML ({_xml_problem(problem)})" if problem else None,
    )


_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})


def discover_feed_link(html: bytes, base: str) -> str | None:
    """The feed a web page announces with <link rel="alternate" type="…rss+xml">, if any."""
    try:
        document = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in _FEED_TYPES and href:
            return urljoin(base, href)
    return None


def extract_article(html: bytes | str, url: str | None = None, selector: str = "") -> PageArticle:
    """Extract an article's text and metadata from an HTML page; raise NoArticle if it has none.
    With a feed's CSS `selector`, the text is what it selects (trafilatura's when it selects
    too little: a changed page layout must not lose the article).

    Blocking (CPU): call it through `asyncio.to_thread` from the event loop.
    """
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params=_DATE_PARAMS,
    )
    text = (getattr(document, "text", None) or "") if document is not None else ""
    title = " ".join((getattr(document, "title", None) or "").split())
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]  # the headline repeated as the first paragraph
    body = "\n\n".join(lines)
    chosen = _selected_body(html, selector) if selector else ""
    if chosen:
        body = chosen
    if len(body.split()) < MIN_ARTICLE_WORDS:
        raise NoArticle("no article text on the page (fewer than 40 words of prose)")
    canonical = getattr(document, "url", None)
    return PageArticle(
        title=title,
        body=body,
        author=(getattr(document, "author", None) or "").strip(),
        published_at=parse_timestamp(getattr(document, "date", None)),
        canonical_url=canonical if canonical and canonical.startswith("http") else None,
        sitename=(getattr(document, "sitename", None) or "").strip(),
        image=_web_address(getattr(document, "image", None), url or ""),
        selector=selector if chosen else "",
    )


def _selected_body(html: bytes | str, selector: str) -> str:
    """The text a CSS selector picks on the page, if it is an article's worth ('' if not)."""
    parts = (html_to_text(fragment) for fragment in selected_html(html, selector))
    body = "\n\n".join(part for part in parts if part)
    return body if len(body.split()) >= MIN_ARTICLE_WORDS else ""


def same_site(a: str, b: str) -> bool:
    """True when two URLs are on the same host (ignoring a leading www.)."""

    def host(url: str) -> str:
        name = (urlsplit(url).hostname or "").lower()
        return name.removeprefix("www.")

    return bool(host(a)) and host(a) == host(b)


def page_origin(link: str, page: PageArticle | None) -> str:
    """The article's identity: the page's declared canonical URL when on the same site."""
    # A page may only claim a canonical URL on its own site; otherwise one page could take over
    # another outlet's article (same origin means "update that article in place").
    if page and page.canonical_url and same_site(page.canonical_url, link):
        return canonical_url(page.canonical_url)
    return canonical_url(link)


def entry_draft(entry: FeedEntry, source: str, page: PageArticle | None) -> ArticleDraft:
    """The article for a feed entry: the page's text if extracted, else the feed's own text."""
    body = page.body if page else (entry.content or entry.summary or entry.title)
    if page:
        how = "page"
    elif entry.content or entry.summary:
        how = "feed"
    else:
        how = "title"
    origin = page_origin(entry.link, page) if entry.link else f"feed-item:{entry.guid}"
    metadata: dict[str, Any] = {"guid": entry.guid, "text_from": how}
    if page and page.selector:
        metadata["selector"] = page.selector
    if entry.summary:
        metadata["summary"] = entry.summary
    if image := entry.image or (page.image if page else None):
        metadata["image"] = image  # shown as the post's thumbnail
    return ArticleDraft(
        title=entry.title or (page.title if page else ""),
        body=body,
        origin=origin,
        url=origin if entry.link else None,
        source=source,
        author=entry.author or (page.author if page else ""),
        published_at=entry.published_at or (page.published_at if page else None),
        metadata=metadata,
        categories=entry.categories,
    )


def page_draft(page: PageArticle, url: str | None, origin: str, source: str = "") -> ArticleDraft:
    """The article for a single page (a URL or an .html file)."""
    if not page.title:
        raise NoArticle("the page has no headline")
    return ArticleDraft(
        title=page.title,
        body=page.body,
        origin=origin,
        url=url,
        source=source or page.sitename,
        author=page.author,
        published_at=page.published_at,
        metadata={"text_from": "page"},
    )


def _read_html(path: Path, text: str, origin: str) -> Iterator[tuple[str, ArticleDraft | str]]:
    page = extract_article(text)
    if page.canonical_url:
        origin = canonical_url(page.canonical_url)
    yield origin, page_draft(page, page.canonical_url, origin)


def register_html_reader() -> None:
    """Let `ingest` read saved .html/.htm pages through the same extraction as live pages."""
    files.READERS.setdefault(".html", _read_html)
    files.READERS.setdefault(".htm", _read_html)
