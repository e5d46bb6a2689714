"""What's new in a story, through the Discord emulator and loopback feeds: a story posted from
one outlet, then another outlet's version posts only its new sentences as an update in the
story's thread; a version that adds nothing posts nothing and the log says why; Follow this
story sends the next update by DM, once; two outlets giving different counts are flagged."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.models import ArticleDraft
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.state import Message, User
from tests.adversarial.test_permissions import click_raw
from tests.bot.feeds.newsroom import NewsSite, Wire
from tests.cogs.digests import FIRST_SLOT, at, schedule
from tests.cogs.digests import posts as digest_posts
from tests.cogs.feeddesk import poll, said, slash
from tests.cogs.test_feeds import add, newsdesk_on, posts, settled
from tests.newsdesk import Newsdesk

HEADLINE = "Storm closes northern harbour ports at Greyhaven"
FIRST = (
    "A winter storm closed the northern harbour ports at Greyhaven on Monday. "
    "Harbour master Ellen Varga said ferries would stay in port until the gales eased. "
    "Twelve people were killed in Greyhaven when the sea wall gave way."
)
# The same story retold, plus two things the first report did not say.
SECOND = (
    "The northern harbour ports at Greyhaven were closed by a winter storm on Monday. "
    "Ferries will stay in port until the gales ease, harbour master Ellen Varga said. "
    "Fifteen people were killed in Greyhaven when the sea wall gave way. "
    "The coastguard rescued 40 fishermen from the Kelby Point lighthouse overnight. "
    "Premier Dana Okoro promised emergency funds for the repairs."
)
# Nothing the two reports had not said.
THIRD = (
    "A winter storm closed the northern harbour ports at Greyhaven on Monday. "
    "Harbour master Ellen Varga said ferries would stay in port until the gales eased."
)
FOURTH = (
    "A winter storm closed the northern harbour ports at Greyhaven on Monday. "
    "Engineers from Tarrow Marine began rebuilding the sea wall on Wednesday."
)


def thread_posts(desk: Newsdesk, message: Message) -> list[Message]:
    """The bot's messages in the thread opened on `message` (a thread shares its id)."""
    return [
        m
        for m in desk.discord.channel_messages(desk.discord.world.channels[message.id])
        if m.author is desk.discord.bot_user
    ]


def bullets(message: Message) -> list[str]:
    """The sentences an update card shows."""
    [card] = message.embeds
    return [line[2:] for line in card["description"].split("\n") if line.startswith("• ")]


async def outlets(desk: Newsdesk, site: NewsSite, clock: FakeClock, **edit: Any) -> list[Wire]:
    """Two outlets' feeds followed in #news, their updates set as `edit` says."""
    wires = [Wire(site, clock, "harbour"), Wire(site, clock, "coastal")]
    for number, wire in enumerate(wires, start=1):
        await add(desk, wire.url)
        if edit:
            await slash(desk, "feeds edit", id=number, **edit)
    await settled(desk)
    return wires


async def test_feeds_edit_sets_where_updates_go_beside_the_feeds_own_name(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    await add(desk, Wire(site, clock, "harbour").url)
    both = said(await slash(desk, "feeds edit", id=1, updates="thread", name="Harbour Desk"))
    assert "Changed: updates → thread." in both
    assert "Later reports of its stories: what they add, in a thread on the story's post" in both
    assert "as **Harbour Desk**" in both  # the identity's answer, beside it
    followers = said(await slash(desk, "feeds edit", id=1, updates="followers"))
    assert "by DM to members who press Follow this story" in followers
    off = said(await slash(desk, "feeds edit", id=1, updates="off"))
    assert "Changed: updates → off." in off and "Later reports" not in off


async def test_a_later_report_posts_only_what_it_adds_in_the_storys_thread(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    harbour, coastal = await outlets(desk, site, clock, updates="thread")
    harbour.report(HEADLINE, FIRST)
    await poll(desk, clock)
    [story] = posts(desk)
    assert story.embeds[0]["title"] == HEADLINE
    assert "Follow this story" in [
        c.get("label") for row in story.components for c in row["components"]
    ]

    coastal.report(HEADLINE, SECOND)
    await poll(desk, clock)
    assert posts(desk) == [story]  # nothing new in the channel itself
    [update] = thread_posts(desk, story)
    card = update.embeds[0]
    assert card["title"] == "Update · Coastal Wire"
    assert bullets(update) == [
        "Fifteen people were killed in Greyhaven when the sea wall gave way.",
        "The coastguard rescued 40 fishermen from the Kelby Point lighthouse overnight.",
        "Premier Dana Okoro promised emergency funds for the repairs.",
    ]
    [field] = card["fields"]
    assert field["name"] == "Outlets disagree"
    assert field["value"] == "⚠️ Harbour Wire: Twelve · Coastal Wire: Fifteen (killed)"
    assert card["footer"]["text"] == f"Update to: {HEADLINE}"

    harbour.report(HEADLINE, THIRD)
    await poll(desk, clock)
    assert len(thread_posts(desk, story)) == 1  # it adds nothing: nothing is posted
    log = said(await slash(desk, "feeds log", id=1))
    assert "🟰 **no new facts**" in log
    assert "adds nothing the story's posts in this channel had not said" in log
    coastal_log = said(await slash(desk, "feeds log", id=2))
    assert "➕ **sent as an update**" in coastal_log
    assert "3 new sentences in the story's thread" in coastal_log


async def test_a_story_card_flags_where_its_outlets_disagree(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    harbour, coastal = Wire(site, clock, "harbour"), Wire(site, clock, "coastal")
    await add(desk, harbour.url)  # updates off: each story once per channel, as before
    await add(desk, coastal.url, "general")
    await settled(desk)
    harbour.report(HEADLINE, FIRST)
    await poll(desk, clock)
    [first] = posts(desk)
    assert first.embeds[0].get("fields", []) == []  # one outlet: nothing to line up
    labels = [b["label"] for row in first.components for b in row["components"]]
    assert labels == ["Timeline"]  # no updates: no Follow this story button

    coastal.report(HEADLINE, SECOND)
    await poll(desk, clock)
    assert posts(desk) == [first]
    [card] = posts(desk, "general")[0].embeds
    assert card["title"] == HEADLINE
    [field] = card["fields"]
    assert field["name"] == "Outlets disagree"
    assert field["value"] == "⚠️ Harbour Wire: Twelve · Coastal Wire: Fifteen (killed)"


async def test_a_feed_under_its_own_name_keeps_the_follow_button_and_the_thread(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    discord = desk.discord
    harbour, coastal = await outlets(desk, site, clock, updates="thread")
    await slash(desk, "feeds edit", id=1, name="Harbour Desk")
    harbour.report(HEADLINE, FIRST)
    await poll(desk, clock)
    [story] = discord.channel_messages(discord.channel("news"))
    assert (story.kind, story.author.username) == ("webhook", "Harbour Desk")
    followed = await discord.click(story, "Follow this story", user=discord.bob)
    assert f"Following **{HEADLINE}**" in followed.message.embeds[0]["description"]

    coastal.report(HEADLINE, SECOND)
    await poll(desk, clock)
    [update] = thread_posts(desk, story)
    assert update.embeds[0]["title"] == "Update · Coastal Wire"
    [dm] = dms(desk, discord.bob)
    assert dm.embeds[0]["description"].endswith(f"/{update.channel_id}/{update.id}")


def dms(desk: Newsdesk, user: User) -> list[Message]:
    """The bot's direct messages to `user`, oldest first."""
    channel = desk.discord.world.dm_channel(user)
    return [m for m in desk.discord.channel_messages(channel) if m.author is desk.discord.bot_user]


async def test_follow_this_story_sends_each_later_update_by_dm_once(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    discord = desk.discord
    harbour, coastal = await outlets(desk, site, clock, updates="thread")
    harbour.report(HEADLINE, FIRST)
    await poll(desk, clock)
    [story] = posts(desk)
    followed = await discord.click(story, "Follow this story", user=discord.bob)
    assert followed.message.ephemeral
    assert f"Following **{HEADLINE}**" in followed.message.embeds[0]["description"]
    again = await discord.click(story, "Follow this story", user=discord.bob)
    assert "Already following" in again.message.embeds[0]["description"]

    coastal.report(HEADLINE, SECOND)
    await poll(desk, clock)
    [update] = thread_posts(desk, story)
    [dm] = dms(desk, discord.bob)
    card = dm.embeds[0]
    assert card["title"] == "Update · Coastal Wire"
    assert card["description"].startswith(f"New in **{HEADLINE}**:\n• Fifteen people were killed")
    assert card["description"].endswith(f"/{update.channel_id}/{update.id}")  # in the thread
    assert dms(desk, discord.alice) == []  # only who pressed
    await poll(desk, clock)
    await poll(desk, clock)
    assert len(dms(desk, discord.bob)) == 1  # once per update

    harbour.report(HEADLINE, FOURTH)
    await poll(desk, clock)
    _, second = dms(desk, discord.bob)
    assert bullets(second) == [
        "Engineers from Tarrow Marine began rebuilding the sea wall on Wednesday."
    ]
    stopped = await discord.click(second, "Unfollow this story", user=discord.bob)
    assert "Stopped following" in stopped.message.embeds[0]["description"]
    coastal.report(
        HEADLINE, "Insurers in Kelby Point estimated the damage at 3 million pounds on Thursday."
    )
    await poll(desk, clock)
    assert len(thread_posts(desk, story)) == 3
    assert len(dms(desk, discord.bob)) == 2  # unfollowed: no more


async def test_updates_for_followers_only_come_by_dm_and_nothing_in_the_channel(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    discord = desk.discord
    harbour, coastal = await outlets(desk, site, clock, updates="followers")
    harbour.report(HEADLINE, FIRST)
    await poll(desk, clock)
    [story] = posts(desk)
    await discord.click(story, "Follow this story", user=discord.bob)

    coastal.report(HEADLINE, SECOND)
    await poll(desk, clock)
    await poll(desk, clock)
    assert posts(desk) == [story]
    assert story.id not in discord.world.channels  # no thread was opened on the story's post
    [dm] = dms(desk, discord.bob)
    card = dm.embeds[0]
    assert card["title"] == "Update · Coastal Wire"
    assert bullets(dm) == [
        "Fifteen people were killed in Greyhaven when the sea wall gave way.",
        "The coastguard rescued 40 fishermen from the Kelby Point lighthouse overnight.",
        "Premier Dana Okoro promised emergency funds for the repairs.",
    ]
    assert "In the story's thread" not in card["description"]
    assert card["footer"]["text"] == "You follow this story"
    assert "Unfollow this story" in [
        c.get("label") for row in dm.components for c in row["components"]
    ]
    assert dms(desk, discord.alice) == []
    log = said(await slash(desk, "feeds log", id=2))
    assert "3 new sentences, to 1 follower by DM" in log


async def test_forged_follow_buttons_are_refused(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    discord = desk.discord
    harbour, coastal = await outlets(desk, site, clock, updates="thread")
    harbour.report(HEADLINE, FIRST)
    await poll(desk, clock)
    [story] = posts(desk)
    ids = [c["custom_id"] for row in story.components for c in row["components"]]
    [button] = [i for i in ids if i.startswith("story:follow:")]
    story_id = int(button.rsplit(":", 1)[1])
    # Ids the message does not carry: another story, or this story's button pressed elsewhere.
    for custom_id, where in (
        (f"story:follow:{story_id + 1000}", story),
        (button, await desk.post("hello", channel="general")),
    ):
        refused = await click_raw(discord, where, custom_id, discord.bob)
        assert refused.message.ephemeral
        assert refused.message.content == "That control isn't part of this message."
    assert await desk.store.member_story_follows(discord.guild.id, discord.bob.id) == []
    # Someone else's follow cannot be stopped, even with its own button.
    await discord.click(story, "Follow this story", user=discord.bob)
    coastal.report(HEADLINE, SECOND)
    await poll(desk, clock)
    [dm] = dms(desk, discord.bob)
    refused = await discord.click(dm, "Unfollow this story", user=discord.alice)
    assert "don't follow that story" in refused.message.embeds[0]["description"]
    assert len(await desk.store.member_story_follows(discord.guild.id, discord.bob.id)) == 1


def story_drafts(outlet: str, body: str, when: datetime) -> list[ArticleDraft]:
    """One outlet's report of the storm story, published `when`."""
    return [
        ArticleDraft(
            title=HEADLINE,
            body=body,
            origin=f"https://{outlet.split()[0].lower()}.example/storm",
            url=f"https://{outlet.split()[0].lower()}.example/storm",
            source=outlet,
            published_at=when.isoformat(),
        )
    ]


async def test_a_digest_marks_a_story_that_developed_since_the_last_one(
    newsdesk: Newsdesk,
) -> None:
    await schedule(newsdesk)
    await newsdesk.ingest(story_drafts("Harbour Times", FIRST, newsdesk.clock.now()))
    await at(newsdesk, FIRST_SLOT)
    [first] = digest_posts(newsdesk)
    block = story_of(first)
    assert "Developed" not in block and "⚠️" not in block  # new today: nothing to mark

    newsdesk.clock.advance(hours=2)
    await newsdesk.ingest(story_drafts("Coastal Wire", SECOND, newsdesk.clock.now()))
    await at(newsdesk, FIRST_SLOT + timedelta(days=1))
    _, second = digest_posts(newsdesk)
    block = story_of(second)
    assert "🔄 **Developed** since the last digest: new from Coastal Wire" in block
    assert "⚠️ Harbour Times: Twelve · Coastal Wire: Fifteen (killed)" in block


def story_of(message: Message) -> str:
    """The storm story's block in a digest message."""
    [block] = [b for b in message.embeds[0]["description"].split("\n\n") if "Greyhaven" in b]
    return block


async def test_in_a_forum_updates_go_inside_the_storys_post_and_buttons_outlive_a_restart(
    site: NewsSite, tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "newsdesk.db"
    async with DiscordEmulator(clock=clock) as discord:
        async with newsdesk_on(discord, db, clock) as desk:
            harbour, coastal = Wire(site, clock, "harbour"), Wire(site, clock, "coastal")
            for number, wire in enumerate((harbour, coastal), start=1):
                await add(desk, wire.url, "briefings")
                await slash(desk, "feeds edit", id=number, updates="thread")
            await settled(desk)
            harbour.report(HEADLINE, FIRST)
            await poll(desk, clock)
            [post] = [t for t in discord.guild.threads if t.name == HEADLINE]
            [starter] = discord.channel_messages(post)  # a forum post's first message

        async with newsdesk_on(discord, db, clock) as desk:  # a restart: the button still works
            followed = await discord.click(starter, "Follow this story", user=discord.bob)
            assert f"Following **{HEADLINE}**" in followed.message.embeds[0]["description"]
            coastal.report(HEADLINE, SECOND)
            await poll(desk, clock)
            inside = discord.channel_messages(post)
            assert [m.embeds[0]["title"] for m in inside] == [HEADLINE, "Update · Coastal Wire"]
            assert [t.name for t in discord.guild.threads].count(HEADLINE) == 1
            [dm] = dms(desk, discord.bob)
            assert dm.embeds[0]["title"] == "Update · Coastal Wire"

            listed = await desk.slash_as(discord.bob, "follows", permissions=0)
            [stories] = [
                f for f in listed.message.embeds[0]["fields"] if f["name"].startswith("Stories")
            ]
            [follow] = await desk.store.member_story_follows(discord.guild.id, discord.bob.id)
            assert stories["value"] == f"`s{follow.id}` **{HEADLINE}** · <#{post.parent_id}>"
            stopped = await desk.slash_as(
                discord.bob, "unfollow", permissions=0, follow=f"s{follow.id}"
            )
            assert "Stopped following" in stopped.message.embeds[0]["description"]
            assert await desk.store.member_story_follows(discord.guild.id, discord.bob.id) == []
