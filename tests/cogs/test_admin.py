"""Command sync only when the tree changed, the owner's /sync, and /settings prefix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord

from bot.config import Settings
from bot.sandbox import DiscordEmulator
from tests.newsdesk import Newsdesk


def syncs(emulator: DiscordEmulator) -> list[str]:
    """The paths of every command-sync request so far."""
    return [r.path for r in emulator.requests_to("PUT", "/commands")]


async def test_sync_on_first_start_but_not_on_a_second_with_the_same_tree(
    newsdesk_factory: Callable[..., Any], clock: Any
) -> None:
    async with DiscordEmulator(clock=clock) as emulator:
        async with newsdesk_factory(discord=emulator):
            assert len(syncs(emulator)) == 1
            synced = {c["name"] for c in emulator.commands[None]}
        async with newsdesk_factory(discord=emulator) as again:
            reply = await again.discord.slash("search", query="Qatar")

    assert len(syncs(emulator)) == 1
    assert {"search", "article", "help", "about", "settings", "Find related news"} <= synced
    assert reply.message.embeds[0]["title"] == "Results for “Qatar”"


async def test_dev_guild_id_syncs_to_that_guild_only(
    newsdesk_factory: Callable[..., Any], clock: Any
) -> None:
    async with DiscordEmulator(clock=clock) as emulator:
        settings = Settings(dev_guild_id=emulator.guild.id)
        async with newsdesk_factory(discord=emulator, settings=settings) as desk:
            reply = await desk.discord.slash("about")

    assert syncs(emulator) == [
        f"/applications/{emulator.bot_user.id}/guilds/{emulator.guild.id}/commands"
    ]
    assert "search" in {c["name"] for c in emulator.commands[emulator.guild.id]}
    assert None not in emulator.commands
    assert reply.message.embeds[0]["title"] == "About Newsdesk"


async def test_the_owner_can_force_a_sync(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("sync")

    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"].startswith("Synced ")
    assert len(syncs(newsdesk.discord)) == 2


async def test_sync_is_refused_to_anyone_but_the_owner(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("sync", user=newsdesk.discord.bob)

    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"] == "Only the bot's owner can do that."
    assert len(syncs(newsdesk.discord)) == 1


async def test_prefix_sync_for_the_owner(newsdesk: Newsdesk) -> None:
    (reply,) = await newsdesk.discord.say(newsdesk.discord.channel("general"), "!sync")
    assert reply.embeds[0]["description"].startswith("Synced ")


async def test_changing_the_prefix_needs_manage_server(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.slash_as(
        newsdesk.discord.bob, "settings prefix", permissions=0, value="?"
    )

    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"] == (
        "You need the Manage Server permission to do that."
    )
    assert await newsdesk.bot.prefix_for(newsdesk.discord.guild.id) == "!"


async def test_an_admin_changes_the_prefix_and_channel_search_follows(
    newsdesk: Newsdesk,
) -> None:
    discord_ = newsdesk.discord
    manage_guild = discord.Permissions(manage_guild=True).value
    reply = await newsdesk.slash_as(
        discord_.bob, "settings prefix", permissions=manage_guild, value="?"
    )

    (answer,) = await discord_.say(discord_.channel("news"), "?news ceasefire")

    assert reply.message.embeds[0]["description"] == (
        "Channel search now answers ?news, e.g. ?news ceasefire."
    )
    assert answer.embeds[0]["title"] == "Results for “ceasefire”"
    assert await newsdesk.store.guild_setting(discord_.guild.id, "prefix") == "?"


async def test_a_prefix_with_markdown_is_refused(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("settings prefix", value="`")

    assert reply.message.ephemeral
    assert "1-5 characters without spaces" in reply.message.embeds[0]["description"]
