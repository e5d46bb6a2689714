"""Digests through the emulator: posted exactly once across crashes, restarts, downtime and
Discord errors, into channels, threads and forums, and split within Discord's limits."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.clock import FakeClock
from bot.models import ArticleDraft
from bot.render import limits
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.state import Message
from tests.cogs.digests import FIRST_SLOT, SEED_TITLE, at, drafts, posts, schedule, slot_of, utc
from tests.newsdesk import Newsdesk


async def test_restart_after_a_failed_post_posts_exactly_once(
    newsdesk_factory: Callable[..., Any], clock: FakeClock
) -> None:
    async with DiscordEmulator(clock=clock) as emulator:
        async with newsdesk_factory(discord=emulator) as first:
            await schedule(first)
            # The post fails after the slot was claimed; the bot then goes down.
            emulator.faults.server_error("POST /channels/*/messages", status=503)
            await at(first, FIRST_SLOT)
            assert posts(first) == []
        async with newsdesk_factory(discord=emulator) as second:
            await at(second, FIRST_SLOT + timedelta(seconds=30))  # the retry time
            assert len(posts(second)) == 1
            await at(second, FIRST_SLOT + timedelta(hours=2))
            assert len(posts(second)) == 1
            [run] = await second.store.digest_runs(emulator.guild.id, 1)
            assert run.status == "posted" and run.attempts == 2


async def test_killed_after_posting_before_recording_does_not_post_twice(
    newsdesk_factory: Callable[..., Any], clock: FakeClock
) -> None:
    async with DiscordEmulator(clock=clock) as emulator:

        def kill_on_post(event: str, message: Message) -> None:
            # The message is stored; the bot dies before it hears back and records it.
            if event == "create" and message.embeds and "run 1" in str(message.embeds):
                for task in asyncio.all_tasks():
                    if task.get_name().startswith("digest-"):
                        task.cancel()

        emulator.watch(kill_on_post)
        async with newsdesk_factory(discord=emulator) as first:
            await schedule(first)
            first.clock.set(FIRST_SLOT)
            await emulator.wait_for(lambda: posts(first), what="the digest")
            await emulator.emulator.settle()
            [run] = await first.store.digest_runs(emulator.guild.id, 1)
            assert run.status == "claimed"  # posted, but the bot never recorded it
        emulator.emulator.listeners.clear()
        for n in range(60):  # a busy channel: the digest is past a resumed post's look-back
            await emulator.say(emulator.channel("news"), f"chatter {n}", expect=0)
        async with newsdesk_factory(discord=emulator) as second:
            await at(second, FIRST_SLOT + timedelta(minutes=1))
            # Not found in the last 50 messages, but Discord knows the part's nonce.
            assert len(posts(second)) == 1
            nonces = [r.json.get("nonce") for r in emulator.requests_to("POST", "/messages")]
            assert nonces.count("digest-1-1") == 2
            [run] = await second.store.digest_runs(emulator.guild.id, 1)
            assert run.status == "posted" and run.message_ids == (posts(second)[0].id,)


async def test_three_days_down_gives_one_late_catch_up_not_three(
    newsdesk_factory: Callable[..., Any], clock: FakeClock
) -> None:
    async with DiscordEmulator(clock=clock) as emulator:
        async with newsdesk_factory(discord=emulator) as first:
            await schedule(first)
            await at(first, FIRST_SLOT)
            await first.ingest(drafts("Harbour reopens after repairs"))
        clock.set(utc(2026, 3, 5, 15, 0))  # Thursday 10:00 EST: Tue, Wed, Thu were missed
        async with newsdesk_factory(discord=emulator) as second:
            await at(second, clock.now())
            _, late = posts(second)
            description = late.embeds[0]["description"]
            assert description.startswith("⏰ **Late digest**: this one was due <t:")
            assert "2 earlier digests in that time are folded into it" in description
            assert "Harbour reopens after repairs" in description
            assert slot_of(late) == utc(2026, 3, 5, 13, 0)


async def test_rate_limits_and_server_errors_are_retried_and_post_once(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    news = discord.channel("news")
    route = f"/channels/{news.id}/messages"
    await schedule(newsdesk, nothing_new="note")
    discord.faults.rate_limit("POST /channels/*/messages", retry_after=0.01)
    await at(newsdesk, FIRST_SLOT)
    assert [r.status for r in discord.requests_to("POST", route)] == [429, 200]
    discord.faults.server_error("POST /channels/*/messages", status=500)  # discord.py retries
    await at(newsdesk, utc(2026, 3, 3, 13, 0))
    discord.faults.server_error("POST /channels/*/messages", status=503)  # we retry, later
    await at(newsdesk, utc(2026, 3, 4, 13, 0))
    await at(newsdesk, utc(2026, 3, 4, 13, 0, 30))
    assert [r.status for r in discord.requests_to("POST", route)] == [429, 200, 500, 200, 503, 200]
    assert len(posts(newsdesk)) == 3


async def test_deleted_channel_pauses_the_schedule_and_tells_its_admin(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    await schedule(newsdesk)
    await schedule(newsdesk, channel="general")
    await discord.delete_channel(discord.channel("news"))
    await at(newsdesk, FIRST_SLOT)
    assert len(posts(newsdesk, "general")) == 1  # the other digest is unaffected
    dm = discord.channel_messages(discord.world.dm_channel(discord.alice))
    assert dm[-1].embeds[0]["description"] == (
        "Newsdesk in Newsroom: Digest #1 is paused: its channel was deleted. "
        "Fix it and use `/digest resume 1`."
    )
    listed = await discord.slash("digest list")
    assert "⏸ paused: its channel was deleted" in listed.message.embeds[0]["description"]


async def test_forum_digests_are_one_post_each(newsdesk: Newsdesk) -> None:
    await schedule(newsdesk, channel="briefings", nothing_new="note")
    await at(newsdesk, FIRST_SLOT)
    await at(newsdesk, utc(2026, 3, 3, 13, 0))
    threads = [t for t in newsdesk.discord.guild.threads if t.parent_id]
    assert [t.name for t in threads] == [
        "Daily digest · Mon 2 Mar 2026",
        "Daily digest · Tue 3 Mar 2026",
    ]
    starter = newsdesk.discord.channel_messages(threads[0])[0]
    assert SEED_TITLE in starter.embeds[0]["description"]


async def test_digests_post_into_a_thread(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    thread = discord.world.add_thread(discord.channel("news"), "Morning briefs", discord.alice)
    # Someone opens the thread: the bot hears of it as it would from Discord.
    await discord.emulator.gateway.dispatch(
        "THREAD_CREATE", {**thread.payload(), "newly_created": True}
    )
    await discord.emulator.settle()
    reply = await newsdesk.discord.slash(
        "digest schedule", named={"channel": thread}, time="8am", timezone="america/new_york"
    )
    assert f"<#{thread.id}>" in reply.message.embeds[0]["description"]
    [stored] = await newsdesk.store.digest_schedules(discord.guild.id)
    assert stored.target == "thread" and stored.timezone == "America/New_York"
    await at(newsdesk, FIRST_SLOT)
    [posted] = discord.channel_messages(thread)
    assert SEED_TITLE in posted.embeds[0]["description"]
    assert posts(newsdesk) == []  # not in the parent channel


async def test_a_big_digest_is_split_within_every_discord_limit(newsdesk: Newsdesk) -> None:
    newsdesk.clock.set(utc(2026, 3, 2, 10, 0))
    topics = ["harbour", "budget", "wildfire", "election", "railway", "hospital", "drought"]

    def words(n: int, tag: str, count: int) -> str:
        # Each article its own words: distinct stories, not near-duplicates to collapse.
        return " ".join(f"{topics[n % 7]}{n}{tag}{k}" for k in range(count))

    many = [
        ArticleDraft(
            title=f"**{n}** @everyone <@123> {words(n, 't', 40)}",
            body=f"{words(n, 'b', 60)} [said](https://evil.example).",
            origin=f"test:big:{n}",
            source=f"Outlet {n}",
            url=f"https://news.example/{n}",
        )
        for n in range(20)
    ]
    await newsdesk.ingest(many)
    await schedule(newsdesk, max_items=20)
    await at(newsdesk, FIRST_SLOT)
    parts = posts(newsdesk)
    assert len(parts) > 1
    footers = [m.embeds[0]["footer"]["text"] for m in parts]
    assert footers[0].startswith(f"Digest #1 · run 1 · part 1/{len(parts)}")
    for message in parts:
        [embed] = message.embeds
        assert len(embed["description"]) <= limits.EMBED_DESCRIPTION
        size = len(embed["title"]) + len(embed["description"]) + len(embed["footer"]["text"])
        size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
        assert size <= limits.EMBED_TOTAL
        assert "@everyone" not in embed["description"] and "<@123>" not in embed["description"]
    numbers = [re.findall(r"^\*\*(\d+)\.\*\* ", m.embeds[0]["description"], re.M) for m in parts]
    assert [int(n) for found in numbers for n in found] == list(range(1, 21))
    sent = newsdesk.discord.requests_to("POST", "/messages")
    assert all(r.json["allowed_mentions"]["parse"] == [] for r in sent)
