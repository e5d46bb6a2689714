"""What the store answers for entity insights: daily mention counts, co-mention networks, and
pairs of entities named together in a period (for rising names, bot/insights/rising.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.models.entity import KnownEntity
from bot.store.records.insights import CoMentionLinks, DailyCount, PairCounts, PairMentions


class InsightStore(Protocol):
    """Trends, co-mention networks and pairs named together."""

    async def daily_mentions(
        self, entity_ids: Sequence[int], since: str, until: str
    ) -> list[DailyCount]:
        """Mentions and articles per entity per UTC day, by article date in [since, until);
        days without a mention are left out."""
        ...

    async def co_mention_links(
        self, entity_id: int, *, limit: int = 10, since: str = "", window: int = 1000
    ) -> CoMentionLinks:
        """The named entities most often in the same articles as `entity_id` (its latest
        `window` articles dated `since` or later), with the companions' own shared counts."""
        ...

    async def named_articles(self, since: str, until: str) -> int:
        """How many articles dated (published, else ingested) in [since, until) name at least
        one person, organisation, place or other proper name."""
        ...

    async def co_mentioned_pairs(
        self, since: str, until: str, *, min_articles: int, limit: int, articles: int
    ) -> PairCounts:
        """Pairs of proper names named together in at least `min_articles` of the newest
        `articles` articles dated in [since, until): those in the most first (ties: by ids), at
        most `limit`; how many pairs reached `min_articles`, and how many of those articles
        name any."""
        ...

    async def pair_mentions(
        self, pairs: Sequence[tuple[int, int]], since: str, until: str
    ) -> dict[tuple[int, int], PairMentions]:
        """For each (entity id, entity id) pair, lower id first, in how many articles dated in
        [since, until) both are named, and the latest stored of them (pairs never together are
        left out)."""
        ...

    async def entities_by_key(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], KnownEntity]:
        """The entities filed under these (label, name key) pairs (see `entity_key`), those
        known."""
        ...
