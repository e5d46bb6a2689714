"""/feeds through the Discord emulator and a loopback news site: subscribe, announce exactly
once (also across a restart and across two outlets), role pings, forums, health, permissions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.feeds.poller import FeedPoller
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.state import ALL_PERMISSIONS, Message
from tests.bot.feeds.conftest import TEST_POLICY
from tests.bot.feeds.newsroom import ATOM, EMPTY_ATOM, EMPTY_RSS, REOPEN, RSS, NewsSite, Reply
from tests.newsdesk import Newsdesk, make_bot


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """Harbour Times and Coastal Wire on 127.0.0.1."""
    async with NewsSite() as news:
        yield news


@asynccontextmanager
async def newsdesk_on(
    discord: DiscordEmulator, db: Path | str, clock: FakeClock
) -> AsyncIterator[Newsdesk]:
    """A NewsBot on `db` whose feeds may reach the loopback site (refused by default)."""
    bot = make_bot(Settings(), db, clock)
    bot.feed_fetch_policy = TEST_POLICY  # type: ignore[attr-defined]
    async with discord.connected(bot):
        yield Newsdesk(discord, bot, clock)


@asynccontextmanager
async def fresh_newsdesk(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Newsdesk]:
    """A new emulated Discord and a NewsBot on a new database."""
    async with (
        DiscordEmulator(clock=clock) as discord,
        newsdesk_on(discord, tmp_path / "newsdesk.db", clock) as desk,
    ):
        yield desk


def poller(desk: Newsdesk) -> FeedPoller:
    """The feeds cog's poller (the cog module is loaded as an extension, not imported)."""
    cog: Any = desk.bot.get_cog("Feeds")
    return cog.running


async def settled(desk: Newsdesk) -> None:
    """Let the poller do everything due, and the emulator take in every post."""
    await poller(desk).wait_idle()
    await desk.discord.emulator.settle()


def posts(desk: Newsdesk, channel: str = "news") -> list[Message]:
    """The bot's messages in a channel, oldest first."""
    found = desk.discord.channel_messages(desk.discord.channel(channel))
    return [m for m in found if m.author is desk.discord.bot_user]


def card_titles(messages: list[Message]) -> list[str]:
    return [e["title"] for m in messages for e in m.embeds]


async def add(desk: Newsdesk, url: str, channel: str = "news", **options: Any) -> Any:
    # slash_as takes an option called `channel` (DiscordEmulator.slash uses that name itself).
    reply = await desk.slash_as(
        desk.discord.alice,
        "feeds add",
        permissions=ALL_PERMISSIONS,
        url=url,
        channel=desk.discord.channel(channel),
        **options,
    )
    assert reply.message.ephemeral
    return reply.message.embeds[0]


async def test_a_new_item_is_announced_once_and_not_again_after_a_restart(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "newsdesk.db"
    async with DiscordEmulator(clock=clock) as discord:
        async with newsdesk_on(discord, db, clock) as desk:
            added = await add(desk, site.url("/harbour/rss.xml"))
            assert added["title"] == "Following feed #1"
            assert "**Harbour Times – Coast & Port** lists 3 items now" in added["description"]
            await settled(desk)
            assert posts(desk) == []  # what the feed already listed is not news

            site.publish_reopening()
            clock.advance(minutes=20)
            await settled(desk)
            [post] = posts(desk)
            [card] = post.embeds
            assert card["title"] == REOPEN
            assert card["url"] == site.url("/harbour/news/ports-reopen")
            assert card["description"].startswith("Greyhaven and Kelby Point reopened")
            assert card["footer"]["text"] == "Harbour Times – Coast & Port"
            # The item claims tomorrow (2026-03-03 09:10): it is dated when it was fetched.
            assert card["timestamp"].startswith("2026-03-02T09:20:00")
            sent = discord.requests_to("POST", f"/channels/{post.channel_id}/messages")[-1]
            assert sent.json["allowed_mentions"]["parse"] == []
            assert not sent.json.get("content")

            clock.advance(minutes=20)
            await settled(desk)
            assert len(posts(desk)) == 1

        async with newsdesk_on(discord, db, clock) as desk:  # restart on the same database
            clock.advance(minutes=20)
            await settled(desk)
            assert len(posts(desk)) == 1
            listing = await discord.slash("feeds list")
            [field] = listing.message.embeds[0]["fields"]
            assert field["name"] == "Feed #1 · Harbour Times – Coast & Port"
            assert "ok: not modified (HTTP 304)" in field["value"]
            assert "Full text for 100% of new items" in field["value"]


async def test_one_story_from_two_outlets_is_announced_once_with_the_other_source(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    site.serve("/harbour/rss.xml", Reply(EMPTY_RSS, content_type=RSS))
    site.serve("/wire/atom.xml", Reply(EMPTY_ATOM, content_type=ATOM))
    async with fresh_newsdesk(tmp_path, clock) as desk:
        await add(desk, site.url("/harbour/rss.xml"))
        await add(desk, site.url("/wire/atom.xml"))
        await settled(desk)
        site.newsroom()  # both outlets publish, the storm story in their own words
        clock.advance(minutes=20)
        await settled(desk)
        titles = card_titles(posts(desk))
        storms = [t for t in titles if "ports" in t]
        assert len(storms) == 1
        assert len(titles) == 4  # storm, café levy, budget (listed by both), ferry video
        [storm] = [e for m in posts(desk) for e in m.embeds if "ports" in e["title"]]
        footer = storm["footer"]["text"]
        assert footer in (
            "Harbour Times – Coast & Port · also in 1 source: Coastal Wire",
            "Coastal Wire · also in 1 source: Harbour Times – Coast & Port",
        )
        assert len(posts(desk)) == 2  # one batch per feed, not one message per article


async def test_role_ping_is_the_only_mention_and_forums_get_a_post_per_article(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    site.serve("/wire/atom.xml", Reply(EMPTY_ATOM, content_type=ATOM))
    async with DiscordEmulator(clock=clock) as discord:
        editors = next(r for r in discord.guild.roles if r.name == "Editors")
        async with newsdesk_on(discord, tmp_path / "newsdesk.db", clock) as desk:
            added = await add(desk, site.url("/wire/atom.xml"), channel="briefings", role=editors)
            assert f"Each announcement pings <@&{editors.id}>." in added["description"]
            await settled(desk)
            site.newsroom()
            clock.advance(minutes=20)
            await settled(desk)
            threads = discord.requests_to(
                "POST", f"/channels/{discord.channel('briefings').id}/threads"
            )
            assert len(threads) == 3
            for request in threads:
                message = request.json["message"]
                assert message["content"] == f"<@&{editors.id}>"
                assert message["allowed_mentions"] == {"parse": [], "roles": [editors.id]}
                assert len(message["embeds"]) == 1
            names = sorted(r.json["name"] for r in threads)
            assert names[0] == "Council passes harbour budget after late-night session"


async def test_only_server_managers_follow_feeds_and_bad_addresses_say_why(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        discord = desk.discord
        refused = await desk.slash_as(
            discord.bob, "feeds add", permissions=0, url=site.url("/harbour/rss.xml")
        )
        assert "Manage Server" in refused.message.embeds[0]["description"]
        missing = await add(desk, site.url("/nowhere.xml"))
        assert missing["description"] == "Couldn't read that feed: HTTP 404 Not Found."
        page = await add(desk, site.url("/harbour/news/cafe-levy"))
        assert "not a feed" in page["description"]
        bad_filter = await add(desk, site.url("/harbour/rss.xml"), filter="-storm")
        assert "at least one word" in bad_filter["description"]
        assert await desk.store.guild_subscriptions(discord.guild.id) == []

        preview = await discord.slash("feeds test", url=site.url("/wire/atom.xml"))
        embed = preview.message.embeds[0]
        assert embed["title"] == "Coastal Wire"
        assert embed["footer"]["text"] == "3 items · preview only: /feeds add to follow it"
        assert await desk.store.guild_subscriptions(discord.guild.id) == []

        await add(desk, site.url("/harbour/rss.xml"))
        choices = await discord.autocomplete("feeds remove", "id", "harb")
        assert choices == [{"name": "#1 Harbour Times – Coast & Port", "value": 1}]
        removed = await discord.slash("feeds remove", id=1)
        assert (
            "Stopped posting **Harbour Times – Coast & Port**"
            in (removed.message.embeds[0]["description"])
        )
        gone = await discord.slash("feeds remove", id=1)
        assert "There is no feed #1 in this server" in gone.message.embeds[0]["description"]


async def test_a_feed_failing_for_a_day_is_reported_once_in_its_channel(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        discord = desk.discord
        await add(desk, site.url("/harbour/rss.xml"))
        await settled(desk)
        site.serve("/harbour/rss.xml", Reply(status=503))
        for _ in range(12):  # two days of backed-off polls
            clock.advance(hours=4)
            await settled(desk)
        [notice] = posts(desk)
        assert notice.embeds[0]["title"] == "Feed problem"
        assert "has been failing for 24 hours (http 503" in notice.embeds[0]["description"]
        listing = await discord.slash("feeds list")
        assert "🔴 failing: http 503" in listing.message.embeds[0]["fields"][0]["value"]


async def test_announcements_go_into_a_thread(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with DiscordEmulator(clock=clock) as discord:
        thread = discord.world.add_thread(discord.channel("news"), "storm-desk", discord.alice)
        async with newsdesk_on(discord, tmp_path / "newsdesk.db", clock) as desk:
            await add(desk, site.url("/harbour/rss.xml"), channel="storm-desk")
            await settled(desk)
            site.publish_reopening()
            clock.advance(minutes=20)
            await settled(desk)
            assert card_titles(discord.channel_messages(thread)) == [REOPEN]
            assert posts(desk, "news") == []


async def test_a_feed_article_reaches_the_people_following_it(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        discord = desk.discord
        await add(desk, site.url("/harbour/rss.xml"))
        await settled(desk)
        await discord.slash("follow query", text="Greyhaven reopened")
        site.publish_reopening()
        clock.advance(minutes=20)
        await settled(desk)
        dm_channel = discord.world.dm_channel(discord.alice)
        await discord.wait_for(
            lambda: discord.channel_messages(dm_channel), what="a DM about the followed search"
        )
        [dm] = discord.channel_messages(dm_channel)
        assert dm.embeds[0]["title"] == "1 new article on what you follow"
        assert REOPEN in dm.embeds[0]["description"]
        assert discord.channel_messages(discord.world.dm_channel(discord.bob)) == []
