"""/follow, /follows and /unfollow through the emulator, and the notifications new articles
bring: by DM for members, as a post for channels, once each, also across restarts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.clock import FakeClock
from bot.insights.follows import MAX_MEMBER_FOLLOWS, follow_query, notify_new_articles
from bot.models import ArticleDraft
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.state import Message, User
from bot.sandbox.harness import default_world
from tests.bot.insights.corpus import add_article
from tests.newsdesk import Newsdesk

HAMAS, QATAR = ("Hamas", "ORG"), ("Qatar", "GPE")
NO_PERMISSIONS = 0
MANAGE_SERVER = 1 << 5


def direct_messages(discord: DiscordEmulator, user: User) -> list[Message]:
    """What the bot has sent `user` by DM."""
    return discord.channel_messages(discord.world.dm_channel(user))


async def test_a_followed_entity_in_a_new_article_is_messaged_once(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    reply = await discord.slash("follow entity", name="hamas")
    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"].startswith("Following **Hamas** (#1).")

    # A real article through the real NLP step, then the bot's one "articles added" hook.
    report = await newsdesk.ingest(
        [
            ArticleDraft(
                title="Hamas delegation arrives in Cairo",
                body="A Hamas delegation arrived in Cairo on Tuesday for talks with Egyptian "
                "mediators about the truce.",
                origin="test:follows:cairo",
                source="Wire",
                url="https://example.com/cairo",
                published_at="2026-03-02T08:30:00+00:00",
            )
        ]
    )
    await newsdesk.bot.articles_added(report.added)
    await newsdesk.bot.articles_added(report.added)  # e.g. a feed announcing it again

    [dm] = direct_messages(discord, discord.alice)
    embed = dm.embeds[0]
    assert embed["title"] == "1 new article on what you follow"
    assert embed["description"].startswith(
        "**[Hamas delegation arrives in Cairo](https://example.com/cairo)**\nWire · <t:"
    )
    assert embed["description"].endswith(f"#{report.added[0]} · for Hamas")
    assert direct_messages(discord, discord.bob) == []


async def test_articles_that_do_not_match_bring_nothing(newsdesk: Newsdesk) -> None:
    await newsdesk.discord.slash("follow entity", name="Hamas")
    await newsdesk.discord.slash("follow query", text='"Shin Bet" -Mossad')
    other = await add_article(newsdesk.store, 1, [QATAR], "2026-03-02", title="Doha talks")
    await newsdesk.bot.articles_added([other, 1])  # 1, the seed article, predates the follows

    assert direct_messages(newsdesk.discord, newsdesk.discord.alice) == []


async def test_no_second_message_after_a_restart_and_leftovers_go_out_once(
    newsdesk_factory: Callable[..., Any], clock: FakeClock
) -> None:
    async with DiscordEmulator(clock=clock) as discord:
        async with newsdesk_factory(discord=discord) as desk:
            await discord.slash("follow entity", name="Hamas")
            sent = await add_article(desk.store, 1, [HAMAS], "2026-03-02", title="Sent")
            await desk.bot.articles_added([sent])
            # Recorded but not delivered before the bot stops (as if it crashed right then).
            left = await add_article(desk.store, 2, [HAMAS], "2026-03-02", title="Left over")
            await notify_new_articles(desk.store, [left], clock=clock)
        assert len(direct_messages(discord, discord.alice)) == 1

        async with newsdesk_factory(discord=discord) as again:
            await discord.wait_for(
                lambda: len(direct_messages(discord, discord.alice)) == 2,
                what="the left-over notification",
            )
            await again.bot.articles_added([sent, left])

        titles = [m.embeds[0]["description"] for m in direct_messages(discord, discord.alice)]
        assert len(titles) == 2
        assert "Sent" in titles[0] and "Left over" in titles[1]


async def test_members_have_a_follow_limit(newsdesk: Newsdesk) -> None:
    guild, alice = newsdesk.discord.guild.id, newsdesk.discord.alice.id
    for n in range(MAX_MEMBER_FOLLOWS):
        await follow_query(
            newsdesk.store, guild_id=guild, text=f"topic{n}", created_by=alice, user_id=alice
        )
    reply = await newsdesk.discord.slash("follow entity", name="Hamas")

    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"] == (
        "You follow 10 things already, the most allowed. `/unfollow` one first."
    )
    listed = await newsdesk.discord.slash("follows")
    assert listed.message.embeds[0]["fields"][0]["value"].count("\n") == MAX_MEMBER_FOLLOWS - 1


async def test_channel_follows_need_manage_server_and_post_in_the_channel(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    news = discord.channel("news")
    refused = await newsdesk.slash_as(
        discord.bob, "follow entity", permissions=NO_PERMISSIONS, name="Hamas", channel=news
    )
    assert refused.message.embeds[0]["description"] == (
        "You need the Manage Server permission to do that."
    )

    # (`channel` as an option goes through slash_as: slash() reads it as where to type.)
    accepted = await newsdesk.slash_as(
        discord.alice, "follow query", permissions=MANAGE_SERVER, text="Qatar", channel=news
    )
    assert f"tells <#{news.id}>" in accepted.message.embeds[0]["description"]
    new = await add_article(newsdesk.store, 1, [QATAR], "2026-03-02", title="Doha talks")
    await newsdesk.bot.articles_added([new])

    [post] = discord.channel_messages(news)
    assert post.embeds[0]["title"] == "1 new article on what this channel follows"
    assert "for “Qatar”" in post.embeds[0]["description"]
    assert direct_messages(discord, discord.alice) == []

    # Without Manage Server, Bob can't remove it; with it, he can.
    follow_id = str((await newsdesk.store.visible_follows(discord.guild.id, discord.bob.id))[0].id)
    kept = await newsdesk.slash_as(
        discord.bob, "unfollow", permissions=NO_PERMISSIONS, follow=follow_id
    )
    assert kept.message.embeds[0]["description"].startswith(f"You have no follow #{follow_id}")
    gone = await newsdesk.slash_as(
        discord.bob, "unfollow", permissions=MANAGE_SERVER, follow=follow_id
    )
    assert gone.message.embeds[0]["description"] == (
        f"Stopped following **“Qatar”** (#{follow_id}) for <#{news.id}>."
    )


async def test_a_channel_follow_needs_the_bot_able_to_post_there(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    news, everyone = discord.channel("news"), discord.guild.roles[0]
    everyone.permissions = (1 << 10) | (1 << 11)  # View Channel, Send Messages: no Embed Links
    await discord.emulator.gateway.dispatch(
        "GUILD_ROLE_UPDATE", {"guild_id": str(discord.guild.id), "role": everyone.payload()}
    )
    await discord.emulator.settle()
    refused = await newsdesk.slash_as(
        discord.alice, "follow query", permissions=MANAGE_SERVER, text="Qatar", channel=news
    )
    assert refused.message.embeds[0]["description"] == (
        "I need the View Channel and Send Messages and Embed Links permission in this channel"
        " to do that."
    )
    assert await newsdesk.store.visible_follows(discord.guild.id, discord.alice.id) == []


async def test_another_server_cannot_see_or_remove_a_follow(
    newsdesk_factory: Callable[..., Any], clock: FakeClock
) -> None:
    world = default_world()
    alice, bob = world.user_named("alice"), world.user_named("bob")
    other = world.add_guild("Other desk", text_channels=("lobby",), members=(alice, bob))
    lobby = other.channel("lobby")
    async with (
        DiscordEmulator(world, clock=clock) as discord,
        newsdesk_factory(discord=discord) as desk,
    ):
        await discord.slash("follow entity", name="Hamas")
        [follow] = await desk.store.visible_follows(discord.guild.id, alice.id)

        listed = await discord.slash("follows", channel=lobby)
        assert listed.message.embeds[0]["description"].startswith("Nothing followed here")
        assert await discord.autocomplete("unfollow", "follow", "", channel=lobby) == []
        removed = await discord.slash("unfollow", follow=str(follow.id), channel=lobby)
        assert removed.message.embeds[0]["description"] == (
            f"You have no follow #{follow.id} here; `/follows` lists yours."
        )

        choices = await discord.autocomplete("unfollow", "follow", "ham")
        assert choices == [{"name": f"#{follow.id} entity: Hamas → you", "value": str(follow.id)}]
        done = await discord.slash("unfollow", follow=choices[0]["value"])
        assert done.message.embeds[0]["description"].startswith("Stopped following **Hamas**")
        assert await desk.store.visible_follows(discord.guild.id, alice.id) == []


async def test_a_followed_search_too_broad_to_run_on_every_batch_is_refused(
    newsdesk: Newsdesk,
) -> None:
    """Issue 16, class 1: a followed search runs on every batch of new articles."""
    flood = " OR ".join(f"{letter}*" for letter in "abcdefghijklmnopqrstuvwxyz" * 2)[:200]

    reply = await newsdesk.discord.slash("follow query", text=flood)

    assert reply.message.embeds[0]["description"].startswith("Too broad: `")
    assert (
        await newsdesk.store.visible_follows(newsdesk.discord.guild.id, newsdesk.discord.alice.id)
        == []
    )
