"""A tab in the shared headless Chromium, pointed at the web under test: only 127.0.0.1 is
reachable (anything else is blocked and counted as an error, so a page that pulls a font or a
script from elsewhere fails its test), and every console error, page error and failed request
is collected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from playwright.async_api import Browser, ConsoleMessage, Page, Request, Response, Route

from tests.bot.web.newsroom import WebDesk

PHONE = {"width": 390, "height": 844}
# The page's controls that have no name a screen reader could say (no <label>, no aria-label or
# aria-labelledby, a button without text): each as the start of its HTML.
UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea, button")]
    .filter((control) => control.type !== "hidden")
    .filter((control) => !(control.labels && control.labels.length)
        && !control.getAttribute("aria-label")
        && !control.getAttribute("aria-labelledby")
        && !(control.tagName === "BUTTON" && control.textContent.trim())
        && !(["submit", "button"].includes(control.type) && control.value))
    .map((control) => control.outerHTML.slice(0, 160))"""
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Tab:
    """A page and what happened while it was used."""

    page: Page
    desk: WebDesk
    errors: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    def url(self, path: str) -> str:
        """An absolute URL on the web under test."""
        return self.desk.url(path)

    async def open(self, path: str) -> Response | None:
        """Go to a page of the web and wait until it has loaded."""
        return await self.page.goto(self.url(path), wait_until="load")

    async def sign_in(self, username: str) -> None:
        """Sign in through /login and the emulator's consent page, as a person would."""
        await self.open("/login")
        await self.page.locator("main").get_by_role("link", name="Sign in with Discord").click()
        await self.page.get_by_role("button", name=f"Sign in as {username}").click()
        await self.page.wait_for_url(f"{self.desk.server.base_url}/**")
        await self.page.get_by_role("button", name="Sign out").wait_for()

    async def unlabelled(self) -> list[str]:
        """The controls of the page on show that have no accessible name."""
        found: list[str] = await self.page.evaluate(UNLABELLED)
        return found

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def on_failed(self, request: Request) -> None:
        # Leaving a page cancels what it was still fetching (its icon): that is no failure.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    async def only_loopback(self, route: Route) -> None:
        """Let requests to 127.0.0.1 through; block (and count) everything else."""
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            self.errors.append(f"blocked a request off this machine: {route.request.url}")
            await route.abort("blockedbyclient")


@asynccontextmanager
async def tab(
    browser: Browser,
    desk: WebDesk,
    *,
    viewport: dict[str, int] | None = None,
    color_scheme: Literal["light", "dark"] = "light",
    javascript: bool = True,
) -> AsyncIterator[Tab]:
    """A fresh browser context (its own cookies) with one page; `javascript=False` turns the
    page's scripts off (what a reader without JavaScript gets)."""
    context = await browser.new_context(
        viewport=viewport or DESKTOP,  # type: ignore[arg-type]
        color_scheme=color_scheme,
        device_scale_factor=1,
        java_script_enabled=javascript,
    )
    page = await context.new_page()
    opened = Tab(page, desk)
    await context.route("**/*", opened.only_loopback)
    page.on("console", opened.on_console)
    page.on("pageerror", lambda error: opened.errors.append(f"page error: {error}"))
    page.on("requestfailed", opened.on_failed)
    page.on("response", lambda response: opened.responses.append(response))
    try:
        yield opened
    finally:
        await context.close()
