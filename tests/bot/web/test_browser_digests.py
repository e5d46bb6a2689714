"""The digest editor in a real browser (the one headless Chromium of the test process): an
admin schedules a digest by keyboard and mouse, checks the times first, and sees its next five
due times in the schedule's timezone; no console errors or CSP violations on the way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from bot.clock import FakeClock
from tests.bot.web.browsing import tab
from tests.bot.web.newsroom import WebDesk, running_web

pytestmark = pytest.mark.asyncio(loop_scope="session")

FIVE_WEEKDAYS_IN_TOKYO = [
    "Tue 03 Mar 2026, 07:30 JST",
    "Wed 04 Mar 2026, 07:30 JST",
    "Thu 05 Mar 2026, 07:30 JST",
    "Fri 06 Mar 2026, 07:30 JST",
    "Mon 09 Mar 2026, 07:30 JST",
]


@pytest_asyncio.fixture(loop_scope="session")
async def desk(newsroom_copy: Path) -> AsyncIterator[WebDesk]:
    """The web on the browser's event loop, at 08:00 UTC on Monday 2 March 2026 (17:00 in
    Tokyo: that day's 07:30 has passed)."""
    async with running_web(newsroom_copy, FakeClock(datetime(2026, 3, 2, 8, tzinfo=UTC))) as web:
        yield web


async def test_scheduling_a_digest_shows_its_next_five_due_times(
    browser: Browser, desk: WebDesk
) -> None:
    guild = desk.discord.world.guilds[0]
    async with tab(browser, desk) as t:
        await t.sign_in("alice")
        await t.open(f"/servers/{guild.id}")
        await t.page.get_by_role("link", name="Digests").click()
        await expect(t.page.get_by_role("heading", level=1)).to_have_text("Digests")
        await expect(t.page.get_by_text("No digests yet.")).to_be_visible()
        # The server's channels by name, as the bot recorded them (no ids to copy).
        channel = t.page.get_by_label("Channel to post in")
        assert await channel.locator("option").all_inner_texts() == [
            f"#{c.name}" for c in guild.channels
        ]
        await channel.select_option(label=f"#{guild.channels[1].name}")
        await t.page.get_by_label("Every").fill("weekdays")
        await t.page.get_by_label("Time of day").fill("7:30am")
        await t.page.get_by_label("Timezone").fill("Asia/Tokyo")
        await t.page.get_by_role("button", name="Check the times").click()
        checked = t.page.locator("section.checked ol.times li")
        await expect(checked).to_have_text(FIVE_WEEKDAYS_IN_TOKYO)
        await expect(t.page.get_by_text("No digests yet.")).to_be_visible()  # not stored yet
        await t.page.get_by_role("button", name="Schedule", exact=True).click()
        heading = t.page.get_by_role("heading", name="Digest #1: weekdays at 07:30 (Asia/Tokyo)")
        await expect(heading).to_be_visible()
        await expect(t.page.locator("#digest-1 ol.times li")).to_have_text(FIVE_WEEKDAYS_IN_TOKYO)
        await expect(t.page.locator("#digest-1 .meta")).to_contain_text(
            f"In #{guild.channels[1].name} (text)"
        )
        await t.page.locator("#digest-1").get_by_role("button", name="Pause").click()
        await expect(t.page.locator("#digest-1 .notice")).to_have_text("Paused (paused by alice).")
        assert t.errors == []
