"""What the store counts for outlets over a period: who reported how much, which stories one
outlet carried and how soon, which its peers carried without it, and whom each names.

A period is [since, until) to the hour, read from each article's place in its story (its
report hour and outlet, bot/store/interface/stories.py); `peers` is a list of outlet names, or
None for every outlet. Each answer is bounded by its `limit`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.store.records.outlets import CarriedStory, MissedStory, OutletCount, OutletNames


class OutletStore(Protocol):
    """Outlets' coverage: aggregates over the articles reported in a period."""

    async def outlets_between(
        self, since: datetime, until: datetime, *, limit: int = 500
    ) -> list[OutletCount]:
        """Outlets with articles reported in the period, those with the most first (ties: by
        name), at most `limit`."""
        ...

    async def feed_outlets(
        self, guild_id: int, since: datetime, until: datetime, *, limit: int = 500
    ) -> list[OutletCount]:
        """The outlets of the articles this guild's feeds brought that were reported in the
        period, with how many such articles each has; most first, at most `limit`."""
        ...

    async def outlet_stories(
        self, outlet: str, since: datetime, until: datetime, *, limit: int = 2000
    ) -> list[CarriedStory]:
        """The stories `outlet` reported in the period (those it reported last first, at most
        `limit`), each with its first report time and this outlet's, over the whole story."""
        ...

    async def outlet_blindspots(
        self,
        outlet: str,
        peers: Sequence[str] | None,
        since: datetime,
        until: datetime,
        *,
        at_least: int,
        limit: int = 10,
    ) -> list[MissedStory]:
        """Stories at least `at_least` of `peers` reported in the period and `outlet` never
        reported: those the most outlets carried first (ties: reported last first), at most
        `limit`."""
        ...

    async def outlet_names(
        self,
        outlet: str,
        peers: Sequence[str] | None,
        since: datetime,
        until: datetime,
        *,
        limit: int = 500,
        articles: int = 20_000,
    ) -> OutletNames:
        """The people, organisations and places `outlet`'s articles reported in the period name
        (in the most of its articles first, at most `limit`), each with how many of its peers'
        articles in the period name it; and both sides' totals over every named entity. Only
        the period's newest `articles` of the outlet's and its peers' are read."""
        ...
