"""/digest and /catchup through the emulator: schedules post on local time across DST, exactly
once across crashes, restarts, downtime and Discord errors, and never across guilds."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import FakeClock
from bot.models import ArticleDraft
from bot.render import limits
from bot.sandbox import DiscordEmulator, default_world
from bot.sandbox.emulator.state import Interaction, Message
from tests.newsdesk import Newsdesk

SEED_TITLE = "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"
MANAGE_GUILD = 1 << 5
# The fixture clock starts Monday 2 March 2026, 09:00 UTC (04:00 EST); the seed was stored at
# 08:00 UTC, so the first 08:00 New York digest (13:00 UTC) holds it.
FIRST_SLOT = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def scheduler(desk: Newsdesk) -> Any:
    """The digest cog's scheduler (the cog module is loaded as an extension, not imported)."""
    cog: Any = desk.bot.get_cog("Digests")
    return cog.scheduler


async def at(desk: Newsdesk, when: datetime) -> None:
    """Move time (for the bot and Discord alike) and let every due digest be posted."""
    desk.clock.set(when)
    await scheduler(desk).wait_idle()
    await desk.discord.emulator.settle()


def posts(desk: Newsdesk, channel: str = "news") -> list[Message]:
    """The bot's messages in a channel, oldest first."""
    return [
        m
        for m in desk.discord.channel_messages(desk.discord.channel(channel))
        if m.author is desk.discord.bot_user
    ]


def slot_of(message: Message) -> datetime:
    """The slot a digest message was posted for (its embed timestamp)."""
    return datetime.fromisoformat(message.embeds[0]["timestamp"])


async def schedule(desk: Newsdesk, channel: str = "news", **options: Any) -> Interaction:
    options.setdefault("time", "08:00")
    options.setdefault("timezone", "America/New_York")
    reply = await desk.discord.slash(
        "digest schedule", named={"channel": desk.discord.channel(channel)}, **options
    )
    assert reply.message.ephemeral
    return reply


def drafts(*titles: str, **extra: str) -> list[ArticleDraft]:
    return [
        ArticleDraft(
            title=title,
            body=f"{title}. Officials confirmed the details on Monday, and more will follow.",
            origin=f"test:{title}",
            **extra,
        )
        for title in titles
    ]


async def test_daily_0800_new_york_posts_at_local_0800_across_the_spring_change(
    newsdesk: Newsdesk,
) -> None:
    reply = await schedule(newsdesk, nothing_new="note")
    assert "Digest **#1** will post in" in reply.message.embeds[0]["description"]
    assert "daily at 08:00 (America/New\\_York)" in reply.message.embeds[0]["description"]
    await at(newsdesk, FIRST_SLOT - timedelta(minutes=1))
    assert posts(newsdesk) == []
    await at(newsdesk, FIRST_SLOT)
    [first] = posts(newsdesk)
    assert first.embeds[0]["title"] == "Daily digest · Mon 2 Mar 2026"
    assert f"**1.** {SEED_TITLE}" in first.embeds[0]["description"]
    for day in range(3, 8):  # Tue-Sat, 08:00 EST = 13:00 UTC
        await at(newsdesk, utc(2026, 3, day, 13, 0))
    await at(newsdesk, utc(2026, 3, 8, 11, 59))  # Sunday 07:59 EDT: clocks went forward
    assert len(posts(newsdesk)) == 6
    await at(newsdesk, utc(2026, 3, 8, 12, 0))  # Sunday 08:00 EDT
    await at(newsdesk, utc(2026, 3, 9, 12, 0))
    slots = [slot_of(m) for m in posts(newsdesk)]
    assert slots[-3:] == [utc(2026, 3, 7, 13, 0), utc(2026, 3, 8, 12, 0), utc(2026, 3, 9, 12, 0)]
    assert len(slots) == len(set(slots)) == 8
    # Quiet days post the short note (nothing_new:note).
    assert posts(newsdesk)[-1].embeds[0]["description"].startswith("Nothing new since <t:")


async def test_daily_0800_new_york_across_the_autumn_change(newsdesk: Newsdesk) -> None:
    newsdesk.clock.set(utc(2026, 10, 30, 16, 0))
    await schedule(newsdesk, nothing_new="note")
    await at(newsdesk, utc(2026, 10, 31, 12, 0))  # Saturday 08:00 EDT
    await at(newsdesk, utc(2026, 11, 1, 12, 0))  # Sunday 07:00 EST: clocks went back
    assert len(posts(newsdesk)) == 1
    await at(newsdesk, utc(2026, 11, 1, 13, 0))  # Sunday 08:00 EST
    await at(newsdesk, utc(2026, 11, 2, 13, 0))
    assert [slot_of(m) for m in posts(newsdesk)] == [
        utc(2026, 10, 31, 12, 0),
        utc(2026, 11, 1, 13, 0),
        utc(2026, 11, 2, 13, 0),
    ]


async def test_weekdays_only(newsdesk: Newsdesk) -> None:
    newsdesk.clock.set(utc(2026, 3, 6, 9, 0))  # Friday
    await schedule(newsdesk, every="weekdays", nothing_new="note")
    for when in [
        utc(2026, 3, 6, 13),
        utc(2026, 3, 7, 13),
        utc(2026, 3, 8, 12),
        utc(2026, 3, 9, 12),
    ]:
        await at(newsdesk, when)
    titles = [m.embeds[0]["title"] for m in posts(newsdesk)]
    assert titles == ["Weekday digest · Fri 6 Mar 2026", "Weekday digest · Mon 9 Mar 2026"]


async def test_cron_schedule(newsdesk: Newsdesk) -> None:
    reply = await schedule(newsdesk, every="cron 0 7,19 * * *", nothing_new="note")
    assert "cron `0 7,19 * * *`" in reply.message.embeds[0]["description"]
    for when in [utc(2026, 3, 2, 12), utc(2026, 3, 3, 0), utc(2026, 3, 3, 12)]:
        await at(newsdesk, when)
    assert [slot_of(m) for m in posts(newsdesk)] == [
        utc(2026, 3, 2, 12, 0),  # 07:00 EST
        utc(2026, 3, 3, 0, 0),  # 19:00 EST
        utc(2026, 3, 3, 12, 0),
    ]
    bad = await schedule(newsdesk, every="cron */5 * * * *")
    assert "more often than every 30 minutes" in bad.message.embeds[0]["description"]


async def test_filter_keeps_only_matching_news(newsdesk: Newsdesk) -> None:
    newsdesk.clock.set(utc(2026, 3, 2, 10, 0))
    await newsdesk.ingest(drafts("Harbour reopens after repairs", "Budget vote passes"))
    await schedule(newsdesk, filter="harbour OR Hamas")
    await schedule(newsdesk, channel="general", filter="volcano")  # matches nothing: skipped
    await at(newsdesk, FIRST_SLOT)
    [digest] = posts(newsdesk)
    description = digest.embeds[0]["description"]
    assert "Harbour reopens" in description and SEED_TITLE in description
    assert "Budget vote" not in description
    assert digest.embeds[0]["title"].startswith("Daily digest: harbour OR Hamas")
    assert posts(newsdesk, "general") == []


async def test_preview_is_private_and_posts_nothing(newsdesk: Newsdesk) -> None:
    await schedule(newsdesk)
    reply = await newsdesk.discord.slash("digest preview", id=1)
    assert reply.message.ephemeral
    assert reply.message.embeds[0]["title"] == "Preview: Daily digest"
    assert SEED_TITLE in reply.message.embeds[0]["description"]
    assert reply.message.embeds[0]["footer"]["text"].startswith("Digest #1 · nothing was posted")
    assert posts(newsdesk) == []
    assert await newsdesk.store.digest_runs(newsdesk.discord.guild.id, 1) == []


async def test_now_posts_at_once_and_the_next_digest_starts_after_it(newsdesk: Newsdesk) -> None:
    await schedule(newsdesk)
    reply = await newsdesk.discord.slash("digest now", id=1)
    assert "is posted in" in reply.message.embeds[0]["description"]
    assert len(posts(newsdesk)) == 1
    await at(newsdesk, FIRST_SLOT)  # nothing new since: skipped
    assert len(posts(newsdesk)) == 1


async def test_list_pause_resume_remove(newsdesk: Newsdesk) -> None:
    await schedule(newsdesk, filter="Qatar", every="weekly friday", time="17:30")
    listed = await newsdesk.discord.slash("digest list")
    text = listed.message.embeds[0]["description"]
    assert "**#1**" in text and "every Friday at 17:30" in text and "filter: `Qatar`" in text
    await newsdesk.discord.slash("digest pause", id=1)
    paused = await newsdesk.discord.slash("digest list")
    assert "⏸ paused: paused by alice" in paused.message.embeds[0]["description"]
    await at(newsdesk, utc(2026, 3, 6, 22, 30))  # Friday 17:30 EST, while paused
    assert posts(newsdesk) == []
    resumed = await newsdesk.discord.slash("digest resume", id=1)
    assert "is resumed" in resumed.message.embeds[0]["description"]
    await at(newsdesk, utc(2026, 3, 7, 12, 0))
    assert posts(newsdesk) == []  # the slot missed while paused is not owed
    removed = await newsdesk.discord.slash("digest remove", id=1)
    assert "is removed" in removed.message.embeds[0]["description"]
    again = await newsdesk.discord.slash("digest remove", id=1)
    assert again.message.embeds[0]["description"] == "There is no digest #1 in this server."


async def test_two_guilds_never_see_or_change_each_others_digests(
    newsdesk_factory: Callable[..., Any], clock: FakeClock
) -> None:
    world = default_world()
    carol = world.add_user("carol")
    world.add_guild("Sports Desk", text_channels=("lobby", "scores"), members=(carol,))
    async with (
        DiscordEmulator(world, clock=clock) as emulator,
        newsdesk_factory(discord=emulator) as desk,
    ):
        await schedule(desk)
        lobby = emulator.channel("lobby")
        listed = await emulator.slash("digest list", user=carol, channel=lobby)
        assert listed.message.embeds[0]["description"].startswith("No digests yet")
        for command in ("remove", "pause", "resume", "preview", "now"):
            forged = await emulator.slash(f"digest {command}", id=1, user=carol, channel=lobby)
            assert forged.message.embeds[0]["description"] == (
                "There is no digest #1 in this server."
            ), command
        mine = await desk.store.digest_schedule(emulator.guild.id, 1)
        assert mine is not None and not mine.paused
        await at(desk, FIRST_SLOT)
        assert len(posts(desk)) == 1


async def test_only_managers_or_the_digest_role_may_manage(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    refused = await newsdesk.slash_as(discord.bob, "digest list", permissions=0)
    assert refused.message.embeds[0]["description"] == (
        "Managing digests needs the Manage Server permission or the digest role."
    )
    editors = next(r for r in discord.guild.roles if r.name == "Editors")
    discord.guild.member(discord.bob.id).roles.append(editors.id)
    set_role = await discord.slash("digest role", role=editors)
    assert "can now manage digests" in set_role.message.embeds[0]["description"]
    allowed = await newsdesk.slash_as(discord.bob, "digest list", permissions=0)
    assert allowed.message.embeds[0]["title"] == "Digests in Newsroom"
    not_admin = await newsdesk.slash_as(discord.bob, "digest role", permissions=0)
    assert "Manage Server" in not_admin.message.embeds[0]["description"]


async def test_timezone_and_recurrence_autocomplete(newsdesk: Newsdesk) -> None:
    news = newsdesk.discord.channel("news")
    zones = await newsdesk.discord.autocomplete(
        "digest schedule", "timezone", "new york", channel=news
    )
    assert zones[0] == {"name": "America/New_York", "value": "America/New_York"}
    catchup_zones = await newsdesk.discord.autocomplete("catchup", "timezone", "jerus")
    assert [c["value"] for c in catchup_zones] == ["Asia/Jerusalem"]
    every = await newsdesk.discord.autocomplete("digest schedule", "every", "week")
    assert [c["value"] for c in every][:3] == ["week", "weekdays", "weekly monday"]
    bad = await schedule(newsdesk, timezone="Mars/Olympus")
    assert "is not a timezone I know" in bad.message.embeds[0]["description"]


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


async def test_catchup_is_private_and_reads_friendly_times(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("catchup", since="3d")
    assert reply.message.ephemeral
    assert reply.message.embeds[0]["title"] == "Catch-up since 3d"
    assert SEED_TITLE in reply.message.embeds[0]["description"]
    quiet = await newsdesk.discord.slash("catchup", since="30m")
    assert quiet.message.embeds[0]["description"].startswith("Nothing new since <t:")
    bad = await newsdesk.discord.slash("catchup", since="the day before")
    assert "couldn't read" in bad.message.embeds[0]["description"]
