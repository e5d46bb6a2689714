"""The delivery log and the pace of posting, through the Discord emulator: every outcome an
item can have (posted with its message's link, filtered by which rule, muted, a duplicate
story with the first post's link, too old, held by flood control, paused, failed with
Discord's code), flood control holding the 11th post of a burst and packing the rest into one
card, overflow rolled into the channel's digest, and quiet hours releasing once."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from tests.bot.feeds.newsroom import ATOM, EMPTY_ATOM, EMPTY_RSS, RSS, NewsSite, Reply, Wire
from tests.cogs.feeddesk import cards, poll, said, slash
from tests.cogs.test_feeds import add, posts, settled
from tests.newsdesk import Newsdesk


async def log_of(desk: Newsdesk, number: int) -> str:
    """The first page of a feed's delivery log, as the admin reads it."""
    return said(await slash(desk, "feeds log", id=number))


async def test_the_log_says_what_became_of_each_item_and_why(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    await slash(desk, "mute add", phrase="timetable explained")  # the server's mute list
    site.serve("/harbour/rss.xml", Reply(EMPTY_RSS, content_type=RSS))
    site.serve("/wire/atom.xml", Reply(EMPTY_ATOM, content_type=ATOM))
    await add(desk, site.url("/harbour/rss.xml"), filter="ports OR budget")
    await add(desk, site.url("/wire/atom.xml"))
    await settled(desk)
    site.newsroom()  # both outlets publish; the storm and the budget are in both
    await poll(desk, clock)

    logs = await log_of(desk, 1) + "\n" + await log_of(desk, 2)
    assert "✅ **posted** · [Storm" in logs
    assert "🚫 **filtered** · [Café owners say €2 levy hurts “small traders”]" in logs
    assert "doesn't match the filter “ports OR budget”" in logs
    assert "🔇 **muted** · [Video: new ferry timetable explained]" in logs
    assert "hidden by the server's mute list: #1 phrase “timetable explained”" in logs
    assert "🔁 **duplicate story** · [" in logs
    assert (
        "the same story is already on its way to this channel\n[first post](https://discord.com/channels/"
        in logs
    )
    [message] = [m for m in posts(desk) if any("Storm" in e["title"] for e in m.embeds)]
    assert f"/{message.channel_id}/{message.id})" in logs  # the link is the real message

    wire = Wire(site, clock)
    await add(desk, wire.url, "general")
    await settled(desk)
    await slash(desk, "feeds edit", id=3, max_age=24)
    wire.publish("Archive piece", age=timedelta(days=3))
    wire.publish("Fresh piece")
    general = desk.discord.channel("general")
    desk.discord.faults.refuse(
        f"POST /channels/{general.id}/messages", message="Missing Permissions"
    )
    await poll(desk, clock)
    log = await log_of(desk, 3)
    assert "⌛ **too old** · [Archive piece]" in log
    assert "published 3 days ago; this feed takes items up to 24 hours old" in log
    assert "❌ **failed** · [Fresh piece]" in log
    assert "(Missing Permissions) (HTTP 403, code 50013); will retry (attempt 1 of 5)" in log

    await poll(desk, clock)  # the retry goes through
    assert cards(desk, "general") == ["Fresh piece"]
    assert "✅ **posted** · [Fresh piece]" in await log_of(desk, 3)
    await slash(desk, "feeds pause", id=3)
    wire.publish("Paused piece")
    await poll(desk, clock)
    log = await log_of(desk, 3)
    assert "⏸️ **paused** · [Paused piece]" in log and "the feed is paused" in log


async def test_flood_control_holds_the_11th_post_of_a_burst_and_packs_the_rest(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    wire = Wire(site, clock)
    await add(desk, wire.url)
    await settled(desk)
    wire.publish(*(f"Burst story {n}" for n in range(1, 15)))
    await poll(desk, clock)

    assert cards(desk) == [f"Burst story {n}" for n in range(1, 11)]
    log = await slash(desk, "feeds log", id=1)
    shown = said(log)
    assert shown.count("🚦 **held by flood control**") == 4
    assert "over this channel's 10 posts per window" in shown
    assert "Page 1 of 2" in shown
    older = await desk.discord.click(log.message, "Next")
    assert "Page 2 of 2" in said(older) and "[Burst story 1]" in said(older)

    await poll(desk, clock, minutes=10)  # the window has passed: the rest go out, packed
    [*_, pack] = posts(desk)
    [card] = pack.embeds
    assert card["title"] == "4 more stories"
    assert [line.split("](")[0] for line in card["description"].splitlines()] == [
        f"• [Burst story {n}" for n in range(11, 15)
    ]
    assert card["footer"]["text"].startswith("Held by flood control")
    await poll(desk, clock, minutes=30)
    assert len(cards(desk)) == 11  # ten cards and one packed card, nothing twice
    log_text = await log_of(desk, 1)
    assert log_text.count("in one packed card after flood control") == 4


async def test_flood_overflow_is_rolled_into_the_channels_digest(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    schedule = await slash(
        desk, "digest schedule", channel=desk.discord.channel("news"), time="18:00", timezone="UTC"
    )
    assert "Digest **#1**" in said(schedule)
    wire = Wire(site, clock)
    await add(desk, wire.url)
    await settled(desk)
    wire.publish(*(f"Busy story {n}" for n in range(1, 13)))
    await poll(desk, clock)
    await poll(desk, clock, minutes=30)
    assert cards(desk) == [f"Busy story {n}" for n in range(1, 11)]
    log = await log_of(desk, 1)
    assert log.count("📰 **left to the digest**") == 2
    assert "rolled into digest #1 (next at 2026-03-02 18:00 UTC)" in log


async def test_quiet_hours_hold_posts_and_release_them_once_in_one_packed_post(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    zone = await slash(desk, "settings timezone", value="asia/tokyo")
    assert "timezone is now Asia/Tokyo" in said(zone)
    # 09:00 UTC is 18:00 in Tokyo: inside 17:00-19:00, which ends at 10:00 UTC.
    pacing = await slash(
        desk, "feeds pacing", channel=desk.discord.channel("news"), quiet_from="17:00",
        quiet_until="7pm",
    )  # fmt: skip
    assert "quiet 17:00–19:00" in said(pacing) and "Asia/Tokyo" in said(pacing)
    wire = Wire(site, clock)
    await add(desk, wire.url)
    await settled(desk)
    wire.publish("Evening story one", "Evening story two", "Evening story three")
    await poll(desk, clock)  # 09:20 UTC
    assert posts(desk) == []
    assert (await log_of(desk, 1)).count("🌙 **held for quiet hours**") == 3

    await poll(desk, clock, minutes=35)  # 09:55 UTC: still quiet
    assert posts(desk) == []
    await poll(desk, clock, minutes=10)  # 10:05 UTC: released, once
    [pack] = posts(desk)
    [card] = pack.embeds
    assert card["title"] == "3 stories from quiet hours"
    assert card["description"].count("• ") == 3
    wire.publish("Night story")
    await poll(desk, clock, minutes=60)
    assert cards(desk) == ["3 stories from quiet hours", "Night story"]


async def test_a_channels_pacing_is_set_and_shown(desk: Newsdesk) -> None:
    news = desk.discord.channel("news")
    set_ = await slash(desk, "feeds pacing", channel=news, posts=3, minutes=30)
    assert f"<#{news.id}>: at most 3 posts per 30 minutes" in said(set_)
    bad = await slash(desk, "feeds pacing", channel=news, quiet_from="22:00")
    assert "Give both ends of the quiet hours" in said(bad)
    off = await slash(desk, "feeds pacing", channel=news, quiet_from="off")
    assert "quiet" not in said(off).split("Other channels")[0]
