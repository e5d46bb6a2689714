"""PostgreSQL SQL for stories: which story each article is in, candidates by story key,
stories read whole.

Contract: bot/store/interface/stories.py (records and row decoders: bot/store/records/).
Several processes may ingest at once here: placing articles takes a transaction-scoped
advisory lock, so a near-duplicate stored by another worker a moment ago is seen, not raced.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from bot.models.story import Story
from bot.store.postgres.base import PgBase
from bot.store.records.stories import (
    CANDIDATE_COLUMNS,
    REPORT_COLUMNS,
    STORY_REPORTS_CAP,
    StoryMember,
    StoryProbe,
    candidate_from_row,
    member_values,
    stories_from_rows,
)

# Any constant shared by every Newsdesk process ("STOR"): held while articles are placed.
_PLACING_LOCK = 0x53544F52


class PgStoryQueries(PgBase):
    """Story statements for `PostgresStore`."""

    async def stories_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        if not article_ids:
            return {}
        rows = await self._fetch(
            "SELECT article_id, story_id FROM article_stories WHERE article_id = ANY($1::bigint[])",
            list(article_ids),
        )
        return {row[0]: row[1] for row in rows}

    async def _stories(self, story_ids: Sequence[int]) -> list[Story]:
        """The stories with these ids, whole (the first STORY_REPORTS_CAP of each)."""
        if not story_ids:
            return []
        rows = await self._fetch(
            f"SELECT {REPORT_COLUMNS} FROM (SELECT story_id, article_id, row_number() OVER"
            " (PARTITION BY story_id ORDER BY article_id) AS n FROM article_stories"
            " WHERE story_id = ANY($1::bigint[])) s JOIN articles a ON a.id = s.article_id"
            " WHERE s.n <= $2 ORDER BY s.story_id, s.article_id",
            list(story_ids),
            STORY_REPORTS_CAP,
        )
        return stories_from_rows(rows)

    async def story(self, story_id: int) -> Story | None:
        found = await self._stories([story_id])
        return found[0] if found else None

    async def stories_for(self, article_ids: Sequence[int]) -> list[Story]:
        stories = await self.stories_of(article_ids)
        return await self._stories(sorted(set(stories.values())))

    async def stories_between(
        self, since: datetime, until: datetime, limit: int = 50
    ) -> list[Story]:
        low, high = math.floor(since.timestamp() / 3600), math.ceil(until.timestamp() / 3600)
        rows = await self._fetch(
            "SELECT story_id FROM article_stories WHERE hour >= $1 AND hour < $2"
            " GROUP BY story_id ORDER BY max(hour) DESC, story_id DESC LIMIT $3",
            low,
            high,
            limit,
        )
        ids = [row[0] for row in rows]
        by_id = {story.id: story for story in await self._stories(ids)}
        return [by_id[story_id] for story_id in ids if story_id in by_id]

    async def story_candidates(
        self, probes: Sequence[StoryProbe], limit: int
    ) -> list[list[StoryMember]]:
        found: list[list[StoryMember]] = [[] for _ in probes]
        # Inside a transaction this waits for another process placing articles to commit.
        await self._execute("SELECT pg_advisory_xact_lock($1)", _PLACING_LOCK)
        flat = [(i, key, p.low, p.high) for i, p in enumerate(probes) for key in p.keys]
        if not flat:
            return found
        columns = [list(column) for column in zip(*flat, strict=True)]
        rows = await self._fetch(
            "WITH probe AS (SELECT * FROM unnest($1::int[], $2::bigint[], $3::int[], $4::int[])"
            " AS p(i, key, low, high)),"
            " hits AS (SELECT p.i AS probe, k.article_id, count(*) AS shared FROM probe p"
            " JOIN story_keys k ON k.key = p.key AND k.hour BETWEEN p.low AND p.high"
            " GROUP BY p.i, k.article_id),"
            " c AS (SELECT probe, article_id, shared, row_number() OVER (PARTITION BY probe"
            " ORDER BY shared DESC, article_id DESC) AS n FROM hits)"
            f" SELECT {CANDIDATE_COLUMNS} FROM c"
            " JOIN article_stories s ON s.article_id = c.article_id"
            " JOIN articles a ON a.id = s.article_id WHERE c.n <= $5 ORDER BY c.probe, c.n",
            *columns,
            limit,
        )
        for row in rows:
            found[row["probe"]].append(candidate_from_row(row))
        return found

    async def add_story_members(self, members: Sequence[StoryMember], now: str) -> None:
        await self._executemany(
            "INSERT INTO article_stories (article_id, story_id, hour, sketch, lead, headline,"
            " outlet, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " ON CONFLICT (article_id) DO UPDATE SET hour = excluded.hour,"
            " sketch = excluded.sketch, lead = excluded.lead, headline = excluded.headline,"
            " outlet = excluded.outlet WHERE article_stories.hour IS NULL",
            [member_values(member, now) for member in members],
        )
        await self._executemany(
            "INSERT INTO story_keys (key, hour, article_id) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            [(key, m.hour, m.article_id) for m in members for key in dict.fromkeys(m.keys)],
        )

    async def unplaced_articles(
        self, *, after_id: int = 0, limit: int = 200
    ) -> list[tuple[int, int | None]]:
        rows = await self._fetch(
            "SELECT a.id, s.story_id FROM articles a"
            " LEFT JOIN article_stories s ON s.article_id = a.id"
            " WHERE a.id > $1 AND (s.article_id IS NULL OR s.hour IS NULL) ORDER BY a.id LIMIT $2",
            after_id,
            limit,
        )
        return [(row[0], row[1]) for row in rows]

    async def members_without_outlet(
        self, *, after_id: int = 0, limit: int = 1000
    ) -> list[tuple[int, str, str | None, str]]:
        rows = await self._fetch(
            "SELECT a.id, a.source, a.url, a.origin FROM article_stories s"
            " JOIN articles a ON a.id = s.article_id"
            " WHERE s.article_id > $1 AND s.outlet IS NULL ORDER BY s.article_id LIMIT $2",
            after_id,
            limit,
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def set_member_outlets(self, outlets: Sequence[tuple[int, str]]) -> None:
        await self._executemany(
            "UPDATE article_stories SET outlet = $1 WHERE article_id = $2",
            [(outlet, article_id) for article_id, outlet in outlets],
        )
