"""What the store answers for entity insights: daily mention counts, co-mention networks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.store.records.insights import CoMentionLinks, DailyCount


class InsightStore(Protocol):
    """Trends and co-mention networks."""

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
