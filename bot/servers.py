"""Which servers (guilds) the bot is in, kept in the store as the bot joins and leaves them, so
a web process of its own (`python -m bot web`) knows whom to let in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.clock import utc_iso
from bot.config import PREFIX_KEY, prefix_problem
from bot.errors import NewsdeskError
from bot.store import Store


async def record_present(
    store: Store,
    guilds: Sequence[tuple[int, str]],
    now: datetime,
    *,
    mine: Callable[[int], bool] = lambda guild_id: True,
) -> int:
    """The bot is ready and in exactly `guilds` (id, name) among those it runs (`mine`):
    record them, and forget the ones it runs that it left while it was away (another shard
    process's guilds are left to it). Return how many were forgotten."""
    present = {guild_id for guild_id, _ in guilds}
    gone = [g.id for g in await store.bot_guilds() if mine(g.id) and g.id not in present]
    async with store.transaction():
        await store.record_bot_guilds(guilds, utc_iso(now))
        return await store.forget_bot_guilds(gone)


async def record_joined(store: Store, guild_id: int, name: str, now: datetime) -> None:
    """The bot joined a server (or it was renamed)."""
    async with store.transaction():
        await store.record_bot_guilds([(guild_id, name)], utc_iso(now))


async def record_left(store: Store, guild_id: int) -> None:
    """The bot left a server (kicked, banned, or the server was deleted)."""
    async with store.transaction():
        await store.forget_bot_guilds([guild_id])


async def set_guild_prefix(store: Store, guild_id: int, prefix: str) -> None:
    """Change a guild's channel-search prefix (1-5 characters, no spaces or markdown)."""
    problem = prefix_problem(prefix)
    if problem is not None:
        raise NewsdeskError(problem)
    async with store.transaction():
        await store.set_guild_setting(guild_id, PREFIX_KEY, prefix)
