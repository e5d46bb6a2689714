"""A story's timeline on both backends: outlets in order of report with their delays and what
each added (read from stored text when no analysis is kept), bounded to the first outlets; the
story a query means."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import utc_iso
from bot.errors import ArticleNotFound, QueryError
from bot.insights.timeline import TIMELINE_OUTLETS, find_story, story_timeline
from bot.models import ArticleDraft
from bot.store import Store, StoryMember

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def story_of(store: Store, reports: list[tuple[str, str, float]]) -> list[int]:
    """One story of these (outlet, body, hours after START) reports, stored as given."""
    drafts = [
        ArticleDraft(
            "Ferry strike ends",
            body,
            f"t:{n}",
            source=outlet,
            published_at=utc_iso(START + timedelta(hours=hours)),
        )
        for n, (outlet, body, hours) in enumerate(reports)
    ]
    async with store.transaction():
        stored = await store.store_articles(drafts, utc_iso(START + timedelta(days=2)))
        ids = [s.article_id for s in stored]
        await store.add_story_members(
            [
                StoryMember(i, ids[0], 0, outlet=o)
                for i, (o, _, _) in zip(ids, reports, strict=True)
            ],
            utc_iso(START),
        )
    return ids


async def test_outlets_in_order_with_delays_and_what_each_added(store: Store) -> None:
    ids = await story_of(
        store,
        [
            ("Late", "The ferry strike ended on Monday. Crews return on Friday.", 3),
            ("Wire", "The ferry strike ended on Monday. Unions accepted a 4% raise.", 0),
            ("Wire", "The ferry strike ended on Monday. An update.", 1),
            ("Post", "Unions accepted a 4% raise. The ferry strike ended on Monday.", 2),
        ],
    )
    timeline = await story_timeline(store, ids[0])
    steps = [(s.outlet, s.delay, s.reports, s.added, s.added_count) for s in timeline.steps]
    assert steps == [
        (
            "Wire",
            timedelta(0),
            2,
            ("The ferry strike ended on Monday.", "Unions accepted a 4% raise."),
            2,
        ),
        ("Post", timedelta(hours=2), 1, (), 0),
        ("Late", timedelta(hours=3), 1, ("Crews return on Friday.",), 1),
    ]
    assert timeline.more_outlets == 0
    with pytest.raises(ArticleNotFound, match="no story #999"):
        await story_timeline(store, 999)


async def test_a_timeline_shows_the_first_outlets_only(store: Store) -> None:
    outlets = [(f"Outlet {n:02}", f"Report number {n} of the ferry strike.", n) for n in range(12)]
    ids = await story_of(store, outlets)
    timeline = await story_timeline(store, ids[0])
    assert [s.outlet for s in timeline.steps] == [o for o, _, _ in outlets[:TIMELINE_OUTLETS]]
    assert timeline.more_outlets == 12 - TIMELINE_OUTLETS


async def test_the_story_a_query_means(store: Store) -> None:
    ids = await story_of(store, [("Wire", "Ferry crews walked out at dawn.", 0)])
    assert await find_story(store, f"#{ids[0]}") == ids[0]
    assert await find_story(store, "ferry crews") == ids[0]
    with pytest.raises(QueryError, match="No article matches “zeppelin”"):
        await find_story(store, "zeppelin")
