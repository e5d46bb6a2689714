"""The feeds admin pages in a real browser, beside the running bot (on its database): an admin
adds a feed from a loopback news site, and the bot reads it at once (its change watcher wakes its
poller); the admin edits its template and watches the live preview follow the typing; the
running bot (not restarted) then posts the feed's next item in the emulated Discord, and the
preview of that item is the post: the same title, description, footer and colour. No page
holds inline code, and none logs a console error or a CSP violation."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from bot.changes import POLL
from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator
from cogs.servers import Servers
from tests.bot.feeds.conftest import TEST_POLICY
from tests.bot.feeds.newsroom import REOPEN, NewsSite
from tests.bot.web.browsing import tab
from tests.bot.web.newsroom import WebDesk, web_beside
from tests.bot.web.test_security import InlineCode
from tests.cogs.feeddesk import last_post, poll
from tests.cogs.test_feeds import newsdesk_on, poller
from tests.newsdesk import Newsdesk

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclasses.dataclass
class Running:
    """The bot on Discord's emulator, its web, and the loopback news site."""

    bot: Newsdesk
    web: WebDesk
    site: NewsSite


@pytest_asyncio.fixture(loop_scope="session")
async def running(
    seeded_database: Path, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Running]:
    """The bot (feeds may reach 127.0.0.1) and the web on its database, with the test's clock."""
    db = tmp_path / "newsdesk.db"
    shutil.copy(seeded_database, db)
    async with (
        NewsSite() as site,
        DiscordEmulator(clock=clock) as discord,
        newsdesk_on(discord, db, clock) as desk,
    ):
        site.newsroom()
        async with web_beside(discord, desk.bot.store_url, clock, TEST_POLICY) as web:
            await cast(Servers, desk.bot.get_cog("Servers")).wait_recorded(1)
            yield Running(desk, web, site)


def visible(markdown: str) -> str:
    """What Discord shows of escaped markdown (the test's own reading: backslashes go)."""
    return re.sub(r"\\(.)", r"\1", markdown)


async def test_a_feed_added_on_the_web_posts_as_its_live_preview_showed(
    browser: Browser, running: Running, clock: FakeClock
) -> None:
    desk, site = running.bot, running.site
    guild_id = desk.discord.guild.id
    async with tab(browser, running.web) as t:
        await t.sign_in("alice")
        await t.open(f"/servers/{guild_id}")
        await t.page.get_by_role("link", name="Manage feeds").click()
        await t.page.get_by_label("Feed address").fill(site.url("/harbour/rss.xml"))
        await t.page.get_by_label("Channel to post in").select_option(label="#news")
        await t.page.get_by_role("button", name="Add feed").click()
        notice = t.page.locator("main").get_by_role("status")
        await expect(notice).to_contain_text("Added: the feed was read")

        # The running bot hears of the new feed when it next reads the change marks (SQLite:
        # every few seconds) and reads it at once, not on its next polling round.
        feed_path = "/harbour/rss.xml"
        assert site.hits[feed_path] == 1  # the test fetch
        clock.advance(seconds=POLL.total_seconds())
        await site.wait_hits(feed_path, 2)
        await poller(desk).wait_idle()
        await t.page.get_by_role("link", name="Edit how its posts look").click()
        preview = t.page.locator("#post-preview")
        await expect(preview.locator(".embed-title")).to_be_visible()
        await t.page.get_by_label("Embed title").fill("Web: {title:200}")
        await t.page.get_by_label("Embed footer").fill("{feed} · via the web")
        await t.page.get_by_label("Style").fill("#e67e22 no-thumbnail")
        # The live preview follows the typing (no button pressed).
        await expect(preview.locator(".embed-title")).to_contain_text("Web: ")
        await expect(preview.locator(".embed-footer-text")).to_contain_text("· via the web")
        # Waited for like the rest: the preview redraws after each field typed, and on a busy
        # machine the title's and footer's redraws arrived before the style's (a flake).
        await expect(preview.locator(".embed")).to_have_attribute("data-colour", "#e67e22")
        await t.page.get_by_role("button", name="Save template").click()
        await expect(notice).to_contain_text("Saved")

        # The site publishes its next story; the bot, never restarted, posts it.
        site.publish_reopening()
        await poll(desk, clock)
        posted = last_post(desk)
        [embed] = posted.embeds
        assert visible(embed["title"]) == f"Web: {REOPEN}"

        # The preview now draws that same item: it is the post.
        await t.page.reload()
        await expect(preview.locator(".embed-title")).to_have_text(f"Web: {REOPEN}")
        shown = {
            "title": await preview.locator(".embed-title").inner_text(),
            "description": await preview.locator(".embed-description").inner_text(),
            "footer": await preview.locator(".embed-footer-text").inner_text(),
            "colour": await preview.locator(".embed").get_attribute("data-colour"),
            "content": await preview.locator(".message-content").count(),
            "fields": await preview.locator(".embed-field").count(),
        }
        assert shown == {
            "title": visible(embed["title"]),
            "description": visible(embed["description"]),
            "footer": embed["footer"]["text"],
            "colour": f"#{embed['color']:06x}",
            "content": 1 if posted.content else 0,
            "fields": len(embed.get("fields", [])),
        }
        # Its JSON twin holds the parts exactly as Discord received them.
        api = await t.page.request.get(
            t.url(f"/api/v1{t.page.url.split(running.web.server.base_url, 1)[1]}")
        )
        raw: dict[str, Any] = (await api.json())["preview"]["card"]["raw"]
        assert (raw["title"], raw["description"], raw["footer"], raw["colour"]) == (
            embed["title"],
            embed["description"],
            embed["footer"]["text"],
            embed["color"],
        )
        # Every feeds admin page: no inline code (the CSP holds), nor any console error.
        base = f"/servers/{guild_id}/feeds"
        [(subscription, _)] = await desk.store.guild_subscriptions(guild_id)
        one = f"{base}/{subscription.id}"
        for path in (base, one, f"{one}/template", f"{one}/log"):
            response = await t.open(path)
            assert response is not None and response.status == 200, path
            scan = InlineCode()
            scan.feed(await response.text())
            assert scan.found == [], (path, scan.found)
        assert t.errors == []
