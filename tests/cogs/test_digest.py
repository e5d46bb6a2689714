"""/digest and /catchup through the emulator: schedules post on local time across DST, are
managed only by their guild's managers, and /catchup answers privately."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator, default_world
from cogs.digest import CATCHUP_RATE
from tests.cogs.digests import FIRST_SLOT, SEED_TITLE, at, drafts, posts, schedule, slot_of, utc
from tests.newsdesk import Newsdesk


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


async def test_catchup_is_private_and_reads_friendly_times(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("catchup", since="3d")
    assert reply.message.ephemeral
    assert reply.message.embeds[0]["title"] == "Catch-up since 3d"
    assert SEED_TITLE in reply.message.embeds[0]["description"]
    quiet = await newsdesk.discord.slash("catchup", since="30m")
    assert quiet.message.embeds[0]["description"].startswith("Nothing new since <t:")
    bad = await newsdesk.discord.slash("catchup", since="the day before")
    assert "couldn't read" in bad.message.embeds[0]["description"]


async def test_catchups_past_the_cooldown_are_refused_in_one_line(newsdesk: Newsdesk) -> None:
    """Issue 16, class 1 (found by the soak): /catchup reads a window's 500 newest articles
    and had no cooldown; a member flooding it took a core from every other member."""
    discord = newsdesk.discord
    for _ in range(CATCHUP_RATE):
        assert (await discord.slash("catchup", since="3d")).message.embeds[0]["title"] == (
            "Catch-up since 3d"
        )
    limited = await discord.slash("catchup", since="3d")
    other = await discord.slash("catchup", since="3d", user=discord.bob)

    assert limited.message.ephemeral
    assert limited.message.embeds[0]["description"].startswith("Slow down a little: try again in")
    assert other.message.embeds[0]["title"] == "Catch-up since 3d"


async def test_heavy_work_runs_one_per_member_and_a_few_at_once(newsdesk: Newsdesk) -> None:
    """Issue 16, class 1 (found by the soak): a member's heavy command (a catch-up, a chart)
    while their last one runs, or while as many as the bot runs at once are running, is
    refused in one line instead of queueing CPU behind them."""
    discord = newsdesk.discord
    heavy = newsdesk.bot.heavy
    with heavy.slot(discord.alice.id):
        own = await discord.slash("catchup", since="3d")
        others = await discord.slash("catchup", since="3d", user=discord.bob)
        assert len(heavy) == 1  # bob's catch-up ended and gave its slot back
        with heavy.slot(1):
            full = await discord.slash("catchup", since="3d", user=discord.bob)

    assert own.message.ephemeral
    assert own.message.embeds[0]["description"] == (
        "Still working on your last request: try again once it has answered."
    )
    assert others.message.embeds[0]["title"] == "Catch-up since 3d"
    assert full.message.embeds[0]["description"] == (
        "Busy with other requests just now: try again in a moment."
    )
    assert len(heavy) == 0


async def test_a_digest_filter_too_broad_to_run_is_refused(newsdesk: Newsdesk) -> None:
    """Issue 16, class 1: a digest's filter runs on every digest."""
    flood = " OR ".join(f"{letter}*" for letter in "abcdefghijklmnopqrstuvwxyz" * 2)[:200]

    reply = await schedule(newsdesk, filter=flood)

    assert reply.message.embeds[0]["description"].startswith("Too broad: `")
    assert await newsdesk.store.digest_schedules(newsdesk.discord.guild.id) == []
