"""Every response carries the security headers, and no page holds inline script or style (so
the CSP `default-src 'self'` without 'unsafe-inline' holds): checked on real responses of every
kind, signed in and not."""

from __future__ import annotations

from html.parser import HTMLParser

import aiohttp

from bot.web.security import CSP
from tests.bot.web.newsroom import WebDesk, csrf_token

EVERY_KIND = [
    "/",
    "/search?q=Qatar",
    "/search?q=-Qatar",
    "/search?q=",
    "/articles/1",
    "/entities/1",
    "/entities/1/trend.png",
    "/entities/1/atom",
    "/search/atom?q=Qatar",
    "/stories/1",  # 404 page
    "/no/such/page",
    "/servers",
    "/servers/123",  # 403 page
    "/login",
    "/api/v1/search?q=Qatar",
    "/api/v1/titles?q=qa",
    "/api/v1/articles/999999",
    "/healthz",
    "/metrics",
]


class InlineCode(HTMLParser):
    """Finds what a strict CSP would block: inline <script>, event handler attributes, style
    attributes and <style> elements, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self.scripts.append(named.get("src") or "")
            if not named.get("src"):
                self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}=")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


async def responses(
    web: WebDesk, http: aiohttp.ClientSession
) -> list[tuple[str, int, dict[str, str], str]]:
    found = []
    for path in EVERY_KIND:
        async with http.get(web.url(path), allow_redirects=False) as answer:
            body = await answer.read()
            text = body.decode("utf-8", "replace") if "html" in answer.content_type else ""
            found.append((path, answer.status, dict(answer.headers), text))
    async with http.post(web.url("/search"), data={"q": "x"}, allow_redirects=False) as posted:
        found.append(("POST /search", posted.status, dict(posted.headers), ""))
    return found


def check(found: list[tuple[str, int, dict[str, str], str]]) -> None:
    statuses = {status for _, status, _, _ in found}
    assert {200, 303, 403, 404} <= statuses or {200, 403, 404} <= statuses
    for path, _, headers, html in found:
        assert headers["Content-Security-Policy"] == CSP, path
        assert "'unsafe-inline'" not in CSP and "frame-ancestors 'none'" in CSP
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["X-Frame-Options"] == "DENY", path
        if html:
            scan = InlineCode()
            scan.feed(html)
            assert scan.found == [], (path, scan.found)
            assert all(src.startswith("/static/") for src in scan.scripts), path


async def test_every_response_has_the_security_headers_and_no_inline_code(web: WebDesk) -> None:
    async with web.browser() as anyone:
        check(await responses(web, anyone))
    async with web.browser() as member:
        await web.sign_in(member, "bob")
        found = await responses(web, member)
        check(found)
        home = next(html for path, _, _, html in found if path == "/")
        async with member.post(web.url("/logout"), data={"csrf_token": csrf_token(home)}) as out:
            assert out.headers["Content-Security-Policy"] == CSP


async def test_static_files_are_cached_and_pages_are_not_shared(web: WebDesk) -> None:
    async with web.browser() as http:
        async with http.get(web.url("/")) as home:
            html = await home.text()
            assert home.headers["Cache-Control"] == "private, no-cache"
        stylesheet = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert "?v=" in stylesheet
        async with http.get(web.url(stylesheet.replace("&amp;", "&"))) as css:
            assert css.status == 200 and "prefers-color-scheme: dark" in await css.text()
            assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
