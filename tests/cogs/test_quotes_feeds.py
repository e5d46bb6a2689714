"""Who said what from loopback-fed stories, through the emulator: the real feed poller, page
extraction and NLP step, /quotes listing a minister's quotation once though two outlets
carried it ("also in 1"), and /follow quotes messaging a new quotation once, also across a
restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.state import Message, User
from tests.bot.feeds.newsroom import RSS, NewsSite, Reply
from tests.cogs.test_feeds import add, newsdesk_on, settled

HARBOUR, WIRE = "/harbour/rss.xml", "/wire/rss.xml"
OUTLETS = {HARBOUR: "Harbour Times", WIRE: "Coastal Wire"}
BERTHS = "Every berth will be open again by Friday,"
FERRIES = "The island ferries will run from Saturday morning,"


def page(title: str, site_name: str, *paragraphs: str) -> bytes:
    """An article page as the outlets publish them."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:site_name" content="{site_name}"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def feed(outlet: str, items: str = "") -> Reply:
    """An outlet's RSS feed listing `items` (RSS <item> elements)."""
    xml = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{outlet}</title>'
        f"<link>/</link><!-- NEW ITEMS -->{items}</channel></rss>"
    )
    return Reply(xml.encode(), content_type=RSS)


def publish(site: NewsSite, feed_path: str, slug: str, title: str, when: str, *text: str) -> None:
    """An outlet puts a story on its site and at the top of its feed."""
    outlet = OUTLETS[feed_path]
    path = f"{feed_path.rsplit('/', 1)[0]}/news/{slug}"
    site.serve(path, Reply(page(title, outlet, *text)))
    site.add_rss_item(feed_path, title, path, f"{outlet}-{slug}", when)


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """Two outlets on 127.0.0.1 whose feeds list nothing yet."""
    async with NewsSite() as news:
        for path, outlet in OUTLETS.items():
            news.serve(path, feed(outlet))
        yield news


def direct_messages(discord: DiscordEmulator, user: User) -> list[Message]:
    return discord.channel_messages(discord.world.dm_channel(user))


async def test_quotes_from_fed_stories_listed_once_and_followed(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "newsdesk.db"
    async with DiscordEmulator(clock=clock) as discord:
        async with newsdesk_on(discord, db, clock) as desk:
            await add(desk, site.url(HARBOUR))
            await add(desk, site.url(WIRE))
            await settled(desk)
            publish(
                site,
                HARBOUR,
                "berths",
                "Minister promises open berths by Friday",
                "Mon, 02 Mar 2026 09:05:00 GMT",
                "Harbour minister Dana Whitlock visited Greyhaven on Monday to see the storm "
                "damage for herself, and met the crews repairing the cranes at Saltmouth.",
                f"“{BERTHS}” Whitlock told reporters on the quay. The harbour master said the "
                "first cargo ships could berth on Thursday if the inspections went well.",
            )
            clock.advance(minutes=20)
            await settled(desk)

            first = await discord.slash("quotes", name="Dana Whitlock")
            text = first.message.embeds[0]["description"]
            assert text.startswith(f"> “{BERTHS}”\n— **[Minister promises open berths")
            followed = await discord.slash("follow quotes", name="Whitlock")
            assert followed.message.embeds[0]["description"].startswith(
                "Following quotes of **Dana Whitlock** (#1). When a new article quotes them"
            )

            # The wire carries the same words in its own story; the harbour paper has a new
            # quotation from her.
            publish(
                site,
                WIRE,
                "whitlock-visit",
                "Whitlock tours storm-hit ports",
                "Mon, 02 Mar 2026 09:30:00 GMT",
                "The harbour minister, Dana Whitlock, toured the storm-hit ports of the northern "
                "coast on Monday as repair crews worked through the night.",
                f'"{BERTHS}" she said, standing beside a damaged crane at Saltmouth harbour.',
            )
            publish(
                site,
                HARBOUR,
                "ferries",
                "Island ferries to resume at the weekend",
                "Mon, 02 Mar 2026 09:40:00 GMT",
                "Dana Whitlock announced on Monday afternoon that ferry services to the islands "
                "would restart once the harbour walls had been checked by engineers.",
                f"“{FERRIES}” Whitlock said in a statement released by her office.",
            )
            clock.advance(minutes=20)
            await settled(desk)
            await discord.wait_for(
                lambda: direct_messages(discord, discord.alice), what="the new quotation's DM"
            )
            listed = await discord.slash("quotes", name="Dana Whitlock")
            text = listed.message.embeds[0]["description"]
            assert text.count(BERTHS) == 1 and text.count(FERRIES) == 1
            [berths] = [block for block in text.split("\n\n") if BERTHS in block]
            assert "also in 1: Harbour Times" in berths
            assert listed.message.embeds[0]["footer"]["text"].startswith(
                "Page 1 of 1 · 2 quotations"
            )

            clock.advance(minutes=20)
            await settled(desk)

        async with newsdesk_on(discord, db, clock) as desk:  # a restart on the same database
            clock.advance(minutes=20)
            await settled(desk)

        [dm] = direct_messages(discord, discord.alice)
        embed = dm.embeds[0]
        assert embed["title"] == "1 new article on what you follow"
        assert embed["description"].startswith("**[Island ferries to resume at the weekend](")
        assert f"> “{FERRIES}”" in embed["description"]
        assert BERTHS not in embed["description"]
        assert embed["description"].endswith("· for quotes of Dana Whitlock")
