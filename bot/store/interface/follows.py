"""What the store keeps for follows (a member or channel following an entity, what an entity
is quoted as saying, or a saved search) and the notifications they were sent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, Unpack

from bot.store.records.follows import Follow, NewFollow, PendingNotification


class FollowStore(Protocol):
    """Follows and notifications: commands are guild-scoped; only matching and delivery look
    across guilds."""

    async def add_follow(self, **follow: Unpack[NewFollow]) -> tuple[Follow, bool]:
        """Add a follow that counts articles stored from now on; return it and whether it is
        new (following the same thing twice returns the first follow). Call in a transaction."""
        ...

    async def count_follows(
        self, guild_id: int, *, user_id: int | None = None, channel_id: int | None = None
    ) -> int:
        """How many follows a member (or a channel) has in this guild."""
        ...

    async def visible_follows(self, guild_id: int, user_id: int) -> list[Follow]:
        """A member's own follows in this guild, then the guild's channel follows."""
        ...

    async def channel_follows(self, guild_id: int) -> list[Follow]:
        """The guild's channel follows (not its members' own), by channel then age."""
        ...

    async def guild_follow(self, guild_id: int, follow_id: int) -> Follow | None:
        """One follow of this guild, or None (another guild's id finds nothing)."""
        ...

    async def remove_follow(self, guild_id: int, follow_id: int) -> bool:
        """Delete one of this guild's follows (and its notifications); False if none."""
        ...

    async def entity_follow_hits(self, article_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(follow id, article id) for every entity follow that one of these articles names
        and that is older than the article."""
        ...

    async def quote_follow_hits(self, article_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(follow id, article id) for every quotes follow whose entity one of these articles
        quotes saying something new (see `QuoteStore.new_quotes`), the follow being older
        than the article."""
        ...

    async def query_follows(self, newest_article_id: int) -> list[Follow]:
        """Every saved-search follow, in all guilds, older than article `newest_article_id`
        (younger ones cannot match it or anything stored before it)."""
        ...

    async def pair_follows(self, limit: int = 500) -> list[tuple[Follow, str | None]]:
        """Every pair follow, in all guilds (the oldest `limit`), with when the rise it was last
        told of began, or None when its pair is not rising."""
        ...

    async def set_pair_risen(self, follow_ids: Sequence[int], risen_at: str | None) -> None:
        """Record that these pair follows were told their pair rose at `risen_at`, or with None
        that their pair rises no more. Call in a transaction."""
        ...

    async def claim_notifications(self, hits: Iterable[tuple[int, int]], now: str) -> int:
        """Record (follow id, article id) pairs to notify; pairs already recorded are ignored,
        so nothing is notified twice. Return how many were new. Call in a transaction."""
        ...

    async def pending_notifications(self, limit: int = 500) -> list[PendingNotification]:
        """Notifications recorded but not delivered yet, oldest first, with their follows."""
        ...

    async def mark_notified(self, notification_ids: Sequence[int], now: str) -> None:
        """Mark notifications delivered."""
        ...

    async def notification_failed(self, notification_ids: Sequence[int], give_up: bool) -> None:
        """Count a failed delivery; with `give_up`, stop trying (status 'failed')."""
        ...

    async def notification_counts(self, follow_id: int) -> dict[str, int]:
        """How many of a follow's notifications are pending, sent and failed."""
        ...
