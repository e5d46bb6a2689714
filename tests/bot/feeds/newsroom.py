"""A loopback news site for feed tests: RSS, Atom and article pages on 127.0.0.1, with faults."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from aiohttp import web

from bot.clock import FakeClock

FIXTURES = Path(__file__).parent / "fixtures"
LAST_MODIFIED = "Mon, 02 Mar 2026 06:45:00 GMT"
RSS = "application/rss+xml"
ATOM = "application/atom+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"

# Feeds with no items yet, for tests that publish items themselves.
EMPTY_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>
<link>/harbour/</link></channel></rss>"""
EMPTY_ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Coastal Wire</title><id>tag:wire</id><updated>2026-03-01T00:00:00Z</updated></feed>"""
# The Harbour Times' next story after its fixture items (see `NewsSite.publish_reopening`).
REOPEN = "Northern ports reopen as storm moves east"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Reply:
    """A canned answer; `conditional` answers 304 when the client's validators match."""

    body: bytes = b""
    status: int = 200
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = True
    gzip: bool = False


@dataclass(frozen=True)
class Seen:
    """One request the site received."""

    path: str
    headers: dict[str, str]
    status: int


class NewsSite:
    """Harbour Times (RSS, windows-1252) and Coastal Wire (Atom) with their article pages."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host  # "::1" serves the site on IPv6 loopback
        self.routes: dict[str, list[Reply | Handler]] = {}
        self.hits: Counter[str] = Counter()
        self._hit = asyncio.Event()  # set (and renewed) on every request
        self.seen: list[Seen] = []
        self.active = 0
        self.max_active = 0
        self.streamed = 0
        self.release = asyncio.Event()  # frees handlers that hang (timeouts, slow pages)
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def __aenter__(self) -> NewsSite:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        port = self._runner.addresses[0][1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.base = f"http://{host}:{port}"
        self.newsroom()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release.set()
        assert self._runner is not None
        await self._runner.cleanup()

    # -- building the site ------------------------------------------------------------------

    async def wait_hits(self, path: str, count: int, wait_seconds: float = 10.0) -> None:
        """Wait (bounded) until `path` has been asked for `count` times in all."""
        async with asyncio.timeout(wait_seconds):
            while self.hits[path] < count:
                await self._hit.wait()

    def url(self, path: str) -> str:
        """The absolute URL of a path on this site."""
        return self.base + path

    def fixture(self, name: str) -> bytes:
        """A fixture file with {{BASE}} pointing at this site."""
        return (FIXTURES / name).read_bytes().replace(b"{{BASE}}", self.base.encode())

    def serve(self, path: str, *replies: Reply | Handler) -> None:
        """Answer `path` with these replies in turn (the last one repeats)."""
        self.routes[path] = list(replies)

    def newsroom(self) -> None:
        """The standard site: two feeds, five article pages, a home page."""
        self.serve("/harbour/rss.xml", Reply(self.fixture("harbour_cp1252.rss"), content_type=RSS))
        self.serve("/wire/atom.xml", Reply(self.fixture("wire.atom"), content_type=ATOM))
        pages = {
            "/harbour/news/storm-closes-ports": "storm_harbour.html",
            "/wire/stories/port-closures": "storm_wire.html",
            "/shared/budget-vote": "budget.html",
            "/harbour/news/cafe-levy": "cafe_levy.html",
            "/wire/stories/ferry-timetable": "video_page.html",
            "/harbour/news/ports-reopen": "ports_reopen.html",
            "/": "homepage.html",
        }
        for path, name in pages.items():
            self.serve(path, Reply(self.fixture(name)))

    def add_rss_item(self, path: str, title: str, link: str, guid: str, when: str) -> None:
        """Publish a new item at the top of an RSS feed served at `path`."""
        reply = self.routes[path][-1]
        assert isinstance(reply, Reply)
        item = (
            f"<!-- NEW ITEMS -->\n  <item><title>{title}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{guid}</guid><pubDate>{when}</pubDate></item>'
        )
        body = reply.body.replace(b"<!-- NEW ITEMS -->", item.encode("cp1252"), 1)
        self.routes[path] = [Reply(body, content_type=reply.content_type)]

    def publish_reopening(self) -> None:
        """The Harbour Times publishes its next story: the northern ports reopen."""
        self.add_rss_item(
            "/harbour/rss.xml",
            REOPEN,
            "/harbour/news/ports-reopen",
            "harbour-1002",
            "Tue, 03 Mar 2026 09:10:00 GMT",
        )

    # -- serving ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self._hit.set()
        self._hit = asyncio.Event()
        replies = self.routes.get(path)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            if not replies:
                response: web.StreamResponse = web.Response(status=404, text="Not Found")
            else:
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if isinstance(reply, Reply):
                    response = self._answer(request, reply)
                else:
                    response = await reply(request)
        finally:
            self.active -= 1
        self.seen.append(Seen(path, dict(request.headers), response.status))
        return response

    def _answer(self, request: web.Request, reply: Reply) -> web.Response:
        etag = '"' + hashlib.sha1(reply.body).hexdigest()[:16] + '"'
        headers = dict(reply.headers)
        if reply.status == 200 and reply.conditional:
            headers.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers=headers)
        body = reply.body
        if reply.gzip:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        headers["Content-Type"] = reply.content_type
        return web.Response(status=reply.status, body=body, headers=headers)

    # -- faults -----------------------------------------------------------------------------

    async def hang(self, request: web.Request) -> web.StreamResponse:
        """Never answer (until the site closes): the client must time out."""
        await self.release.wait()
        return web.Response(status=503)

    async def huge(self, request: web.Request) -> web.StreamResponse:
        """Stream 30 MB of feed-looking XML without a Content-Length."""
        response = web.StreamResponse(headers={"Content-Type": RSS})
        await response.prepare(request)
        chunk = b"<item><title>filler</title></item>" * 2000
        try:
            await response.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
            while self.streamed < 30 * 1024 * 1024:
                await response.write(chunk)
                self.streamed += len(chunk)
        except (ConnectionResetError, ConnectionError, RuntimeError):
            pass  # the client hung up: that is the point
        return response

    def redirect_to(self, target: str) -> Handler:
        """A handler answering 302 to `target`."""

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=302, headers={"Location": target})

        return handler


class Wire:
    """An RSS feed on the news site; `publish` adds items at the top, as a newsroom does."""

    def __init__(self, site: NewsSite, clock: FakeClock, name: str = "desk") -> None:
        self.site, self.clock, self.name = site, clock, name
        self.path = f"/{name}/rss.xml"
        self.items: list[str] = []  # newest first: the feed's own order
        self._count = 0
        self.serve()

    @property
    def url(self) -> str:
        """The feed's address."""
        return self.site.url(self.path)

    def publish(
        self,
        *titles: str,
        age: timedelta = timedelta(hours=1),
        image: str | None = None,
        author: str | None = None,
        categories: Sequence[str] = (),
        text: str | None = None,
    ) -> None:
        """New items (in the order given, the last one newest), published `age` ago, each
        with `image` as its picture, `author` as its byline, `categories` as its <category>
        tags and `text` as its description, if given (else the title and a stock line)."""
        when = format_datetime(self.clock.now() - age)
        extra = f'<enclosure url="{escape(image)}" type="image/jpeg" length="1"/>' if image else ""
        extra += f"<author>{escape(author)}</author>" if author else ""
        extra += "".join(f"<category>{escape(name)}</category>" for name in categories)
        for title in titles:
            self._count += 1
            guid = f"{self.name}-{self._count}"
            about = text or (
                f"{title}. Reporters followed the story through the day as it developed ({guid})."
            )
            # Their pages are missing (404): the feed's own text is the article.
            self.items.insert(
                0,
                f"<item><title>{escape(title)}</title><link>/{self.name}/{guid}</link>"
                f'<guid isPermaLink="false">{guid}</guid><pubDate>{when}</pubDate>'
                f"<description>{escape(about)}</description>{extra}</item>",
            )
        self.serve()

    def report(self, title: str, body: str, age: timedelta = timedelta(minutes=30)) -> None:
        """A new item whose text is `body` (its page is missing: the feed's text is the
        article), published `age` ago."""
        self._count += 1
        guid = f"{self.name}-{self._count}"
        when = format_datetime(self.clock.now() - age)
        self.items.insert(
            0,
            f"<item><title>{escape(title)}</title><link>/{self.name}/{guid}</link>"
            f'<guid isPermaLink="false">{guid}</guid><pubDate>{when}</pubDate>'
            f"<description>{escape(body)}</description></item>",
        )
        self.serve()

    def serve(self) -> None:
        """Serve the feed as it is now."""
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{self.name.title()} Wire</title><link>/{self.name}/</link>"
            f"<description>d</description>{''.join(self.items)}</channel></rss>"
        )
        self.site.serve(self.path, Reply(body.encode(), content_type=RSS))
