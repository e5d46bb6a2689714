"""`/settings export` and `/settings import` through the emulator: a server's setup exported as
a file and restored into another server, its channels and roles found by name there; what has
no place there is refused with the reason; a file that is not a backup is refused whole; the
first server is never touched."""

from __future__ import annotations

import json

from bot.sandbox.emulator.state import Guild, Upload, User
from tests.adversarial.test_permissions import slash_in, two_guilds
from tests.newsdesk import Newsdesk

__all__ = ["two_guilds"]  # the fixture this module uses: the bot in Newsroom and in Rival

NOW = "2026-03-02T09:00:00+00:00"


async def set_up(desk: Newsdesk) -> None:
    """Newsroom follows a feed in #news (pinging @Editors, under its own name) and one in its
    forum, follows a search in #news, has a digest and the prefix `?`."""
    discord, store = desk.discord, desk.store
    news, briefings = discord.channel("news"), discord.channel("briefings")
    editors = discord.guild.roles[1]
    async with store.transaction():
        for url, channel, role in (
            ("https://harbour.example/rss.xml", news.id, editors.id),
            ("https://wire.example/atom.xml", briefings.id, None),
        ):
            feed = await store.add_feed(url, NOW, 900)
            await store.add_subscription(
                guild_id=discord.guild.id,
                channel_id=channel,
                feed_id=feed.id,
                filter_text="",
                role_id=role,
                created_by=discord.alice.id,
                now=NOW,
            )
        await store.set_feed_options(discord.guild.id, 1, identity_name="Harbour Times")
    await discord.slash("follow query", text="ceasefire -Egypt", named={"channel": news})
    await discord.slash("digest schedule", time="08:00", timezone="UTC", named={"channel": news})
    await discord.slash("settings prefix", value="?")


async def test_a_servers_setup_moves_to_another_server_by_channel_and_role_names(
    two_guilds: tuple[Newsdesk, Guild, User],
) -> None:
    desk, rival, carol = two_guilds
    discord, store = desk.discord, desk.store
    await set_up(desk)
    exported = await discord.slash("settings export")
    assert exported.message.ephemeral
    description = exported.message.embeds[0]["description"]
    assert "2 feeds, 1 digest, 1 channel follow, 0 mute rules" in description
    [(name, data)] = exported.message.files.items()
    assert name == f"newsdesk-{discord.guild.id}.json"
    backup = json.loads(data)
    assert backup["server"]["name"] == "Newsroom" and len(backup["feeds"]) == 2

    upload: Upload = discord.upload(name, data, "application/json")
    restored = await slash_in(desk, rival, carol, "settings import", file=upload)
    embed = restored.message.embeds[0]
    assert restored.message.ephemeral and embed["title"] == "Backup restored"
    assert "**Feeds**: 1 restored" in embed["description"]
    assert "**Digests**: 1 restored" in embed["description"]
    assert "**Follows**: 1 restored" in embed["description"]
    [refused] = embed["fields"]
    assert "no channel #briefings in this server" in refused["value"]  # Rival has no forum

    rival_news = discord.world.channel_named("news", rival)
    rival_editors = rival.roles[1]
    [(subscription, feed)] = await store.guild_subscriptions(rival.id)
    assert (feed.url, subscription.channel_id) == ("https://harbour.example/rss.xml", rival_news.id)
    assert subscription.role_id == rival_editors.id and subscription.created_by == carol.id
    assert (await store.feed_options(subscription.id)).identity_name == "Harbour Times"
    [schedule] = await store.digest_schedules(rival.id)
    assert (schedule.channel_id, schedule.local_time) == (rival_news.id, "08:00")
    [follow] = await store.channel_follows(rival.id)
    assert (follow.channel_id, follow.target) == (rival_news.id, "ceasefire -Egypt")
    # Rival's channel search answers its restored prefix at once.
    general = discord.world.channel_named("general", rival)
    [answer] = await discord.say(general, "?news Qatar", user=carol)
    assert answer.embeds[0]["title"].startswith("Results for")
    assert len(await store.guild_subscriptions(discord.guild.id)) == 2  # Newsroom untouched


async def test_a_file_that_is_not_a_backup_is_refused_and_nothing_restored(
    two_guilds: tuple[Newsdesk, Guild, User],
) -> None:
    desk, rival, carol = two_guilds
    for data, reason in (
        (b"{not json", "it is not JSON"),
        (b'{"newsdesk_backup": 7}', "it is a version 7 backup"),
        (b'{"newsdesk_backup": 1, "server": {"id": "1"}}', "Field required"),
    ):
        upload = desk.discord.upload("backup.json", data, "application/json")
        refused = await slash_in(desk, rival, carol, "settings import", file=upload)
        description = refused.message.embeds[0]["description"]
        assert "That file was refused" in description and reason in description, description
        assert "Nothing was restored." in description
    assert await desk.store.guild_subscriptions(rival.id) == []
    assert await desk.store.guild_setting(rival.id, "prefix") is None
