"""Story clusters: reworded copy joins a story, others do not; the index survives restarts."""

from bot.clock import FakeClock
from bot.feeds.parse import extract_article
from bot.feeds.stories import StoryIndex, shingles, signature
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.store import Store

from .newsroom import FIXTURES


def page_text(name: str) -> str:
    return extract_article((FIXTURES / name).read_bytes()).body


def draft(title: str, body: str, origin: str, source: str) -> ArticleDraft:
    return ArticleDraft(title=title, body=body, origin=origin, source=source)


def test_reworded_copy_is_similar_and_other_stories_are_not() -> None:
    harbour, wire = (
        signature(page_text("storm_harbour.html")),
        signature(page_text("storm_wire.html")),
    )
    budget = signature(page_text("budget.html"))
    assert harbour is not None and wire is not None and budget is not None
    assert harbour.jaccard(wire) > 0.6
    assert harbour.jaccard(budget) < 0.1
    assert signature("Too short to compare.") is None
    assert shingles("The U.S. team’s win") == {b"the u s", b"u s team", b"s team s", b"team s win"}


async def test_near_duplicates_share_a_story_even_after_a_restart(
    store: Store, clock: FakeClock
) -> None:
    report = await ingest_drafts(
        store,
        [
            draft("Storm closes ports", page_text("storm_harbour.html"), "x:harbour", "Harbour"),
            draft("Budget passes", page_text("budget.html"), "x:budget", "Harbour"),
        ],
        clock=clock,
    )
    index = StoryIndex(store, clock=clock)
    first = await index.assign(await store.articles(report.added))
    storm_id, budget_id = report.added
    assert first == {storm_id: storm_id, budget_id: budget_id}

    clock.advance(hours=2)
    restarted = StoryIndex(store, clock=clock)  # rebuilt from the saved signatures
    later = await ingest_drafts(
        store,
        [draft("Storm shuts ports", page_text("storm_wire.html"), "x:wire", "Wire")],
        clock=clock,
    )
    [wire_id] = later.added
    assert await restarted.assign(await store.articles([wire_id])) == {wire_id: storm_id}
    assert await store.story_sources(storm_id) == ["Harbour", "Wire"]
    # Assigning again changes nothing.
    assert await restarted.assign(await store.articles([wire_id, storm_id])) == {
        wire_id: storm_id,
        storm_id: storm_id,
    }


async def test_stories_older_than_the_window_are_not_joined(store: Store, clock: FakeClock) -> None:
    index = StoryIndex(store, clock=clock)
    old = await ingest_drafts(
        store, [draft("Storm", page_text("storm_harbour.html"), "x:1", "A")], clock=clock
    )
    await index.assign(await store.articles(old.added))
    clock.advance(days=4)
    new = await ingest_drafts(
        store, [draft("Storm", page_text("storm_wire.html"), "x:2", "B")], clock=clock
    )
    [new_id] = new.added
    assert await index.assign(await store.articles([new_id])) == {new_id: new_id}
