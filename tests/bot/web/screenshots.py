"""Screenshots of the web newsroom's main pages for the docs (`make screenshots`):

    python -m tests.bot.web.screenshots docs/screenshots

The same newsroom as the tests (the seed article, analysed, the Qatar talks, the harbour story),
served on 127.0.0.1 and signed in through the emulator; search, article, entity and story pages
in light and dark, at desktop and phone width (what the browser window shows, not whole pages);
Newsroom's feeds admin pages, with a feed from a loopback news site read once; its digests (one
scheduled on weekdays, with its next five due times) and its settings.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import async_playwright

from bot.clock import FakeClock
from bot.digest.manage import add_schedule
from bot.feeds.adding import NewFeed, add_feed
from bot.feeds.fetcher import Fetcher
from bot.feeds.poller import FeedPoller
from tests.bot.feeds.conftest import TEST_POLICY
from tests.bot.feeds.newsroom import NewsSite
from tests.bot.web.browsing import DESKTOP, PHONE, tab
from tests.bot.web.newsroom import WebDesk, build_newsroom, harbour_story, running_web
from tests.newsdesk import build_seeded_database

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_e1310f153e144d16.txt"
CLOCK = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def feed_pages(desk: WebDesk, site: NewsSite) -> dict[str, str]:
    """Newsroom follows the loopback Harbour Times in #news, read once; its admin pages."""
    site.newsroom()
    guild = next(g for g in desk.discord.world.guilds if g.name == "Newsroom")
    news = desk.discord.world.channel_named("news", guild)
    alice = desk.discord.world.user_named("alice")
    wanted = NewFeed(guild.id, news.id, site.url("/harbour/rss.xml"), alice.id)
    async with Fetcher(TEST_POLICY, clock=desk.clock) as fetcher:
        added = await add_feed(
            desk.store, fetcher, wanted, clock=desk.clock, entities_available=True
        )
        await FeedPoller(desk.store, fetcher, clock=desk.clock).run_due()
    one = f"/servers/{guild.id}/feeds/{added.subscription.id}"
    return {"feeds": f"/servers/{guild.id}/feeds", "feed-template": f"{one}/template"}


async def server_pages(desk: WebDesk) -> dict[str, str]:
    """Newsroom's digests, one scheduled for weekday mornings in London, and its settings."""
    guild = next(g for g in desk.discord.world.guilds if g.name == "Newsroom")
    await add_schedule(
        desk.store,
        desk.clock.now(),
        guild_id=guild.id,
        channel_id=desk.discord.world.channel_named("news", guild).id,
        target="text",
        every="weekdays",
        time="07:30",
        timezone="Europe/London",
        created_by=desk.discord.world.user_named("alice").id,
    )
    return {
        "digests": f"/servers/{guild.id}/digests",
        "settings": f"/servers/{guild.id}/settings",
    }


async def shoot(out: Path) -> list[Path]:
    """Take every screenshot into `out` (which exists); return their paths."""
    taken: list[Path] = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "newsdesk.db"
        await build_seeded_database(db, [SEED], FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC)))
        later = FakeClock(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
        await build_newsroom(db, later, hostile=False)
        async with (
            running_web(db, FakeClock(CLOCK)) as desk,
            NewsSite() as site,
            async_playwright() as playwright,
        ):
            chromium = shutil.which("chromium")
            browser = await playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox"]
            )
            story = await harbour_story(desk.store)
            hamas = next(e for e in await desk.store.entities_named("Hamas"))
            pages = {
                "search": "/search?q=Qatar",
                "article": "/articles/1",
                "entity": f"/entities/{hamas.id}",
                "story": f"/stories/{story}",
                **await feed_pages(desk, site),
                **await server_pages(desk),
            }
            for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                for scheme in ("light", "dark"):
                    async with tab(browser, desk, viewport=viewport, color_scheme=scheme) as t:
                        await t.sign_in("alice")
                        for name, path in pages.items():
                            await t.open(path)
                            await t.page.wait_for_load_state("networkidle")
                            target = out / f"{name}-{scheme}-{width}.png"
                            await t.page.screenshot(path=str(target))
                            taken.append(target)
                        assert t.errors == [], t.errors
            await browser.close()
    return taken


def main() -> None:
    """Write the screenshots to the folder given (default docs/screenshots)."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(shoot(out)):
        print(path)


if __name__ == "__main__":
    main()
