"""A loopback news site whose feed brings huge articles: each time the feed is read it lists
three more items, and each item's page holds an article of 1, 3 or 9 MB of text (under the
fetcher's 10 MB cap), as a hostile or careless publisher might."""

from __future__ import annotations

import html
import itertools
from datetime import UTC, datetime
from email.utils import format_datetime

from aiohttp import web

SIZES = (1_000_000, 3_000_000, 9_000_000)
PER_READ = 3
_PARAGRAPH = (
    "Officials in {place} said on {day} that talks on the harbour, the budget and the"
    " ceasefire would continue, while ministers in {other} urged patience and reporters"
    " waited outside the talks for a statement that never came, item {n}."
)
_PLACES = ("Doha", "Cairo", "Gaza", "Jerusalem", "London", "Paris", "Berlin", "Madrid")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def page_text(number: int, size: int) -> str:
    """The article text of item `number`: about `size` characters of varied paragraphs."""
    paragraphs = []
    total = 0
    for n in itertools.count():
        paragraph = _PARAGRAPH.format(
            place=_PLACES[n % 8], other=_PLACES[(n * 3 + number) % 8], day=_DAYS[n % 5], n=n
        )
        paragraphs.append(paragraph)
        total += len(paragraph) + 9
        if total >= size:
            return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    raise AssertionError("unreachable")


class HugeFeed:
    """The site: /feed.xml and /story/N.html on 127.0.0.1."""

    def __init__(self) -> None:
        self.reads = 0
        self.pages_served = 0
        self._pages: dict[int, bytes] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        """Serve on a free loopback port; return the feed's URL."""
        app = web.Application()
        app.router.add_get("/feed.xml", self._feed)
        app.router.add_get("/story/{number}.html", self._story)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/feed.xml"
        return self.url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _feed(self, request: web.Request) -> web.Response:
        self.reads += 1
        base = str(request.url.origin())
        now = format_datetime(datetime.now(UTC))
        items = "".join(
            f"<item><title>Huge report {n}</title><link>{base}/story/{n}.html</link>"
            f"<guid>{base}/story/{n}.html</guid><pubDate>{now}</pubDate>"
            f"<description>Report {n}.</description></item>"
            for n in range(self.reads * PER_READ, 0, -1)
        )
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Huge Wire</title>'
            f"<link>{base}/</link><description>Long reads</description>{items}</channel></rss>"
        )
        return web.Response(text=body, content_type="application/rss+xml")

    async def _story(self, request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        if number not in self._pages:
            text = page_text(number, SIZES[number % len(SIZES)])
            self._pages[number] = (
                f"<html><head><title>Huge report {number}</title></head><body><article>"
                f"<h1>Huge report {number}</h1>{text}</article></body></html>"
            ).encode()
        self.pages_served += 1
        return web.Response(body=self._pages[number], content_type="text/html")
