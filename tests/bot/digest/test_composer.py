"""Composing digests from a real store: window, filters, near-duplicates, ranking, summaries."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.digest import DigestComposer, NoFacts, ScheduleError, StoredFacts, parse_filter
from bot.digest.composer import clip, lead_sentences
from bot.ingest import ingest_paths
from bot.nlp import NlpService
from bot.nlp.enrichment import enrich_articles
from bot.store import Store

from .conftest import article, store_at

MORNING = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
SINCE = MORNING - timedelta(days=1)

HARBOUR = (
    "The city harbour reopened to container ships on Monday after a week of repairs to the "
    "main quay, port officials said. Dock workers returned to all twelve berths."
)
VOTE = (
    "Lawmakers approved the regional budget late on Sunday after a marathon session in the "
    "assembly. The vote was 41 to 38."
)
FIRE = (
    "Firefighters contained a brush fire north of the valley overnight, the county said. "
    "No homes were lost and evacuation orders were lifted."
)


def composer(store: Store) -> DigestComposer:
    return DigestComposer(store, facts=NoFacts())


async def test_only_articles_stored_in_the_window_are_in_it(store: Store) -> None:
    await store_at(store, SINCE - timedelta(minutes=1), [article(1, "Old harbour news", HARBOUR)])
    await store_at(store, SINCE, [article(2, "Budget passes", VOTE)])
    await store_at(store, MORNING, [article(3, "Brush fire contained", FIRE)])
    digest = await composer(store).compose(since=SINCE, until=MORNING)
    assert [item.title for item in digest.items] == ["Budget passes"]  # [since, until)
    assert digest.articles == 1 and not digest.empty


async def test_nothing_new_is_an_empty_digest(store: Store) -> None:
    digest = await composer(store).compose(since=SINCE, until=MORNING)
    assert digest.empty and digest.items == () and digest.articles == 0


async def test_near_duplicates_collapse_into_one_story_with_every_source(store: Store) -> None:
    await store_at(
        store,
        SINCE + timedelta(hours=1),
        [
            article(1, "Harbour reopens after repairs", HARBOUR, source="Wire"),
            # The same wire copy, lightly edited, from another outlet.
            article(
                2,
                "City harbour reopens",
                HARBOUR.replace("Monday", "Monday morning"),
                source="Daily Post",
                url="https://post.example/harbour",
            ),
            article(3, "Budget passes", VOTE, source="Wire"),
        ],
    )
    digest = await composer(store).compose(since=SINCE, until=MORNING)
    assert digest.articles == 3 and digest.stories == 2
    harbour = next(i for i in digest.items if "arbour" in i.title)
    assert harbour.sources == ("Wire", "Daily Post")
    assert harbour.url == "https://post.example/harbour"  # the member with a link is shown
    assert len(harbour.related) == 1


async def test_widely_covered_stories_outrank_newer_single_source_ones(store: Store) -> None:
    await store_at(
        store,
        SINCE + timedelta(hours=2),
        [
            article(n, f"Harbour reopens ({name})", HARBOUR, source=name)
            for n, name in enumerate(["Wire", "Post", "Herald"], start=1)
        ],
    )
    await store_at(store, SINCE + timedelta(hours=20), [article(9, "Budget passes", VOTE)])
    await store_at(store, SINCE + timedelta(hours=10), [article(10, "Fire contained", FIRE)])
    digest = await composer(store).compose(since=SINCE, until=MORNING)
    assert [i.title.split(" (")[0] for i in digest.items] == [
        "Harbour reopens",  # three outlets
        "Budget passes",  # one outlet, newest
        "Fire contained",
    ]
    assert digest.items[0].score > digest.items[1].score > digest.items[2].score
    capped = await composer(store).compose(since=SINCE, until=MORNING, max_items=1)
    assert len(capped.items) == 1


async def test_filters_by_query_source_and_entity_phrase(store: Store) -> None:
    await store_at(
        store,
        SINCE + timedelta(hours=3),
        [
            article(1, "Harbour reopens", HARBOUR, source="Wire"),
            article(2, "Budget passes", VOTE, source="Herald"),
            article(3, "Fire contained", FIRE, source="Herald"),
        ],
    )
    compose = composer(store).compose

    async def titles(text: str) -> list[str]:
        digest = await compose(since=SINCE, until=MORNING, filter=text)
        assert digest.filter == text
        return sorted(i.title for i in digest.items)

    assert await titles("harbour OR evacuation") == ["Fire contained", "Harbour reopens"]
    assert await titles("source:herald") == ["Budget passes", "Fire contained"]
    assert await titles("vote -budget") == []
    # Without an entity index, entity:NAME looks for the name as a phrase.
    assert await titles("entity:port officials") == ["Harbour reopens"]
    assert await titles("fire entity:county") == ["Fire contained"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("-budget", "only excludes"), ('entity:""', "needs a value"), ("x" * 201, "at most 200")],
)
def test_bad_filters_are_refused_when_scheduling(text: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_filter(text)


def test_lead_sentences_without_a_model() -> None:
    assert lead_sentences(VOTE) == [
        "Lawmakers approved the regional budget late on Sunday after a marathon session in the "
        "assembly.",
        "The vote was 41 to 38.",
    ]  # a short first sentence gets the second one too
    long_first = "Port officials said the city harbour reopened to container ships on Monday "
    long_first += "after a week of repairs to the main quay that had kept every berth closed. "
    assert lead_sentences(long_first + "Dock workers returned.") == [long_first.strip()]
    assert lead_sentences("Maj. Gen. Herzi Halevi flew to Doha. He met officials.")[0] == (
        "Maj. Gen. Herzi Halevi flew to Doha."
    )
    assert clip("one two three four", 10) == "one two…"


async def test_stored_analyses_give_summaries_entities_and_entity_filters(
    store: Store, seed_file: Path
) -> None:
    service = NlpService("inline")

    async def enrich(ids: Sequence[int]) -> None:
        await enrich_articles(store, ids, service)

    when = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
    await ingest_paths(store, [seed_file], clock=FakeClock(when), enrich=enrich)
    talks = (
        "Qatar hosted a second round of talks with Hamas on Tuesday, officials in Doha said, "
        "as mediators pressed for a longer truce."
    )
    await enrich(await store_at(store, when, [article(2, "Doha talks continue", talks)]))
    await enrich(await store_at(store, when, [article(3, "Fire contained", FIRE)]))
    service.close()
    compose = DigestComposer(store, facts=StoredFacts(store)).compose
    digest = await compose(since=SINCE, until=MORNING)
    # Entities named in two of the three stories dominated the period.
    dominant = {e.name for e in digest.entities}
    assert {"Qatar", "Hamas"} <= dominant
    assert all(e.articles == 2 for e in digest.entities)
    # Stories about them outrank the unrelated one stored at the same time.
    assert digest.items[-1].title == "Fire contained"
    seed = next(i for i in digest.items if "Qatar" in i.title)
    assert "Halevi" in seed.summary and len(seed.summary) <= 350
    only_seed = await compose(since=SINCE, until=MORNING, filter="entity:Halevi")
    assert [i.title for i in only_seed.items] == [seed.title]
