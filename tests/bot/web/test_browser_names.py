"""Channels and roles by name on a server's pages, in a real browser: the server overview's
feeds and digests say where they post as #name, the settings page names the digest role as
@name, and a channel or role the bot no longer sees is said plainly, never left as a bare id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from bot.clock import FakeClock
from bot.digest.manage import add_schedule, set_digest_role
from bot.feeds.adding import NewFeed, add_feed
from bot.feeds.fetcher import Fetcher
from bot.sandbox.emulator.state import Role
from bot.servers import KnownPlaces, record_places
from tests.bot.feeds.conftest import TEST_POLICY
from tests.bot.feeds.newsroom import NewsSite
from tests.bot.web.browsing import tab
from tests.bot.web.newsroom import WebDesk, newsroom_world, places_of, running_web

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def desk(newsroom_copy: Path) -> AsyncIterator[WebDesk]:
    """The web over the newsroom, whose Newsroom has two roles: Editors and Night desk."""
    world = newsroom_world()
    newsroom = world.guilds[0]
    newsroom.roles.append(Role(world.ids.next(), "Night desk", position=2))
    clock = FakeClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    async with running_web(newsroom_copy, clock, world=world) as web:
        yield web


async def test_the_server_page_names_channels_and_says_when_one_is_gone(
    browser: Browser, desk: WebDesk
) -> None:
    guild = desk.discord.world.guilds[0]
    general, news = guild.channels
    alice = desk.discord.world.user_named("alice")
    async with NewsSite() as site, Fetcher(TEST_POLICY, clock=desk.clock) as fetcher:
        site.newsroom()
        wanted = NewFeed(guild.id, news.id, site.url("/harbour/rss.xml"), alice.id)
        await add_feed(desk.store, fetcher, wanted, clock=desk.clock, entities_available=True)
    for channel in (news, general):
        await add_schedule(
            desk.store,
            desk.clock.now(),
            guild_id=guild.id,
            channel_id=channel.id,
            target="text",
            every="daily",
            time="07:30",
            timezone="UTC",
            created_by=alice.id,
        )
    # #general is deleted: the bot records the server's channels again without it.
    known = places_of(guild)
    await record_places(desk.store, guild.id, KnownPlaces((known.channel(news.id),), known.roles))
    async with tab(browser, desk) as t:
        await t.sign_in("alice")
        await t.open(f"/servers/{guild.id}")
        feed_row = t.page.locator("section[aria-labelledby=feeds] tbody tr")
        await expect(feed_row.locator("td").nth(2)).to_have_text("#news")
        digest_cells = t.page.locator("section[aria-labelledby=digests] tbody tr td:nth-child(3)")
        await expect(digest_cells).to_have_text(
            ["#news", f"unknown channel {general.id} (deleted, or Newsdesk cannot post there)"]
        )
        assert t.errors == []


async def test_the_settings_page_names_the_digest_role_and_says_when_it_is_gone(
    browser: Browser, desk: WebDesk
) -> None:
    guild = desk.discord.world.guilds[0]
    editors, night = guild.roles[1], guild.roles[2]
    await set_digest_role(desk.store, guild.id, night.id)
    async with tab(browser, desk) as t:
        await t.sign_in("alice")
        await t.open(f"/servers/{guild.id}/settings")
        role = t.page.get_by_label("Digest role")
        await expect(role.locator("option:checked")).to_have_text("@Night desk")
        await expect(t.page.locator("#role-help")).to_contain_text("Now: @Night desk.")
        assert str(night.id) not in await t.page.locator("main").inner_text()
        # Night desk is deleted: the bot records the server's roles again without it.
        known = places_of(guild)
        gone = KnownPlaces(known.channels, tuple(r for r in known.roles if r.id != night.id))
        await record_places(desk.store, guild.id, gone)
        await t.page.reload()
        await expect(t.page.locator("main p.notice")).to_have_text(
            f"The digest role is a role that no longer exists ({night.id}): nobody has it, so "
            "only members with Manage Server manage digests. Choose another role, or none."
        )
        await expect(role.locator("option:checked")).to_have_text("None: Manage Server only")
        # Choosing a role by name from the list saves it.
        await role.select_option(label="@Editors")
        await t.page.get_by_role("button", name="Save the digest role").click()
        await expect(t.page.locator("#role-help")).to_contain_text("Now: @Editors.")
        assert t.errors == []
    assert await desk.store.guild_setting(guild.id, "digest_role") == str(editors.id)
