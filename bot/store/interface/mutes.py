"""What the store keeps for a guild's mute list, and the lookups that apply it: which
articles name a muted entity, which guild a follow belongs to, which sources there are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, Unpack

from bot.store.records.mutes import Mute, NewMute


class MuteStore(Protocol):
    """Mute rules, every one scoped by its guild (another guild's rule is never found)."""

    async def add_mute(self, **mute: Unpack[NewMute]) -> tuple[Mute, bool]:
        """Add a rule to a guild's mute list; return it and whether it is new (the same rule
        twice returns the first). Call in a transaction."""
        ...

    async def count_mutes(self, guild_id: int) -> int:
        """How many rules the guild's mute list holds."""
        ...

    async def guild_mutes(self, guild_id: int) -> list[Mute]:
        """The guild's mute list, oldest rule first."""
        ...

    async def guild_mute(self, guild_id: int, mute_id: int) -> Mute | None:
        """One rule of this guild's list, or None (another guild's number finds nothing)."""
        ...

    async def remove_mute(self, guild_id: int, mute_id: int) -> bool:
        """Delete one rule of this guild's list; False if it has no such rule."""
        ...

    async def articles_naming(
        self, article_ids: Sequence[int], entities: Sequence[tuple[str, str]]
    ) -> list[tuple[int, str, str]]:
        """(article id, entity key, label) for each of these articles that names one of these
        entities, given as (entities.name_key, label) pairs."""
        ...

    async def guilds_of_follows(self, follow_ids: Sequence[int]) -> dict[int, int]:
        """The guild of each of these follows (a notification obeys that guild's mute list)."""
        ...

    async def sources_starting(self, typed: str, limit: int = 25) -> list[str]:
        """Distinct article sources starting with `typed` (any case), in order, at most
        `limit`: type-ahead for source rules, read from the source index a name at a time."""
        ...
