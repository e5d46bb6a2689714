"""The web newsroom in a real browser (headless Debian Chromium driven by Playwright, one browser
for the whole test process): signing in through the emulated consent page, searching and paging,
an article then an entity with its chart, keyboard-only search with type-ahead, forms without
their CSRF token refused, forged server ids refused, signing out, and no console errors, CSP
violations or inline code on any page."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from bot.clock import FakeClock
from bot.web.security import CSP
from tests.bot.web.browsing import PHONE, tab
from tests.bot.web.newsroom import QATAR_PAGES, WebDesk, harbour_story, running_web
from tests.bot.web.test_security import InlineCode

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def desk(newsroom_copy: Path, clock: FakeClock) -> AsyncIterator[WebDesk]:
    """The web (members only) on the browser's event loop."""
    async with running_web(newsroom_copy, clock) as running:
        yield running


async def test_signing_in_through_the_emulated_consent_page(
    browser: Browser, desk: WebDesk
) -> None:
    async with tab(browser, desk) as t:
        await t.open("/")
        await expect(t.page.get_by_text("to read the archive of your servers")).to_be_visible()
        await t.page.locator("header").get_by_role("link", name="Sign in with Discord").click()
        await expect(t.page).to_have_url(re.compile(r"/login\?next=/$"))
        await t.page.locator("main").get_by_role("link", name="Sign in with Discord").click()
        # Discord's (emulated) consent page: pick who you are.
        assert t.page.url.startswith(desk.discord.emulator.base_url + "/oauth2/authorize?")
        await expect(t.page.get_by_role("heading")).to_have_text("Sign in to Newsdesk")
        await t.page.get_by_role("button", name="Sign in as bob").click()
        await expect(t.page).to_have_url(desk.url("/"))
        await expect(t.page.locator(".who")).to_have_text("bob")
        await expect(t.page.get_by_role("heading", name="Latest")).to_be_visible()
        cookies = {c["name"]: c for c in await t.page.context.cookies()}
        session = cookies["newsdesk_session"]
        assert session["httpOnly"] and session["sameSite"] == "Lax"
        assert t.errors == []


async def test_searching_and_paging_through_results(browser: Browser, desk: WebDesk) -> None:
    async with tab(browser, desk) as t:
        await t.sign_in("alice")
        await t.page.get_by_label("Search the news").fill("Qatar")
        await t.page.get_by_role("button", name="Search", exact=True).click()
        await expect(t.page.get_by_role("heading", level=1)).to_have_text("Results for “Qatar”")
        await expect(t.page.locator(".count")).to_contain_text(
            f"{QATAR_PAGES + 2} articles · page 1 of 3"
        )
        assert await t.page.locator("ol.results > li").count() == 10
        first_page = await t.page.locator("ol.results h2").all_inner_texts()
        await t.page.get_by_role("link", name="Next →").click()
        await expect(t.page.locator(".count")).to_contain_text("page 2 of 3")
        second_page = await t.page.locator("ol.results h2").all_inner_texts()
        assert len(second_page) == 10 and not set(first_page) & set(second_page)
        marks = await t.page.locator("ol.results mark").all_inner_texts()
        assert marks and {m.casefold() for m in marks} == {"qatar"}
        await t.page.get_by_role("link", name="← Previous").click()
        assert await t.page.locator("ol.results h2").all_inner_texts() == first_page
        assert t.errors == []


async def test_an_article_then_an_entity_page_with_its_chart(
    browser: Browser, desk: WebDesk
) -> None:
    async with tab(browser, desk) as t:
        await t.sign_in("bob")
        await t.open("/search?q=Halevi")
        await t.page.locator("ol.results h2 a").first.click()
        await expect(t.page.get_by_role("heading", level=1)).to_contain_text(
            "Senior Israeli Security Officials In Qatar"
        )
        await expect(t.page.get_by_role("heading", name="Summary")).to_be_visible()
        await t.page.get_by_role("link", name=re.compile(r"^Herzi Halevi")).click()
        await expect(t.page.get_by_role("heading", level=1)).to_have_text("Herzi Halevi")
        chart = t.page.get_by_role("img", name=re.compile(r"^Line chart of mentions of Herzi"))
        network = t.page.get_by_role("img", name=re.compile(r"^Diagram of Herzi Halevi"))
        for picture in (chart, network):
            await expect(picture).to_be_visible()
            await expect(picture).to_have_js_property("complete", True)
            assert await picture.evaluate("img => img.naturalWidth") == 960
        assert t.errors == []


async def test_keyboard_only_search_with_type_ahead(browser: Browser, desk: WebDesk) -> None:
    async with tab(browser, desk) as t:
        await t.sign_in("bob")
        await t.open("/")
        search_box = t.page.get_by_role("combobox", name="Search the news")
        for _ in range(6):  # skip link, the brand, then the search field
            await t.page.keyboard.press("Tab")
            if await search_box.evaluate("field => field === document.activeElement"):
                break
        else:
            pytest.fail("Tab never reached the search field")
        outline = await search_box.evaluate("field => getComputedStyle(field).outlineStyle")
        assert outline != "none"  # focus is visible
        await t.page.keyboard.type("qatar talks day 2")
        options = t.page.get_by_role("option")
        await expect(options.first).to_have_text("Qatar talks, day 24")
        await expect(search_box).to_have_attribute("aria-expanded", "true")
        await t.page.keyboard.press("ArrowDown")
        await t.page.keyboard.press("ArrowDown")
        chosen = await t.page.get_by_role("option", selected=True).inner_text()
        await t.page.keyboard.press("Enter")
        await expect(t.page.get_by_role("heading", level=1)).to_have_text(chosen)
        # Escape closes the list; Enter then searches what was typed.
        await search_box.focus()
        await search_box.fill("")
        await t.page.keyboard.type("harbour")
        await expect(options.first).to_be_visible()
        await t.page.keyboard.press("Escape")
        await expect(search_box).to_have_attribute("aria-expanded", "false")
        await t.page.keyboard.press("Enter")
        await expect(t.page.get_by_role("heading", level=1)).to_have_text("Results for “harbour”")
        assert t.errors == []


async def test_a_form_posted_without_its_csrf_token_is_refused(
    browser: Browser, desk: WebDesk
) -> None:
    async with tab(browser, desk) as t:
        await t.sign_in("bob")
        await t.page.locator('input[name="csrf_token"]').evaluate("field => field.remove()")
        async with t.page.expect_response(desk.url("/logout")) as posted:
            await t.page.get_by_role("button", name="Sign out").click()
        assert (await posted.value).status == 403
        await expect(t.page.get_by_role("alert")).to_contain_text("did not come from this site")
        await t.open("/")
        await expect(t.page.locator(".who")).to_have_text("bob")  # still signed in


async def test_a_forged_server_id_is_refused_and_logged(
    browser: Browser, desk: WebDesk, caplog: pytest.LogCaptureFixture
) -> None:
    backroom = desk.discord.world.guilds[1]  # carol's, with the bot; bob is not a member
    caplog.set_level(logging.WARNING, logger="bot.web")
    async with tab(browser, desk) as t:
        await t.sign_in("bob")
        response = await t.open(f"/servers/{backroom.id}")
        assert response is not None and response.status == 403
        await expect(t.page.get_by_role("heading", level=1)).to_have_text("Not for you")
        newsroom = desk.discord.world.guilds[0]
        await t.page.get_by_text("Servers", exact=True).click()  # the switcher
        await t.page.get_by_role("link", name="Newsroom", exact=True).click()
        await expect(t.page).to_have_url(desk.url(f"/servers/{newsroom.id}"))
        await expect(t.page.locator("main")).to_contain_text("You are a member here")
    assert any(f"refused server id '{backroom.id}'" in r.getMessage() for r in caplog.records)


async def test_signing_out_ends_the_session_and_the_old_cookie_with_it(
    browser: Browser, desk: WebDesk
) -> None:
    async with tab(browser, desk) as t:
        await t.sign_in("bob")
        old = await t.page.context.cookies()
        await t.page.get_by_role("button", name="Sign out").click()
        await expect(t.page.locator("header")).to_contain_text("Sign in with Discord")
        assert not [c for c in await t.page.context.cookies() if c["name"] == "newsdesk_session"]
    async with tab(browser, desk) as replay:
        await replay.page.context.add_cookies(old)  # type: ignore[arg-type]
        await replay.open("/servers")
        await expect(replay.page).to_have_url(re.compile(r"/login\?next=/servers$"))


async def test_no_console_errors_csp_everywhere_and_no_inline_code_on_any_page(
    browser: Browser, desk: WebDesk
) -> None:
    newsroom = desk.discord.world.guilds[0]
    story = await harbour_story(desk.store)
    pages = [
        "/",
        "/search?q=Qatar",
        "/search?q=Qatar&page=3",
        "/search?q=-Qatar",
        "/articles/1",
        f"/stories/{story}",
        "/servers",
        f"/servers/{newsroom.id}",
        "/entities?name=Hamas",
    ]
    for viewport in (None, PHONE):
        async with tab(browser, desk, viewport=viewport, color_scheme="dark") as t:
            await t.sign_in("alice")
            for path in pages:
                response = await t.open(path)
                assert response is not None and response.status == 200, path
                scan = InlineCode()
                scan.feed(await response.text())
                assert scan.found == [], (path, scan.found)
                assert await t.unlabelled() == [], path  # a label on every control
            ours = [r for r in t.responses if r.url.startswith(desk.server.base_url)]
            assert {r.request.resource_type for r in ours} >= {
                "document",
                "stylesheet",
                "script",
                "image",
            }
            for seen in ours:
                assert (await seen.all_headers())["content-security-policy"] == CSP, seen.url
            assert t.errors == []
