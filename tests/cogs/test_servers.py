"""The servers the bot is in reach the store as it joins and leaves them (for the web), and a
start forgets only the servers of its own shards that it left while away."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import cast

from bot.client.shards import shard_of
from bot.servers import known_places, record_present
from bot.store import Store
from cogs.servers import Servers
from tests.newsdesk import Newsdesk

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def names(store: Store) -> list[str]:
    return [guild.name for guild in await store.bot_guilds()]


async def test_joins_renames_and_leaves_are_recorded(newsdesk: Newsdesk) -> None:
    cog = cast(Servers, newsdesk.bot.get_cog("Servers"))
    async with asyncio.timeout(10):
        await cog.wait_recorded(1)  # on_ready
    assert await names(newsdesk.store) == ["Newsroom"]
    joined = await newsdesk.discord.join_guild("Sports desk", members=(newsdesk.discord.bob,))
    async with asyncio.timeout(10):
        await cog.wait_recorded(2)
    assert await names(newsdesk.store) == ["Newsroom", "Sports desk"]
    await newsdesk.discord.leave_guild(joined)
    async with asyncio.timeout(10):
        await cog.wait_recorded(3)
    assert await names(newsdesk.store) == ["Newsroom"]


async def test_the_channels_and_roles_the_web_offers_are_recorded_on_ready_and_join(
    newsdesk: Newsdesk,
) -> None:
    cog = cast(Servers, newsdesk.bot.get_cog("Servers"))
    async with asyncio.timeout(10):
        await cog.wait_recorded(1)
    places = await known_places(newsdesk.store, newsdesk.discord.guild.id)
    # Text and forum channels the bot can post in; roles but @everyone.
    assert [c.name for c in places.channels] == ["general", "news", "briefings"]
    assert [r.name for r in places.roles] == ["Editors"]
    joined = await newsdesk.discord.join_guild("Sports desk", members=(newsdesk.discord.bob,))
    async with asyncio.timeout(10):
        await cog.wait_recorded(2)
    assert [c.name for c in (await known_places(newsdesk.store, joined.id)).channels] == [
        "general",
        "news",
    ]


async def test_a_start_forgets_only_its_own_shards_servers(store: Store) -> None:
    # Two shards; guild ids chosen to land on each.
    on_0 = [gid for gid in range(1 << 22, 40 << 22, 1 << 22) if shard_of(gid, 2) == 0][:2]
    on_1 = [gid for gid in range(1 << 22, 40 << 22, 1 << 22) if shard_of(gid, 2) == 1][:1]
    async with store.transaction():
        await store.record_bot_guilds([(g, f"g{g}") for g in on_0 + on_1], "2026-03-01")
    # Shard 0 comes back in only one of its two servers; shard 1's server is not its business.
    gone = await record_present(
        store, [(on_0[0], "kept")], NOW, mine=lambda gid: shard_of(gid, 2) == 0
    )
    assert gone == 1
    assert {g.id for g in await store.bot_guilds()} == {on_0[0], on_1[0]}
