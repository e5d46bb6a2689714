"""Which servers (guilds) the bot is in, kept in the store as the bot joins and leaves them, so
a web process of its own (`python -m bot web`) knows whom to let in; and the channels and roles
it sees there, which the web's admin pages offer to choose from."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


# The guild setting holding what the bot knows of a server's channels and roles (JSON).
PLACES_KEY = "known_places"
# A server has at most 500 channels and 250 roles; what is kept is bounded all the same.
MAX_PLACES = 500


@dataclass(frozen=True)
class Place:
    """A channel the bot may post feeds in, or a role it may ping: its id and name."""

    id: int
    name: str


@dataclass(frozen=True)
class KnownPlaces:
    """A server's channels the bot can post in and its roles, as the bot last saw them (the
    web, which has no gateway, offers these to choose from)."""

    channels: tuple[Place, ...] = ()
    roles: tuple[Place, ...] = ()

    def channel(self, channel_id: int) -> Place | None:
        """The channel with this id, if the bot can post there."""
        return next((c for c in self.channels if c.id == channel_id), None)

    def role(self, role_id: int) -> Place | None:
        """The role with this id, if it is one feeds may ping."""
        return next((r for r in self.roles if r.id == role_id), None)

    def channel_label(self, channel_id: int) -> str:
        """A channel as pages show it: #name, or said plainly when the bot does not know it."""
        return _shown(
            self.channel(channel_id),
            "#",
            recorded=bool(self.channels),
            unknown=f"unknown channel {channel_id} (deleted, or Newsdesk cannot post there)",
            unrecorded=f"channel {channel_id} (Newsdesk has not recorded its channels yet)",
        )

    def role_label(self, role_id: int) -> str:
        """A role as pages show it: @name, or said plainly when it no longer exists."""
        return _shown(
            self.role(role_id),
            "@",
            recorded=bool(self.roles),
            unknown=f"a role that no longer exists ({role_id})",
            unrecorded=f"role {role_id} (Newsdesk has not recorded its roles yet)",
        )

    def channel_for(self, old: int, name: str) -> int | None:
        """This server's channel for a backup's channel: the same id, else the same name (as
        `/settings import` maps them through the gateway)."""
        same = self.channel(old)
        if same is not None:
            return same.id
        return next((c.id for c in self.channels if name and c.name == name), None)

    def role_for(self, old: int, name: str) -> int | None:
        """This server's role for a backup's role: the same id, else the same name."""
        same = self.role(old)
        if same is not None:
            return same.id
        return next((r.id for r in self.roles if name and r.name == name), None)


def _shown(found: Place | None, mark: str, *, recorded: bool, unknown: str, unrecorded: str) -> str:
    """A place by name (`mark` + name); else what is known of it: gone, or not yet recorded."""
    if found is not None:
        return f"{mark}{found.name}"
    return unknown if recorded else unrecorded


async def record_places(store: Store, guild_id: int, places: KnownPlaces) -> None:
    """Keep what the bot sees of a server's channels and roles (on ready, on join, when they
    change)."""
    value = {
        kind: [{"id": str(p.id), "name": p.name[:100]} for p in found[:MAX_PLACES]]
        for kind, found in (("channels", places.channels), ("roles", places.roles))
    }
    async with store.transaction():
        await store.set_guild_setting(guild_id, PLACES_KEY, json.dumps(value, ensure_ascii=False))


async def known_places(store: Store, guild_id: int) -> KnownPlaces:
    """A server's channels and roles as the bot last recorded them (none before it did)."""
    stored = await store.guild_setting(guild_id, PLACES_KEY)
    try:
        value = json.loads(stored) if stored else {}
        return KnownPlaces(
            tuple(Place(int(c["id"]), str(c["name"])) for c in value.get("channels", [])),
            tuple(Place(int(r["id"]), str(r["name"])) for r in value.get("roles", [])),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return KnownPlaces()  # unreadable: the bot writes it again on its next start
