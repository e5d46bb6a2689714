"""Placing articles in stories through the store, on both backends: at ingest (every path),
across separate runs, within the window only, and catching up after a crash."""

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import FakeClock, utc_iso
from bot.ingest import ingest_drafts, ingest_paths
from bot.models import ArticleDraft
from bot.store import Store
from bot.stories import catch_up_stories, story_ids

from .texts import HARBOUR, VOTE, page_text

JAN_10, JAN_10_11H = "2025-01-10T08:00:00+00:00", "2025-01-10T11:00:00+00:00"


def draft(name: str, origin: str, source: str, *, note: str = "", **extra: str) -> ArticleDraft:
    title, body = page_text(name)
    return ArticleDraft(title=title, body=body + note, origin=origin, source=source, **extra)


async def test_near_duplicates_share_a_story_across_ingests(store: Store, clock: FakeClock) -> None:
    first = await ingest_drafts(
        store,
        [
            draft("storm_harbour.html", "x:harbour", "Harbour"),
            draft("budget.html", "x:budget", "Harbour"),
        ],
        clock=clock,
    )
    storm_id, budget_id = first.added
    assert await store.stories_of(first.added) == {storm_id: storm_id, budget_id: budget_id}

    clock.advance(hours=2)  # another run, another process: nothing is kept in memory
    later = await ingest_drafts(store, [draft("storm_wire.html", "x:wire", "Wire")], clock=clock)
    [wire_id] = later.added
    assert await store.stories_of([wire_id]) == {wire_id: storm_id}
    story = await store.story(storm_id)
    assert story is not None and story.sources == ("Harbour", "Wire")
    assert story.article_ids == (storm_id, wire_id)
    # Asking again changes nothing.
    assert await story_ids(store, [wire_id, storm_id]) == {wire_id: storm_id, storm_id: storm_id}


async def test_one_batch_groups_its_own_near_duplicates(store: Store, clock: FakeClock) -> None:
    report = await ingest_drafts(
        store,
        [
            ArticleDraft("Harbour reopens after repairs", HARBOUR, "t:1", source="Wire"),
            ArticleDraft("Budget passes", VOTE, "t:2", source="Wire"),
            ArticleDraft(
                "City harbour reopens", HARBOUR.replace("Monday", "Monday morning"), "t:3"
            ),
        ],
        clock=clock,
    )
    one, two, three = report.added
    assert await store.stories_of(report.added) == {one: one, two: two, three: one}


async def test_stories_more_than_three_days_apart_are_not_joined(
    store: Store, clock: FakeClock
) -> None:
    old = await ingest_drafts(store, [draft("storm_harbour.html", "x:1", "A")], clock=clock)
    clock.advance(days=4)
    new = await ingest_drafts(store, [draft("storm_wire.html", "x:2", "B")], clock=clock)
    [old_id], [new_id] = old.added, new.added
    assert await store.stories_of([old_id, new_id]) == {old_id: old_id, new_id: new_id}
    # Publication times count, not when the articles were read: an archive loaded today
    # still groups reports of one day.
    archive = await ingest_drafts(
        store,
        [
            draft("storm_harbour.html", "y:1", "A", note="\n\nArchive.", published_at=JAN_10),
            draft("storm_wire.html", "y:2", "B", note="\n\nArchive.", published_at=JAN_10_11H),
        ],
        clock=clock,
    )
    first, second = archive.added
    assert await store.stories_of(archive.added) == {first: first, second: first}


async def test_files_and_json_records_are_placed_too(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    title, body = page_text("storm_harbour.html")
    (tmp_path / "storm.txt").write_text(f"{title}\n\n{body}\n")
    wire_title, wire_body = page_text("storm_wire.html")
    record = {"title": wire_title, "body": wire_body, "source": "Wire", "url": "https://w.example"}
    (tmp_path / "wire.json").write_text(json.dumps(record))
    report = await ingest_paths(store, [tmp_path], clock=clock)
    assert len(report.added) == 2
    assert set((await store.stories_of(report.added)).values()) == {min(report.added)}


async def test_articles_stored_without_a_story_are_placed_on_the_next_start(
    store: Store, clock: FakeClock
) -> None:
    # What a crash between storing and placing would leave (or a store from before every
    # article had a story): the articles without their stories.
    now = utc_iso(clock.now())
    async with store.transaction():
        stored = await store.store_articles(
            [
                draft("storm_harbour.html", "x:1", "Harbour"),
                draft("budget.html", "x:2", "Harbour"),
                draft("storm_wire.html", "x:3", "Wire"),
            ],
            now,
        )
    ids = [s.article_id for s in stored]
    assert await store.stories_of(ids) == {}
    assert [i for i, _ in await store.unplaced_articles()] == ids
    assert await catch_up_stories(store, clock=clock) == 3
    storm, budget, wire = ids
    assert await store.stories_of(ids) == {storm: storm, budget: budget, wire: storm}
    assert await store.unplaced_articles() == []
    assert await catch_up_stories(store, clock=clock) == 0
    # Later articles find the caught-up ones.
    later = await ingest_drafts(
        store, [draft("storm_wire.html", "x:4", "Post", note=" Update.")], clock=clock
    )
    assert await store.stories_of(later.added) == {later.added[0]: storm}


async def test_the_poller_looks_up_stories_of_articles_stored_before(
    store: Store, clock: FakeClock
) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    async with store.transaction():
        [stored] = await store.store_articles([draft("budget.html", "x:9", "H")], utc_iso(now))
    # A story id is given on demand too (the article is placed then).
    assert await story_ids(store, [stored.article_id], clock=clock) == {
        stored.article_id: stored.article_id
    }
