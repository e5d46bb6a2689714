"""A server's admin pages in a real browser, every one of them read from the site's own routes
(so a page or form added later is covered too): a manager opens each with no console error,
failed request, CSP violation or inline code, on a desktop in light and a phone in dark; a
member without Manage Server gets 403 on each page, its JSON twin and each form (posted from
the browser with the member's own CSRF token), and nothing changes. Without JavaScript, a
reader still searches, pages, opens an article and an entity, and a manager previews a feed's
template (the page's script only makes the preview follow the typing)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, expect

from bot.clock import FakeClock
from bot.digest.manage import add_schedule
from bot.feeds.adding import NewFeed, add_feed
from bot.feeds.fetcher import Fetcher
from bot.feeds.poller import FeedPoller
from bot.mutes.manage import add_mute
from bot.web.app import add_routes
from bot.web.security import CSP
from tests.bot.feeds.conftest import TEST_POLICY
from tests.bot.feeds.newsroom import NewsSite
from tests.bot.web.browsing import PHONE, Tab, tab
from tests.bot.web.newsroom import WebDesk, csrf_token, running_web
from tests.bot.web.test_admin_pages import follow_query
from tests.bot.web.test_security import InlineCode

pytestmark = pytest.mark.asyncio(loop_scope="session")

SERVER = "/servers/{guild_id}"
# Pages under a server that every member may read (the rest are its admin pages).
MEMBER_PAGES = {SERVER, SERVER + "/outlets"}
# Posts a form from the page the browser is on, as a person submitting it would.
SUBMIT = """([action, token]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = action;
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = "csrf_token";
    field.value = token;
    form.append(field);
    document.body.append(form);
    form.submit();
}"""


@pytest_asyncio.fixture(loop_scope="session")
async def desk(newsroom_copy: Path) -> AsyncIterator[WebDesk]:
    """The web over the newsroom, whose Newsroom has one of everything its admin pages
    manage: a feed from a loopback site, a digest, a channel follow and a mute rule."""
    clock = FakeClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    async with running_web(newsroom_copy, clock) as web:
        guild = web.discord.world.guilds[0]
        news = web.discord.world.channel_named("news", guild)
        alice = web.discord.world.user_named("alice")
        async with NewsSite() as site, Fetcher(TEST_POLICY, clock=clock) as fetcher:
            site.newsroom()
            wanted = NewFeed(guild.id, news.id, site.url("/harbour/rss.xml"), alice.id)
            await add_feed(web.store, fetcher, wanted, clock=clock, entities_available=True)
            await FeedPoller(web.store, fetcher, clock=clock).run_due()  # its first items
        await add_schedule(
            web.store,
            clock.now(),
            guild_id=guild.id,
            channel_id=news.id,
            target="text",
            every="daily",
            time="07:30",
            timezone="UTC",
            created_by=alice.id,
        )
        await follow_query(web, guild.id, news.id, "harbour reopens")
        await add_mute(web.store, guild.id, "word", "crypto", created_by=alice.id, clock=clock)
        yield web


async def state(web: WebDesk, guild_id: int) -> tuple[object, ...]:
    """What the admin pages change in Newsroom, as the store holds it."""
    return (
        await web.store.guild_subscriptions(guild_id),
        await web.store.digest_schedules(guild_id),
        await web.store.channel_follows(guild_id),
        await web.store.guild_mutes(guild_id),
        await web.store.guild_setting(guild_id, "prefix"),
    )


async def server_routes(web: WebDesk) -> tuple[list[str], list[str]]:
    """Newsroom's admin pages (GET) and forms (POST), every route of the site under a server
    filled in with the ids of the feed, digest, follow and mute rule it has."""
    guild_id = web.discord.world.guilds[0].id
    [(subscription, _)] = await web.store.guild_subscriptions(guild_id)
    [digest] = await web.store.digest_schedules(guild_id)
    [follow] = await web.store.channel_follows(guild_id)
    [mute] = await web.store.guild_mutes(guild_id)
    ids = {"feeds": subscription.id, "digests": digest.id, "follows": follow.id, "mutes": mute.id}
    app = web_application()
    pages: list[str] = []
    forms: list[str] = []
    for resource in app.router.resources():
        path = resource.canonical
        if SERVER not in path or path.removeprefix("/api/v1") in MEMBER_PAGES:
            continue
        methods = {route.method for route in resource}
        pattern = resource.get_info().get("pattern")
        actions = re.search(r"\(\?P<action>([\w|]+)\)", pattern.pattern if pattern else "")
        filled = fill(path, guild_id, ids, actions[1].split("|") if actions else [])
        pages += filled if "GET" in methods else []
        forms += filled if "POST" in methods else []
    return pages, forms


def web_application() -> web.Application:
    """The site's routes, as the server under test has them."""
    app = web.Application()
    add_routes(app.router)
    return app


def fill(path: str, guild_id: int, ids: dict[str, int], actions: list[str]) -> list[str]:
    """A route's path with its ids filled in; one path for each of its actions."""
    path = path.replace("{guild_id}", str(guild_id))
    path = re.sub(r"/(\w+)/\{(?:feed_id|id)\}", lambda m: f"/{m[1]}/{ids[m[1]]}", path)
    if "{action}" not in path:
        return [path]
    assert actions, path
    return [path.replace("{action}", action) for action in actions]


async def test_every_admin_page_opens_for_a_manager_without_a_console_error(
    browser: Browser, desk: WebDesk
) -> None:
    pages, _ = await server_routes(desk)
    html_pages = [p for p in pages if not p.startswith("/api/") and not p.endswith(".json")]
    # Feeds (4), digests (2), follows, mutes, settings, backup: each one page at least.
    assert len(html_pages) >= 10, html_pages
    for viewport, scheme in ((None, "light"), (PHONE, "dark")):
        async with tab(browser, desk, viewport=viewport, color_scheme=scheme) as t:  # type: ignore[arg-type]
            await t.sign_in("alice")
            for path in html_pages:
                response = await t.open(path)
                assert response is not None and response.status == 200, path
                assert (await response.all_headers())["content-security-policy"] == CSP, path
                scan = InlineCode()
                scan.feed(await response.text())
                assert scan.found == [], (path, scan.found)
                await expect(t.page.get_by_role("heading", level=1)).to_be_visible()
                assert await t.unlabelled() == [], path
            assert t.errors == []


async def refused(t: Tab, pages: list[str], forms: list[str]) -> dict[str, int]:
    """Open each page and post each form (from the server's page, with the member's own
    CSRF token); the status each answered."""
    found = {}
    for path in pages:
        response = await t.open(path)
        assert response is not None
        found[path] = response.status
        if not path.startswith("/api/"):
            await expect(t.page.locator("main")).to_contain_text("permission")
    guild_page = forms[0].split("/")[:3]
    for path in forms:
        await t.open("/".join(guild_page))
        token = csrf_token(await t.page.content())
        async with t.page.expect_navigation() as navigated:
            await t.page.evaluate(SUBMIT, [t.url(path), token])
        found["POST " + path] = (await navigated.value).status  # type: ignore[union-attr]
    return found


async def test_a_member_without_manage_server_gets_403_on_every_admin_page_and_form(
    browser: Browser, desk: WebDesk
) -> None:
    guild_id = desk.discord.world.guilds[0].id
    pages, forms = await server_routes(desk)
    before = await state(desk, guild_id)
    async with tab(browser, desk) as t:
        await t.sign_in("bob")  # a member of Newsroom without Manage Server
        found = await refused(t, pages, forms)
    assert found == dict.fromkeys([*pages, *(f"POST {p}" for p in forms)], 403)
    # Feeds' 8 forms, digests' 4, follows' 1, mutes' 2, settings' 1, backup's 1 at least.
    assert len(forms) >= 17, forms
    assert await state(desk, guild_id) == before


async def test_without_javascript_reading_and_a_template_preview_still_work(
    browser: Browser, desk: WebDesk
) -> None:
    guild_id = desk.discord.world.guilds[0].id
    [(subscription, _)] = await desk.store.guild_subscriptions(guild_id)
    saved = await desk.store.guild_subscriptions(guild_id)
    async with tab(browser, desk, javascript=False) as t:
        await t.sign_in("alice")  # the consent page is a form too
        # The page's own script never ran: the search box is not made a type-ahead combobox.
        assert await t.page.locator("#q").get_attribute("role") is None
        await t.page.get_by_label("Search the news").fill("Qatar")
        await t.page.get_by_label("Search the news").press("Enter")
        await expect(t.page.get_by_role("heading", level=1)).to_have_text("Results for “Qatar”")
        await t.page.get_by_role("link", name="Next →").click()
        await expect(t.page.locator(".count")).to_contain_text("page 2 of")
        await t.open("/search?q=Halevi")
        await t.page.locator("ol.results h2 a").first.click()
        await expect(t.page.get_by_role("heading", name="Summary")).to_be_visible()
        await t.page.get_by_role("link", name=re.compile(r"^Herzi Halevi")).click()
        await expect(t.page.get_by_role("heading", level=1)).to_have_text("Herzi Halevi")
        chart = t.page.get_by_role("img", name=re.compile(r"^Line chart of mentions of Herzi"))
        await expect(chart).to_be_visible()
        await t.open(f"/servers/{guild_id}/feeds/{subscription.id}/template")
        await t.page.get_by_label("Embed title").fill("Breaking: {title:200}")
        await t.page.get_by_role("button", name="Preview", exact=True).click()
        preview = t.page.locator("section[aria-labelledby=preview-heading]")
        await expect(preview).to_contain_text("Breaking: ")
        await expect(t.page.get_by_label("Embed title")).to_have_value("Breaking: {title:200}")
        assert t.errors == []
    assert await desk.store.guild_subscriptions(guild_id) == saved  # a preview saves nothing
