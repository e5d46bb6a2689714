"""SQL for stories: which story each article is in, candidates by story key, stories read whole.

Contract: bot/store/interface/stories.py (records and row decoders: bot/store/records/).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.models.story import Story
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
from bot.store.sqlite.db import marks
from bot.store.sqlite.readers import pooled


class StoryQueries:
    """Story statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    @pooled
    async def stories_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        if not article_ids:
            return {}
        async with self.conn.execute(
            "SELECT article_id, story_id FROM article_stories"
            " WHERE article_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(article_ids)),),
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    async def _stories(self, story_ids: Sequence[int]) -> list[Story]:
        """The stories with these ids, whole (the first STORY_REPORTS_CAP of each)."""
        if not story_ids:
            return []
        async with self.conn.execute(
            f"SELECT {REPORT_COLUMNS} FROM (SELECT story_id, article_id, row_number() OVER"
            " (PARTITION BY story_id ORDER BY article_id) AS n FROM article_stories"
            f" WHERE story_id IN ({marks(story_ids)})) s JOIN articles a ON a.id = s.article_id"
            " WHERE s.n <= ? ORDER BY s.story_id, s.article_id",
            (*story_ids, STORY_REPORTS_CAP),
        ) as cur:
            return stories_from_rows(await cur.fetchall())

    @pooled
    async def story(self, story_id: int) -> Story | None:
        found = await self._stories([story_id])
        return found[0] if found else None

    @pooled
    async def stories_for(self, article_ids: Sequence[int]) -> list[Story]:
        stories = await self.stories_of(article_ids)
        return await self._stories(sorted(set(stories.values())))

    async def stories_between(
        self, since: datetime, until: datetime, limit: int = 50
    ) -> list[Story]:
        low, high = math.floor(since.timestamp() / 3600), math.ceil(until.timestamp() / 3600)
        async with self.conn.execute(
            "SELECT story_id FROM article_stories WHERE hour >= ? AND hour < ?"
            " GROUP BY story_id ORDER BY max(hour) DESC, story_id DESC LIMIT ?",
            (low, high, limit),
        ) as cur:
            ids = [row[0] for row in await cur.fetchall()]
        by_id = {story.id: story for story in await self._stories(ids)}
        return [by_id[story_id] for story_id in ids if story_id in by_id]

    async def story_candidates(
        self, probes: Sequence[StoryProbe], limit: int
    ) -> list[list[StoryMember]]:
        found: list[list[StoryMember]] = [[] for _ in probes]
        rows = [[i, key, p.low, p.high] for i, p in enumerate(probes) for key in p.keys]
        if not rows:
            return found
        # One statement for the batch: the probes drive the (key, hour) primary key.
        async with self.conn.execute(
            "WITH probe(i, key, low, high) AS (SELECT json_extract(value, '$[0]'),"
            " json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
            " json_extract(value, '$[3]') FROM json_each(?)),"
            " hits AS (SELECT p.i AS probe, k.article_id, count(*) AS shared FROM probe p"
            " JOIN story_keys k ON k.key = p.key AND k.hour BETWEEN p.low AND p.high"
            " GROUP BY p.i, k.article_id),"
            " c AS (SELECT probe, article_id, shared, row_number() OVER (PARTITION BY probe"
            " ORDER BY shared DESC, article_id DESC) AS n FROM hits)"
            f" SELECT {CANDIDATE_COLUMNS} FROM c"
            " JOIN article_stories s ON s.article_id = c.article_id"
            " JOIN articles a ON a.id = s.article_id WHERE c.n <= ? ORDER BY c.probe, c.n",
            (json.dumps(rows), limit),
        ) as cur:
            for row in await cur.fetchall():
                found[row["probe"]].append(candidate_from_row(row))
        return found

    async def add_story_members(self, members: Sequence[StoryMember], now: str) -> None:
        await self.conn.executemany(
            "INSERT INTO article_stories (article_id, story_id, hour, sketch, lead, headline,"
            " outlet, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_id)"
            " DO UPDATE SET hour = excluded.hour, sketch = excluded.sketch, lead = excluded.lead,"
            " headline = excluded.headline, outlet = excluded.outlet"
            " WHERE article_stories.hour IS NULL",
            [member_values(member, now) for member in members],
        )
        await self.conn.executemany(
            "INSERT INTO story_keys (key, hour, article_id) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(key, m.hour, m.article_id) for m in members for key in dict.fromkeys(m.keys)],
        )

    async def unplaced_articles(
        self, *, after_id: int = 0, limit: int = 200
    ) -> list[tuple[int, int | None]]:
        async with self.conn.execute(
            "SELECT a.id, s.story_id FROM articles a"
            " LEFT JOIN article_stories s ON s.article_id = a.id"
            " WHERE a.id > ? AND (s.article_id IS NULL OR s.hour IS NULL) ORDER BY a.id LIMIT ?",
            (after_id, limit),
        ) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def members_without_outlet(
        self, *, after_id: int = 0, limit: int = 1000
    ) -> list[tuple[int, str, str | None, str]]:
        async with self.conn.execute(
            "SELECT a.id, a.source, a.url, a.origin FROM article_stories s"
            " JOIN articles a ON a.id = s.article_id"
            " WHERE s.article_id > ? AND s.outlet IS NULL ORDER BY s.article_id LIMIT ?",
            (after_id, limit),
        ) as cur:
            return [(row[0], row[1], row[2], row[3]) for row in await cur.fetchall()]

    async def set_member_outlets(self, outlets: Sequence[tuple[int, str]]) -> None:
        await self.conn.executemany(
            "UPDATE article_stories SET outlet = ? WHERE article_id = ?",
            [(outlet, article_id) for article_id, outlet in outlets],
        )
