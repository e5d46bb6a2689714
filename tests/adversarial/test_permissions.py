"""Permissions and isolation: admin commands refuse members without the permission (slash,
prefix message, mention), forged or foreign component ids are refused, and one server can never
read or change another's settings, feeds, digests or mute list, even with forged ids in
options."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.mutes import add_mute
from bot.sandbox import DiscordEmulator
from bot.sandbox import events as sandbox_events
from bot.sandbox.emulator.state import ADMINISTRATOR, Channel, Guild, Interaction, Role, User
from bot.sandbox.harness import default_world
from tests.adversarial.discord_records import callbacks_per_interaction
from tests.newsdesk import Newsdesk

REFUSALS = ("permission", "can't use", "owner", "digest role")
OPML = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Planted" xmlUrl="https://planted.example/rss.xml"/></body></opml>"""
BACKUP = (
    b'{"newsdesk_backup": 1, "exported_at": "2026-03-02T09:00:00+00:00", "server": {"id": "1"},'
    b' "settings": {"prefix": "$"}}'
)


def admin_commands(newsdesk: Newsdesk) -> list[tuple[str, dict[str, Any]]]:
    """Every admin command the bot has synced, with plausible options."""
    news = newsdesk.discord.channel("news")
    editors = newsdesk.discord.guild.roles[1]
    # Files that would change the server if an admin sent them.
    opml = newsdesk.discord.upload("feeds.opml", OPML, "text/x-opml")
    backup = newsdesk.discord.upload("backup.json", BACKUP, "application/json")
    wanted: list[tuple[str, dict[str, Any]]] = [
        ("settings prefix", {"value": "?"}),
        ("sync", {}),
        ("feeds add", {"url": "https://news.example/rss.xml", "channel": news}),
        ("feeds list", {}),
        ("feeds remove", {"id": 1}),
        ("feeds test", {"url": "https://news.example/rss.xml"}),
        ("feeds edit", {"id": 1, "filter": "storm"}),
        ("feeds edit", {"id": 1, "name": "Stolen", "avatar": "https://x.example/a.png"}),
        ("feeds edit", {"id": 1, "selector": "p"}),
        ("feeds import", {"file": opml, "channel": news}),
        ("feeds export", {}),
        ("feeds pause", {"id": 1}),
        ("feeds resume", {"id": 1}),
        ("feeds copy", {"from": 1, "to": "all", "settings": "all"}),
        ("feeds template", {"id": 1}),
        ("feeds log", {"id": 1}),
        ("feeds send-latest", {"id": 1}),
        ("feeds pacing", {"channel": news, "posts": 1}),
        ("settings timezone", {"value": "Asia/Tokyo"}),
        ("settings export", {}),
        ("settings import", {"file": backup}),
        ("digest schedule", {"channel": news, "time": "08:00", "timezone": "UTC"}),
        ("digest list", {}),
        ("digest remove", {"id": 1}),
        ("digest pause", {"id": 1}),
        ("digest resume", {"id": 1}),
        ("digest preview", {"id": 1}),
        ("digest now", {"id": 1}),
        ("digest role", {"role": editors}),
        # Following for oneself is open to all; for a channel it needs Manage Server.
        ("follow query", {"text": "ceasefire", "channel": news}),
        ("follow entity", {"name": "Hamas", "channel": news}),
        ("mute add", {"word": "ferry"}),
        ("mute add", {"entity": "Hamas"}),
        ("mute remove", {"rule": "1"}),
        ("mute list", {}),
    ]
    guild = newsdesk.discord.guild.id
    return [
        (name, options)
        for name, options in wanted
        if newsdesk.discord.world.command_named(name.split()[0], guild) is not None
    ]


async def test_every_admin_command_refuses_a_member_without_permission(
    newsdesk: Newsdesk,
) -> None:
    bob = newsdesk.discord.bob
    tried = admin_commands(newsdesk)
    before = await state_of(newsdesk, newsdesk.discord.guild.id)

    for name, options in tried:
        reply = await newsdesk.slash_as(bob, name, permissions=0, **options)
        text = reply.message.embeds[0]["description"] if reply.message.embeds else ""
        text = text or reply.message.content
        assert reply.message.ephemeral, name
        assert any(word in text for word in REFUSALS), (name, text)

    assert {"settings prefix", "settings timezone", "sync"} <= {name for name, _ in tried}
    assert {"feeds import", "feeds export", "settings import"} <= {name for name, _ in tried}
    assert not any(m.files for m in newsdesk.discord.bot_messages())  # no export went out
    assert await state_of(newsdesk, newsdesk.discord.guild.id) == before
    assert set(callbacks_per_interaction(newsdesk.discord).values()) == {1}


async def state_of(newsdesk: Newsdesk, guild_id: int) -> dict[str, Any]:
    """What a guild has set up: prefix, timezone and default feed template, its feed
    subscriptions (every setting), channel pacing, feed delivery logs, digest schedules."""
    store = newsdesk.store
    state: dict[str, Any] = {
        key: await store.guild_setting(guild_id, key)
        for key in ("prefix", "timezone", "feed_template")
    }
    if hasattr(store, "guild_subscriptions"):
        subscriptions = [s for s, _ in await store.guild_subscriptions(guild_id)]
        state["feeds"] = subscriptions
        state["pacing"] = await store.guild_pacings(guild_id)
        state["logs"] = [await store.delivery_log(guild_id, s.id, limit=50) for s in subscriptions]
        state["options"] = await store.guild_feed_options(guild_id)
    if hasattr(store, "digest_schedules"):
        state["digests"] = [s.id for s in await store.digest_schedules(guild_id)]
    if hasattr(store, "guild_mutes"):
        state["mutes"] = await store.guild_mutes(guild_id)
    return state


async def test_owner_commands_refuse_others_through_prefix_and_mention(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    general = discord.channel("general")
    syncs = len(discord.requests_to("PUT", "/commands"))

    (by_prefix,) = await discord.say(general, "!sync", user=discord.bob)
    (by_mention,) = await discord.say(general, f"<@{discord.bot_user.id}> sync", user=discord.bob)

    for reply in (by_prefix, by_mention):
        assert reply.embeds[0]["description"] == "Only the bot's owner can do that."
    assert len(discord.requests_to("PUT", "/commands")) == syncs


async def test_forged_component_ids_on_someone_elses_results_are_refused(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    results = await discord.slash("search", query="Qatar")
    message = results.message
    before = [m.embeds for m in discord.bot_messages()]

    # Not the bot's id scheme at all: no view or listener takes it, so nothing may happen.
    foreign = await click_raw(discord, message, "settings:prefix:x", discord.bob, until=None)
    forged = [
        await click_raw(discord, message, custom_id, discord.bob, **data)
        for custom_id, data in (
            ("pager:search:next", {}),  # a button this one-page message never had
            ("pager:search:pick", {"values": ["1"]}),
            ("pager:article:next", {}),  # a pager kind this message never had
            ("pager:search:delete", {}),  # an action no pager has
        )
    ]
    mine = await click_raw(discord, message, "pager:search:next", discord.alice)

    for click in [*forged, mine]:
        assert click.answered and click.message.ephemeral, click.data
    assert "belong to alice" in forged[1].message.content
    assert all(c.message.content == "That control isn't part of this message." for c in forged[2:])
    assert not foreign.acknowledged
    assert [m.embeds for m in discord.bot_messages()][: len(before)] == before
    assert set(callbacks_per_interaction(discord).values()) == {1}


async def click_raw(
    discord: DiscordEmulator,
    message: Any,
    custom_id: str,
    user: User,
    *,
    until: Any = "answer",
    **data: Any,
) -> Interaction:
    """A component interaction with any custom_id, as a modified client could send it."""
    payload = {"custom_id": custom_id, "component_type": 3 if "values" in data else 2, **data}
    return await discord._component(message, payload, user, until, 10.0)


# -- a second server --------------------------------------------------------------------------


@pytest.fixture
async def two_guilds(
    newsdesk_factory: Callable[..., Any], clock: Any
) -> AsyncIterator[tuple[Newsdesk, Guild, User]]:
    """The bot in Newsroom and in Rival, whose owner carol is a member of Rival only."""
    world = default_world()
    carol = world.add_user("carol")
    rival = world.add_guild("Rival", members=(carol,))
    async with (
        DiscordEmulator(world, clock=clock) as emulator,
        newsdesk_factory(discord=emulator) as desk,
    ):
        yield desk, rival, carol


async def slash_in(
    newsdesk: Newsdesk, guild: Guild, user: User, command: str, **options: Any
) -> Interaction:
    """Invoke `/command` in `guild`'s #general as `user` (with every permission there)."""
    channel: Channel = newsdesk.discord.world.channel_named("general", guild)
    data = sandbox_events.command_data(newsdesk.discord.world, command, channel, options, None)
    return await newsdesk._interact(data, user, channel)


async def test_settings_are_per_server(two_guilds: tuple[Newsdesk, Guild, User]) -> None:
    newsdesk, rival, carol = two_guilds
    discord = newsdesk.discord

    changed = await slash_in(newsdesk, rival, carol, "settings prefix", value="?")
    (still,) = await discord.say(discord.channel("general"), "!news Qatar")
    ignored = await discord.say(discord.channel("general"), "?news Qatar", expect=0)

    assert "?news" in changed.message.embeds[0]["description"]
    assert still.embeds[0]["title"].startswith("Results for")
    assert ignored == []
    assert await newsdesk.store.guild_setting(discord.guild.id, "prefix") is None


async def test_forged_ids_cannot_reach_another_servers_feeds_or_digests(
    two_guilds: tuple[Newsdesk, Guild, User],
) -> None:
    newsdesk, rival, carol = two_guilds
    store = newsdesk.store
    newsroom = newsdesk.discord.guild.id
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    forged: list[tuple[str, dict[str, Any]]] = []

    if newsdesk.discord.world.command_named("feeds", rival.id):
        async with store.transaction():
            feed = await store.add_feed("https://news.example/rss.xml", now.isoformat(), 900)
            subscription, _ = await store.add_subscription(
                guild_id=newsroom,
                channel_id=newsdesk.discord.channel("news").id,
                feed_id=feed.id,
                filter_text="",
                role_id=None,
                created_by=newsdesk.discord.alice.id,
                now=now.isoformat(),
            )
        async with store.transaction():
            theirs = await store.add_feed("https://rival.example/rss.xml", now.isoformat(), 900)
            carols, _ = await store.add_subscription(
                guild_id=rival.id,
                channel_id=newsdesk.discord.world.channel_named("general", rival).id,
                feed_id=theirs.id,
                filter_text="",
                role_id=None,
                created_by=carol.id,
                now=now.isoformat(),
            )
        forged += [
            (f"feeds {action}", {"id": subscription.id})
            for action in ("remove", "pause", "resume", "template", "log", "send-latest")
        ]
        forged += [
            ("feeds edit", {"id": subscription.id, "filter": "stolen"}),
            ("feeds edit", {"id": subscription.id, "name": "Stolen"}),
            ("feeds edit", {"id": subscription.id, "selector": "p"}),
            ("feeds edit", {"id": subscription.id, "clear": "identity"}),
            ("feeds copy", {"from": subscription.id, "to": "all"}),
            ("feeds copy", {"from": carols.id, "to": str(subscription.id), "settings": "all"}),
            ("feeds list", {}),
        ]
    if newsdesk.discord.world.command_named("digest", rival.id):
        from bot.digest.manage import draft_schedule

        draft = draft_schedule(
            guild_id=newsroom,
            channel_id=newsdesk.discord.channel("news").id,
            target="text",
            time="08:00",
            timezone="UTC",
            created_by=newsdesk.discord.alice.id,
            now=now,
        )
        schedule = await store.add_digest_schedule(draft, now)
        forged += [
            (f"digest {action}", {"id": schedule.id})
            for action in ("remove", "pause", "resume", "preview", "now")
        ] + [("digest list", {})]
    if newsdesk.discord.world.command_named("mute", rival.id):
        ours, _ = await add_mute(store, newsroom, "word", "ferry", created_by=1)
        forged += [("mute remove", {"rule": str(ours.id)}), ("mute list", {})]
    if not forged:
        pytest.skip("neither feeds nor digests have landed")
    before = await state_of(newsdesk, newsroom)

    for command, options in forged:
        reply = await slash_in(newsdesk, rival, carol, command, **options)
        assert reply.modal is None, command  # no template form opens on another's feed
        shown = str(reply.message.embeds) + reply.message.content
        assert "news.example" not in shown, (command, shown)
        if "id" in options or "from" in options:
            assert f"no {command.split()[0].rstrip('s')}" in shown.lower() or "no feed" in shown
        if command.startswith("mute"):
            assert "ferry" not in shown, (command, shown)
    if newsdesk.discord.world.command_named("feeds", rival.id):
        choices = await newsdesk.discord.autocomplete(
            "feeds edit",
            "id",
            "",
            user=carol,
            channel=newsdesk.discord.world.channel_named("general", rival),
        )
        assert [c["value"] for c in choices] == [carols.id]  # only Rival's own feed
        for command in ("feeds export", "settings export"):
            exported = await slash_in(newsdesk, rival, carol, command)
            [(_, data)] = exported.message.files.items()
            assert b"rival.example" in data and b"news.example" not in data, command
    if newsdesk.discord.world.command_named("mute", rival.id):
        rival_general = newsdesk.discord.world.channel_named("general", rival)
        offered = await newsdesk.discord.autocomplete(
            "mute remove", "rule", "", user=carol, channel=rival_general
        )
        assert offered == []  # Newsroom's rule is never offered in Rival
    assert await state_of(newsdesk, newsroom) == before


async def test_a_member_cannot_remove_someone_elses_follow_by_its_number(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    if discord.world.command_named("unfollow", discord.guild.id) is None:
        pytest.skip("follows have not landed")
    guild = discord.guild.id
    await discord.slash("follow query", text="ceasefire")
    (mine,) = await newsdesk.store.visible_follows(guild, discord.alice.id)

    forged = await newsdesk.slash_as(discord.bob, "unfollow", permissions=0, follow=str(mine.id))

    assert forged.message.ephemeral
    assert [f.id for f in await newsdesk.store.visible_follows(guild, discord.alice.id)] == [
        mine.id
    ]


async def test_buttons_from_before_a_restart_are_refused_not_obeyed(
    newsdesk_factory: Callable[..., Any], clock: Any
) -> None:
    async with DiscordEmulator(clock=clock) as discord:
        async with newsdesk_factory(discord=discord):
            results = await discord.slash("search", query="Qatar")
        async with newsdesk_factory(discord=discord):
            stale = await click_raw(
                discord, results.message, "pager:search:pick", discord.alice, values=["1"]
            )

    assert stale.message.ephemeral
    assert "expired" in stale.message.content
    assert set(callbacks_per_interaction(discord).values()) == {1}


async def test_feed_prefix_commands_need_manage_server_and_stay_in_their_server(
    newsdesk_factory: Callable[..., Any], clock: Any
) -> None:
    """`!feeds pause|resume|send-latest` refuse a member without Manage Server (the
    emulator's @everyone is an administrator unless told otherwise), and a forged number."""
    world = default_world()
    guild = world.guilds[0]
    member = discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, read_message_history=True
    )
    guild.roles[0].permissions = member.value  # @everyone: a plain member
    bots = Role(world.ids.next(), "Bots", permissions=ADMINISTRATOR, position=2)
    guild.roles.append(bots)
    bot_member = guild.member(world.bot.id)
    assert bot_member is not None
    bot_member.roles.append(bots.id)
    carol = world.add_user("carol")
    rival = world.add_guild("Rival", members=(carol,))
    async with (
        DiscordEmulator(world, clock=clock) as emulator,
        newsdesk_factory(discord=emulator) as desk,
    ):
        store = desk.store
        now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).isoformat()
        async with store.transaction():
            feed = await store.add_feed("https://news.example/rss.xml", now, 900)
            mine, _ = await store.add_subscription(
                guild_id=guild.id,
                channel_id=emulator.channel("news").id,
                feed_id=feed.id,
                filter_text="",
                role_id=None,
                created_by=emulator.alice.id,
                now=now,
            )
        general = emulator.channel("general")
        before = await state_of(desk, guild.id)
        for line in (
            f"!feeds pause {mine.id}",
            f"!feeds send-latest {mine.id}",
            "!feeds",
            "!feeds export",
            "!feeds import",
        ):
            (refused,) = await emulator.say(general, line, user=emulator.bob)
            assert "You need the Manage Server permission" in refused.embeds[0]["description"]
        # Backups have no prefix path at all: nothing answers them, no file goes out (the
        # refusal of a later command shows the bot has read them).
        answered = len(emulator.bot_messages())
        for line in ("!settings export", "!settings import"):
            await emulator.say(general, line, user=emulator.bob, expect=0)
        await emulator.say(general, "!feeds export", user=emulator.bob)
        await emulator.emulator.settle()
        assert len(emulator.bot_messages()) == answered + 1
        assert not any(m.files for m in emulator.bot_messages())
        rival_general = world.channel_named("general", rival)
        (forged,) = await emulator.say(rival_general, f"!feeds pause {mine.id}", user=carol)
        assert f"There is no feed #{mine.id} in this server" in forged.embeds[0]["description"]
        assert await state_of(desk, guild.id) == before

        (paused,) = await emulator.say(general, f"!feeds pause {mine.id}")  # alice, the owner
        assert f"Paused feed #{mine.id}" in paused.embeds[0]["title"]
        subscription = await store.subscription(guild.id, mine.id)
        assert subscription is not None and subscription.paused
