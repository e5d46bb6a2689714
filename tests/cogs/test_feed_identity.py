"""A feed under its own name and avatar, through the emulator: `/feeds edit name: avatar:`, the
bot's one webhook per channel (made once, reused), the post with the feed's username and
avatar_url, and the fallback to the bot's own identity — told once per reason — when an admin
deletes the webhook or the bot lacks Manage Webhooks; setting the identity again makes a new
webhook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.state import ALL_PERMISSIONS, Message
from tests.bot.feeds.newsroom import RSS, NewsSite, Reply
from tests.cogs.test_feeds import add, fresh_newsdesk, newsdesk_on, settled
from tests.newsdesk import Newsdesk

LOGO = "https://harbour.example/logo.png"
NO_WEBHOOKS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16)  # view, send, embed, history
# The Harbour Times with no items yet; `publish` adds them where the marker is.
EMPTY = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>
<link>/harbour/</link><!-- NEW ITEMS --></channel></rss>"""


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """Harbour Times on 127.0.0.1, with no items until a test publishes them."""
    async with NewsSite() as news:
        news.serve("/harbour/rss.xml", Reply(EMPTY, content_type=RSS))
        yield news


PAGES = ("storm_harbour.html", "cafe_levy.html", "budget.html", "ports_reopen.html")


def publish(site: NewsSite, n: int) -> str:
    """The Harbour Times publishes story `n` (1-4, each page a different article)."""
    title = f"Harbour story {n}"
    site.serve(f"/harbour/news/{n}", Reply(site.fixture(PAGES[n - 1])))
    site.add_rss_item(
        "/harbour/rss.xml", title, f"/harbour/news/{n}", f"h-{n}", "Mon, 02 Mar 2026 08:00:00 GMT"
    )
    return title


def database_bytes(folder: Path) -> bytes:
    """Everything the database files hold (the main file, its write-ahead log and the search
    index's folder)."""
    found = [f for f in folder.rglob("*") if f.is_file() and "newsdesk.db" in str(f)]
    return b"".join(f.read_bytes() for f in found)


async def next_poll(desk: Newsdesk) -> None:
    desk.clock.advance(minutes=20)
    await settled(desk)


def in_news(desk: Newsdesk) -> list[Message]:
    return desk.discord.channel_messages(desk.discord.channel("news"))


async def identity(desk: Newsdesk, **options: Any) -> Any:
    reply = await desk.slash_as(
        desk.discord.alice, "feeds edit", permissions=ALL_PERMISSIONS, id=1, **options
    )
    assert reply.message.ephemeral
    return reply.message.embeds[0]


async def test_a_feed_posts_under_its_own_name_and_avatar_through_one_reused_webhook(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        await add(desk, site.url("/harbour/rss.xml"))
        await settled(desk)
        shown = await identity(desk, name="Harbour Times", avatar=LOGO)
        assert "as **Harbour Times** with its own avatar" in shown["description"]
        assert shown["thumbnail"]["url"] == LOGO

        first = publish(site, 1)
        await next_poll(desk)
        second = publish(site, 2)
        await next_poll(desk)

        discord = desk.discord
        [webhook] = discord.webhooks(discord.channel("news"))
        assert webhook.user.id == discord.bot_user.id and webhook.name == "Newsdesk"
        posts = in_news(desk)
        assert [m.embeds[0]["title"] for m in posts] == [first, second]
        assert {(m.kind, m.webhook_id, m.author.username, m.avatar_url) for m in posts} == {
            ("webhook", webhook.id, "Harbour Times", LOGO)
        }
        executed = discord.requests_to("POST", f"/webhooks/{webhook.id}/")
        assert [r.query.get("wait") for r in executed] == ["1", "1"]
        assert all(r.json["allowed_mentions"]["parse"] == [] for r in executed)
        news = discord.channel("news")
        assert len(discord.requests_to("POST", f"/channels/{news.id}/webhooks")) == 1
        # The token (anyone holding it can post here) is in memory only, never in the database.
        stored = await asyncio.to_thread(database_bytes, tmp_path)
        assert webhook.token.encode() not in stored
        recorded = await desk.store.webhook_posts(list(range(1, 10)))
        assert [(p.webhook_id, p.message_id) for p in recorded] == [
            (webhook.id, m.id) for m in posts
        ]


async def test_a_deleted_webhook_falls_back_to_the_bot_says_so_once_and_can_be_renewed(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        discord = desk.discord
        await add(desk, site.url("/harbour/rss.xml"))
        await settled(desk)
        await identity(desk, name="Harbour Times")
        publish(site, 1)
        await next_poll(desk)
        [webhook] = discord.webhooks(discord.channel("news"))
        await discord.delete_webhook(webhook)  # an admin deletes it in the channel settings

        second = publish(site, 2)
        await next_poll(desk)
        third = publish(site, 3)
        await next_poll(desk)
        posts = in_news(desk)
        as_bot = [m for m in posts if m.author is discord.bot_user]
        notices = [m for m in as_bot if not m.embeds[0].get("title")]
        cards = [m.embeds[0]["title"] for m in as_bot if m.embeds[0].get("title")]
        assert cards == [second, third]  # nothing lost: the bot posted them itself
        [notice] = notices
        assert "posted as Newsdesk, not as **Harbour Times**" in notice.embeds[0]["description"]
        assert "webhook I posted them through was deleted" in notice.embeds[0]["description"]
        assert discord.webhooks(discord.channel("news")) == []  # not made again on its own

        await identity(desk, name="Harbour Times")  # the admin sets the identity again
        fourth = publish(site, 4)
        await next_poll(desk)
        [renewed] = discord.webhooks(discord.channel("news"))
        assert renewed.id != webhook.id
        last = in_news(desk)[-1]
        assert (last.webhook_id, last.author.username) == (renewed.id, "Harbour Times")
        assert last.embeds[0]["title"] == fourth


async def test_without_manage_webhooks_the_bot_posts_itself_and_says_why_once(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        discord = desk.discord
        await add(desk, site.url("/harbour/rss.xml"))
        await settled(desk)
        await identity(desk, name="Harbour Times", avatar=LOGO)
        everyone = discord.guild.roles[0]
        everyone.permissions = NO_WEBHOOKS  # an admin takes Administrator away from the bot
        await discord.emulator.gateway.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": str(discord.guild.id), "role": everyone.payload()}
        )
        publish(site, 1)
        await next_poll(desk)
        publish(site, 2)
        await next_poll(desk)

        posts = in_news(desk)
        assert all(m.author is discord.bot_user for m in posts)
        notices = [m for m in posts if "Manage Webhooks" in m.embeds[0].get("description", "")]
        assert len(notices) == 1 and len(posts) == 3
        assert discord.webhooks(discord.channel("news")) == []
        news = discord.channel("news")
        assert discord.requests_to("GET", f"/channels/{news.id}/webhooks") == []


async def test_a_thread_and_a_forum_get_the_feeds_identity_through_their_channels_webhook(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with DiscordEmulator(clock=clock) as discord:
        news, forum = discord.channel("news"), discord.channel("briefings")
        thread = discord.world.add_thread(news, "storm-desk", discord.alice)
        async with newsdesk_on(discord, tmp_path / "newsdesk.db", clock) as desk:
            await add(desk, site.url("/harbour/rss.xml"), channel="storm-desk")
            await add(desk, site.url("/harbour/rss.xml"), channel="briefings")
            await settled(desk)
            for feed in (1, 2):
                await desk.slash_as(
                    discord.alice,
                    "feeds edit",
                    permissions=ALL_PERMISSIONS,
                    id=feed,
                    name="Harbour Times",
                )
            title = publish(site, 1)
            await next_poll(desk)

            [hook] = discord.webhooks(news)  # a thread posts through its parent's webhook
            [in_thread] = discord.channel_messages(thread)
            assert (in_thread.webhook_id, in_thread.author.username) == (hook.id, "Harbour Times")
            assert discord.requests_to("POST", f"/webhooks/{hook.id}/")[-1].query["thread_id"] == (
                str(thread.id)
            )
            [forum_hook] = discord.webhooks(forum)
            [post] = [t for t in discord.guild.threads if t.parent_id == forum.id]
            assert post.name == title and post.owner_id == forum_hook.id
            [starter] = discord.channel_messages(post)
            assert (starter.id, starter.author.username) == (post.id, "Harbour Times")
            assert discord.channel_messages(news) == []


async def test_identities_are_checked_and_an_unknown_feed_is_refused(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        await add(desk, site.url("/harbour/rss.xml"))
        for options, expected in (
            ({"name": "Discord News"}, '"discord" or "clyde"'),
            ({"avatar": "javascript:alert(1)"}, "https:// address of an image"),
        ):
            reply = await desk.slash_as(
                desk.discord.alice, "feeds edit", permissions=ALL_PERMISSIONS, id=1, **options
            )
            assert expected in reply.message.embeds[0]["description"], options
        missing = await desk.slash_as(
            desk.discord.alice, "feeds edit", permissions=ALL_PERMISSIONS, id=99, name="X"
        )
        assert "no feed #99" in missing.message.embeds[0]["description"]
        assert not (await desk.store.feed_options(1)).own_identity

        both = await desk.slash_as(
            desk.discord.alice,
            "feeds edit",
            permissions=ALL_PERMISSIONS,
            id=1,
            filter="storm",
            name="Harbour Times",
        )
        edited, named = both.message.embeds
        assert "filter" in edited["description"] and "storm" in edited["description"]
        assert "as **Harbour Times**" in named["description"]
        cleared = await desk.slash_as(
            desk.discord.alice, "feeds edit", permissions=ALL_PERMISSIONS, id=1, clear="identity"
        )
        assert "posts in" in cleared.message.embeds[0]["description"]
        assert "as Newsdesk" in cleared.message.embeds[0]["description"]
        assert not (await desk.store.feed_options(1)).own_identity
