"""`/feeds edit selector:` through the emulator: a feed's CSS selector is checked, set, and tried
on the feed's latest article page, whose selected text the answer shows; the next article takes
the text it selects, and the delivery log names it as the article's text source."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sandbox.emulator.state import ALL_PERMISSIONS
from tests.bot.feeds.newsroom import REOPEN, NewsSite
from tests.cogs.test_feeds import add, fresh_newsdesk, settled


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """Harbour Times and Coastal Wire on 127.0.0.1."""
    async with NewsSite() as news:
        yield news


async def test_a_selector_is_checked_set_and_tried_on_the_latest_page(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        await add(desk, site.url("/harbour/rss.xml"))
        await settled(desk)  # the first poll stores what the feed lists

        async def selector(css: str) -> dict[str, object]:
            options = {"clear": "selector"} if css == "none" else {"selector": css}
            reply = await desk.slash_as(
                desk.discord.alice, "feeds edit", permissions=ALL_PERMISSIONS, id=1, **options
            )
            assert reply.message.ephemeral
            return reply.message.embeds[0]

        bad = await selector("div[")
        assert "isn't a CSS selector I can use" in str(bad["description"])
        assert (await desk.store.feed_options(1)).selector == ""

        shown = await selector("article p:not(.byline)")
        description = str(shown["description"])
        assert "take the text “article p:not(.byline)” selects" in description
        # The feed's latest item is the storm story: its five paragraphs, not its byline.
        assert shown["url"] == site.url("/harbour/news/storm-closes-ports")
        assert "it selects 159 words:\n> A powerful winter storm forced the closure" in description
        assert "Shipping Correspondent" not in description
        assert (await desk.store.feed_options(1)).selector == "article p:not(.byline)"

        # The next article's text is what the selector picks, and the log says so.
        site.publish_reopening()
        desk.clock.advance(minutes=20)
        await settled(desk)
        log = await desk.slash_as(
            desk.discord.alice, "feeds log", permissions=ALL_PERMISSIONS, id=1
        )
        newest = log.message.embeds[0]["description"].split("\n\n")[0]
        assert REOPEN in newest and "text: page, CSS selector article p:not(.byline)" in newest
        [reopened] = [a for a in await desk.store.latest_articles(5) if a.title == REOPEN]
        assert reopened.metadata["selector"] == "article p:not(.byline)"
        assert reopened.body.startswith("Greyhaven and Kelby Point reopened")

        cleared = await selector("none")
        assert "trafilatura" in str(cleared["description"])
        assert (await desk.store.feed_options(1)).selector == ""
