"""What the store keeps for stories: which story each article is in, what later articles are
matched against (bot/stories/ decides; the store finds candidates and keeps the result), and
stories read back whole."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.models.story import Story
from bot.store.records.stories import StoryMember, StoryProbe


class StoryStore(Protocol):
    """Stories: one per article, named by their first article's id, stable once given."""

    async def stories_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        """Map each article (that has one) to its story id."""
        ...

    async def story(self, story_id: int) -> Story | None:
        """The story with this id and its articles (the first STORY_REPORTS_CAP stored), or
        None when no article is in it."""
        ...

    async def stories_for(self, article_ids: Sequence[int]) -> list[Story]:
        """The stories these articles are in, each with all its articles (not only these; the
        first STORY_REPORTS_CAP stored), in order of story id."""
        ...

    async def stories_between(
        self, since: datetime, until: datetime, limit: int = 50
    ) -> list[Story]:
        """Stories with an article reported (published, else ingested) in [since, until), to
        the hour; those reported most recently first, at most `limit`, each whole."""
        ...

    async def story_candidates(
        self, probes: Sequence[StoryProbe], limit: int
    ) -> list[list[StoryMember]]:
        """For each probe, the placed articles indexed under any of its keys within its hours,
        those sharing the most keys first (ties: newest first), at most `limit` each. Call it in
        the transaction that adds the new members: on PostgreSQL it takes a lock there, so
        processes placing articles at the same time take turns and see each other's stories."""
        ...

    async def add_story_members(self, members: Sequence[StoryMember], now: str) -> None:
        """Place articles in their stories with what later articles are matched against, and
        index their keys. An article already in a story stays in it (first placement wins);
        one placed before matching data was kept gets its data filled in."""
        ...

    async def unplaced_articles(
        self, *, after_id: int = 0, limit: int = 200
    ) -> list[tuple[int, int | None]]:
        """Articles after `after_id` in no story, or in one kept without matching data (from
        before the store kept it), as (article id, story id or None), in id order."""
        ...

    async def members_without_outlet(
        self, *, after_id: int = 0, limit: int = 1000
    ) -> list[tuple[int, str, str | None, str]]:
        """Placed articles after `after_id` whose outlet is not kept yet (placed before
        outlets were), as (article id, source, url, origin), in id order."""
        ...

    async def set_member_outlets(self, outlets: Sequence[tuple[int, str]]) -> None:
        """Keep each (article id, outlet) with the article's place in its story."""
        ...
