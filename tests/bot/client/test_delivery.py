"""The one way to post, through the emulator: text channels, threads, forums and DMs; typed
failures (missing channel, missing permission, Discord's error codes); nonces that make a
retried send return the first message; and finding what an interrupted attempt posted."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import discord
import pytest

from bot.client.delivery import Destination, ForumLayout, Outlet, Part, Recovery, part_key
from bot.models.delivery import Failure, FailureKind
from bot.sandbox.emulator.state import Channel, Message
from tests.newsdesk import Newsdesk

VIEW_AND_SEND = (1 << 10) | (1 << 11)  # View Channel, Send Messages: no Embed Links


def parts(*titles: str) -> list[Part]:
    """One part per title, keyed test-1, test-2, ...; the key is also the embed's footer."""
    return [
        Part(
            part_key("test", n),
            embeds=[
                discord.Embed(title=t, description=f"{t}, in full").set_footer(text=f"test-{n}")
            ],
            title=t,
        )
        for n, t in enumerate(titles, start=1)
    ]


def footers(message: discord.Message) -> Iterable[str]:
    """The part keys a message of ours carries (its footers, as `parts` writes them)."""
    return [e.footer.text for e in message.embeds if e.footer.text]


def titles(messages: list[Message]) -> list[str]:
    return [e["title"] for m in messages for e in m.embeds]


async def opened(desk: Newsdesk, channel: Channel) -> Outlet:
    outlet = await desk.bot.poster.open(Destination(channel_id=channel.id))
    assert isinstance(outlet, Outlet), outlet
    return outlet


def threads_of(desk: Newsdesk, forum: Channel) -> list[Channel]:
    return [t for t in desk.discord.guild.threads if t.parent_id == forum.id]


async def test_parts_go_into_a_text_channel_in_order_with_their_nonces(
    newsdesk: Newsdesk,
) -> None:
    discord_, news = newsdesk.discord, newsdesk.discord.channel("news")
    result = await newsdesk.bot.poster.deliver(Destination(channel_id=news.id), parts("One", "Two"))
    posted = discord_.channel_messages(news)
    assert result.ok and titles(posted) == ["One", "Two"]
    assert result.message_ids == [m.id for m in posted]
    first = result.posted[0]
    assert (
        first.link
        == f"https://discord.com/channels/{discord_.guild.id}/{news.id}/{first.message_id}"
    )
    sent = [r.json for r in discord_.requests_to("POST", f"/channels/{news.id}/messages")]
    assert [(s["nonce"], s["enforce_nonce"]) for s in sent] == [("test-1", True), ("test-2", True)]
    assert all(s["allowed_mentions"]["parse"] == [] for s in sent)  # the bot pings no one


async def test_a_thread_takes_the_parts_not_its_parent(newsdesk: Newsdesk) -> None:
    discord_ = newsdesk.discord
    news = discord_.channel("news")
    thread = discord_.world.add_thread(news, "storm-desk", discord_.alice)
    outlet = await opened(newsdesk, thread)  # not in the bot's cache yet: fetched
    result = await outlet.send(parts("Storm update"))
    assert outlet.kind == "thread" and result.ok
    assert titles(discord_.channel_messages(thread)) == ["Storm update"]
    assert discord_.channel_messages(news) == []
    assert result.posted[0].channel_id == thread.id


async def test_a_forum_takes_one_post_or_a_post_each(newsdesk: Newsdesk) -> None:
    discord_ = newsdesk.discord
    forum = discord_.channel("briefings")
    outlet = await opened(newsdesk, forum)
    one = await outlet.send(parts("Morning digest", "More", "Even more"))
    [post] = threads_of(newsdesk, forum)
    assert outlet.kind == "forum" and post.name == "Morning digest"
    assert titles(discord_.channel_messages(post)) == ["Morning digest", "More", "Even more"]
    # The post's starter message shares its id; the rest follow inside it.
    assert [p.channel_id for p in one.posted] == [post.id] * 3
    assert one.posted[0].message_id == post.id
    each = await outlet.send(parts("Harbour reopens", "Budget passes"), forum=ForumLayout.POST_EACH)
    names = [t.name for t in threads_of(newsdesk, forum)]
    assert names == ["Morning digest", "Harbour reopens", "Budget passes"]
    assert [p.channel_id for p in each.posted] == [p.message_id for p in each.posted]


async def test_a_member_is_reached_by_dm_unless_they_closed_their_dms(
    newsdesk: Newsdesk,
) -> None:
    discord_, alice = newsdesk.discord, newsdesk.discord.alice
    poster = newsdesk.bot.poster
    result = await poster.deliver(Destination(user_id=alice.id), parts("For you"))
    dm = discord_.world.dm_channel(alice)
    assert titles(discord_.channel_messages(dm)) == ["For you"]
    assert result.posted[0].link == f"https://discord.com/channels/@me/{dm.id}/{dm.last_message_id}"
    discord_.faults.refuse(
        "POST /channels/*/messages", code=50007, message="Cannot send messages to this user"
    )
    closed = await poster.deliver(Destination(user_id=alice.id), parts("Again"))
    assert closed.posted == () and closed.failure is not None
    assert (closed.failure.kind, closed.failure.status, closed.failure.code) == (
        FailureKind.MISSING_PERMISSION,
        403,
        50007,
    )
    assert closed.failure.lasting
    assert closed.failure.describe() == (
        f"<@{alice.id}> takes no direct messages from me (Cannot send messages to this user)"
    )


async def test_a_deleted_channel_is_a_missing_channel(newsdesk: Newsdesk) -> None:
    discord_ = newsdesk.discord
    news = discord_.channel("news")
    await discord_.delete_channel(news)
    await discord_.emulator.settle()
    result = await newsdesk.bot.poster.deliver(Destination(channel_id=news.id), parts("Lost"))
    assert result.posted == () and result.failure is not None
    assert (result.failure.kind, result.failure.status, result.failure.code) == (
        FailureKind.MISSING_CHANNEL,
        404,
        10003,
    )
    assert result.failure.describe("its channel") == "its channel was deleted"
    assert discord_.requests_to("POST", "/messages") == []


async def test_a_missing_permission_is_known_before_posting(newsdesk: Newsdesk) -> None:
    discord_ = newsdesk.discord
    news, everyone = discord_.channel("news"), discord_.guild.roles[0]
    everyone.permissions = VIEW_AND_SEND  # an admin takes Embed Links away from everyone
    await discord_.emulator.gateway.dispatch(
        "GUILD_ROLE_UPDATE", {"guild_id": str(discord_.guild.id), "role": everyone.payload()}
    )
    await discord_.emulator.settle()
    result = await newsdesk.bot.poster.deliver(Destination(channel_id=news.id), parts("Card"))
    assert result.failure == Failure(
        FailureKind.MISSING_PERMISSION, channel_id=news.id, missing=("Embed Links",)
    )
    assert result.failure.describe() == f"I am missing Embed Links in <#{news.id}>"
    assert discord_.requests_to("POST", "/messages") == []


async def test_discords_refusals_are_typed_and_keep_what_was_posted(newsdesk: Newsdesk) -> None:
    discord_ = newsdesk.discord
    news = discord_.channel("news")
    outlet = await opened(newsdesk, news)
    # Permission overwrites the bot cannot see: Discord answers 403 Missing Permissions.
    discord_.faults.refuse("POST /channels/*/messages", message="Missing Permissions")
    refused = await outlet.send(parts("Card"))
    assert refused.failure is not None and refused.posted == ()
    assert (refused.failure.kind, refused.failure.code) == (FailureKind.MISSING_PERMISSION, 50013)
    assert refused.failure.describe() == f"I may not post in <#{news.id}> (Missing Permissions)"
    # A part over Discord's limits is refused with 400 / 50035 after the first part went out.
    too_long = Part(part_key("test", 9), embeds=[discord.Embed(title="x" * 300)])
    partial = await outlet.send([*parts("Fine"), too_long])
    assert titles(discord_.channel_messages(news)) == ["Fine"]
    assert partial.message_ids == [discord_.channel_messages(news)[0].id]
    assert partial.failure is not None and not partial.failure.lasting
    assert (partial.failure.kind, partial.failure.status, partial.failure.code) == (
        FailureKind.HTTP_ERROR,
        400,
        50035,
    )


async def test_a_retried_send_returns_the_first_message(newsdesk: Newsdesk) -> None:
    discord_ = newsdesk.discord
    news = discord_.channel("news")
    outlet = await opened(newsdesk, news)
    attempt = asyncio.create_task(outlet.send(parts("Breaking")))

    def lose_the_answer(event: str, message: Message) -> None:
        # Discord stored the message; the bot never hears back (it died, the link dropped).
        if event == "create":
            attempt.cancel()

    discord_.watch(lose_the_answer)
    with pytest.raises(asyncio.CancelledError):
        await attempt
    discord_.emulator.listeners.clear()
    [stored] = discord_.channel_messages(news)
    again = await outlet.send(parts("Breaking"))
    assert again.ok and again.message_ids == [stored.id]
    assert len(discord_.channel_messages(news)) == 1
    other = await outlet.send([parts("Breaking", "Other")[1]])  # another key: a new message
    assert other.message_ids != [stored.id] and len(discord_.channel_messages(news)) == 2


async def test_an_interrupted_delivery_is_found_and_finished(newsdesk: Newsdesk) -> None:
    discord_ = newsdesk.discord
    news = discord_.channel("news")
    all_three = parts("Part one", "Part two", "Part three")
    await (await opened(newsdesk, news)).send(all_three[:2])  # then the bot died
    await discord_.say(news, "a member talks meanwhile", expect=0)
    outlet = await opened(newsdesk, news)
    found = await outlet.find(Recovery(marks=footers))
    assert not isinstance(found, Failure) and sorted(found) == ["test-1", "test-2"]
    before = len(discord_.requests_to("POST", "/messages"))
    result = await outlet.send(all_three, already=found)
    assert len(discord_.requests_to("POST", "/messages")) == before + 1
    assert titles(discord_.channel_messages(news)) == ["Part one", "Part two", "Part three"]
    assert [p.earlier for p in result.posted] == [True, True, False]
    assert result.message_ids == [m.id for m in discord_.channel_messages(news) if m.embeds]


async def test_an_interrupted_forum_post_is_resumed_inside_it(newsdesk: Newsdesk) -> None:
    discord_ = newsdesk.discord
    forum = discord_.channel("briefings")
    all_three = parts("Evening digest", "Part two", "Part three")
    await (await opened(newsdesk, forum)).send(all_three[:2])  # then the bot died
    outlet = await opened(newsdesk, forum)
    found = await outlet.find(Recovery(marks=footers))
    assert not isinstance(found, Failure) and sorted(found) == ["test-1", "test-2"]
    await outlet.send(all_three, already=found)
    [post] = threads_of(newsdesk, forum)
    assert titles(discord_.channel_messages(post)) == ["Evening digest", "Part two", "Part three"]
    # Posts known by their names alone: nothing is read inside them.
    reads = len(discord_.requests_to("GET", "/messages"))
    named = await outlet.find(Recovery(marks=footers, post_marks=lambda name: [name]))
    assert not isinstance(named, Failure) and list(named) == ["Evening digest"]
    assert named["Evening digest"].message_id == post.id
    assert len(discord_.requests_to("GET", "/messages")) == reads


async def test_a_channel_that_takes_no_posts_is_refused(newsdesk: Newsdesk) -> None:
    dm = newsdesk.discord.world.dm_channel(newsdesk.discord.bob)  # not a guild channel
    result = await newsdesk.bot.poster.deliver(Destination(channel_id=dm.id), parts("Card"))
    assert result.failure == Failure(FailureKind.CANNOT_POST, channel_id=dm.id)
    assert result.failure.describe() == "the channel can no longer take posts"


def test_part_keys_fit_discords_nonce_and_name_every_item() -> None:
    assert part_key("digest", 7, 2) == "digest-7-2"
    many = part_key("follow", *range(1000, 1010))
    assert len(many) <= 25 and many.startswith("follow-")
    assert many == part_key("follow", *range(1000, 1010))
    assert many != part_key("follow", *range(1000, 1011))
    with pytest.raises(ValueError):
        Part("x" * 26)
    with pytest.raises(ValueError):
        Destination(channel_id=1, user_id=2)
