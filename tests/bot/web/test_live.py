"""A change made on the web is acted on by the running bot without a restart: a digest
scheduled through a web process of its own (its own connection to the bot's database, as
`python -m bot web` has) makes the running bot's scheduler replan, and the bot posts it in
the emulated Discord at its due time; and a channel id of another server is never posted in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.changes import POLL
from bot.clock import FakeClock
from bot.config import Secret
from bot.digest.manage import add_schedule
from bot.sandbox import DiscordEmulator
from bot.sandbox.harness import default_world
from bot.store import open_store
from bot.web import Discord, WebContext, WebServer
from tests.bot.web.newsroom import WebDesk, csrf_token
from tests.cogs.digests import at, posts, scheduler, slot_of


async def test_a_digest_scheduled_on_the_web_is_posted_by_the_running_bot_on_time(
    newsdesk_factory: Callable[..., Any],
) -> None:
    async with newsdesk_factory() as desk:
        clock, discord = desk.clock, desk.discord
        assert clock.now() == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        await scheduler(desk).wait_idle()
        assert scheduler(desk).next_wake is None  # nothing scheduled: asleep for a while
        oauth = discord.emulator.oauth
        async with await open_store(desk.store.path) as web_store:
            context = WebContext(
                store=web_store,
                discord=Discord(
                    oauth.client_id, Secret(oauth.client_secret), discord.emulator.base_url
                ),
                clock=clock,
            )
            async with WebServer(context) as server:
                oauth.redirect_uris.append(context.options.redirect_uri)
                web = WebDesk(discord, server, web_store, clock)
                guild = discord.world.guilds[0]
                news = discord.channel("news")
                page = f"/servers/{guild.id}/digests"
                async with web.browser() as http:
                    await web.sign_in(http, "alice")  # the Newsroom's owner
                    async with http.get(web.url(page)) as form:
                        token = csrf_token(await form.text())
                    data = {
                        "csrf_token": token,
                        "channel": str(news.id),
                        "time": "09:05",
                        "timezone": "UTC",
                        "action": "schedule",
                    }
                    async with http.post(web.url(page), data=data) as scheduled:
                        assert "Mon 02 Mar 2026, 09:05 UTC" in await scheduled.text()
        # The bot notices the other connection's write when it next looks, and replans.
        clock.advance(seconds=POLL.total_seconds())
        due = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
        await scheduler(desk).wait_until(lambda: scheduler(desk).next_wake == due)
        assert posts(desk) == []
        clock.set(due)
        await discord.wait_for(lambda: posts(desk), what="the digest scheduled on the web")
        [digest] = posts(desk)
        assert slot_of(digest) == due
        assert digest.channel_id == news.id


async def test_a_digest_never_posts_into_another_servers_channel(
    newsdesk_factory: Callable[..., Any], clock: FakeClock
) -> None:
    world = default_world()
    other = world.add_guild("Other")
    async with (
        DiscordEmulator(world, clock=clock) as discord,
        newsdesk_factory(discord=discord) as desk,
    ):
        newsroom, foreign = world.guilds[0], other.channels[1]
        # What a forged web form (or an edited backup) could store: Newsroom's digest, with
        # a channel id of another server the bot is in.
        await add_schedule(
            desk.store,
            clock.now(),
            guild_id=newsroom.id,
            channel_id=foreign.id,
            target="text",
            time="09:05",
            timezone="UTC",
            created_by=world.user_named("alice").id,
        )
        scheduler(desk).wake()
        await at(desk, datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
        assert discord.channel_messages(foreign) == []
        [refused] = await desk.store.digest_schedules(newsroom.id)
        assert refused.paused
