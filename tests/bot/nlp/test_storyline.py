"""A story's reports read together from the store: each article's sentences (and names, once
the NLP step has read it), where outlets disagree and where one corrected itself (firm ones
only), what each report added, and which later reports developed a story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.nlp import NlpService
from bot.nlp.enrichment import enrich_articles
from bot.nlp.storyline import StoryReader, story_figures, story_timeline
from bot.store import Store

START = datetime(2026, 3, 2, 8, tzinfo=UTC)
HEADLINE = "Storm closes northern harbour ports at Greyhaven"


def report(outlet: str, hours: float, body: str, headline: str = HEADLINE) -> ArticleDraft:
    """One outlet's report of the storm, `hours` after the first."""
    when = START + timedelta(hours=hours)
    return ArticleDraft(
        title=headline,
        body=body,
        origin=f"https://{outlet.lower().replace(' ', '')}.example/{hours}",
        source=outlet,
        published_at=when.isoformat(),
    )


async def stored(store: Store, *drafts: ArticleDraft, nlp: bool = False) -> list[int]:
    """Store the drafts (analysed when `nlp`), each in the story the rule gives it."""
    enrich = None
    if nlp:
        service = NlpService("inline")

        async def enrich(ids: list[int]) -> None:  # type: ignore[misc]
            await enrich_articles(store, ids, service)

    clock = FakeClock(START + timedelta(days=1))
    found = await ingest_drafts(store, drafts, clock=clock, enrich=enrich)
    return list(found.added)


async def test_an_articles_text_is_its_body_sentences_with_names_once_analysed(
    store: Store,
) -> None:
    body = (
        "Harbour master Ellen Varga closed the ports at Greyhaven on Monday.\n\n"
        "Ferries stayed in port.\n\n"
        "By Maria Okafor"
    )
    [plain] = await stored(store, report("Harbour Times", 0, body))
    [article] = await store.articles([plain])
    text = await StoryReader(store).text(article)
    assert text.sentences[:2] == (
        "Harbour master Ellen Varga closed the ports at Greyhaven on Monday.",
        "Ferries stayed in port.",
    )
    assert text.names == ()  # not analysed: names are read from capitals later
    assert text.published == START

    [read] = await stored(store, report("Coastal Wire", 1, body, "Ports shut"), nlp=True)
    [article] = await store.articles([read])
    text = await StoryReader(store).text(article)
    assert "By Maria Okafor" not in text.sentences  # a byline says nothing new
    assert "Ellen Varga" in text.names[0]


async def test_outlets_that_disagree_and_an_outlet_that_corrected_itself(store: Store) -> None:
    ids = await stored(
        store,
        report("Harbour Times", 0, "Twelve people were killed in Greyhaven on Monday."),
        report("Coastal Wire", 2, "Fifteen people were killed in Greyhaven on Monday."),
    )
    stories = await store.stories_of(ids)
    assert len(set(stories.values())) == 1
    figures = await story_figures(store, stories[ids[0]])
    assert [d.summary() for d in figures.disagreements] == [
        "Harbour Times: Twelve · Coastal Wire: Fifteen"
    ]
    assert figures.corrections == ()
    # The first outlet comes round to the other's figure: a correction, no disagreement.
    [later] = await stored(
        store,
        report("Harbour Times", 5, "Fifteen people were killed in Greyhaven on Monday night."),
    )
    assert (await store.stories_of([later]))[later] == stories[ids[0]]
    figures = await story_figures(store, stories[ids[0]])
    assert figures.disagreements == ()
    assert [d.summary() for d in figures.corrections] == ["Harbour Times: Twelve → Fifteen"]
    assert not await story_figures(store, 999_999)


async def test_figures_of_different_things_are_not_a_disagreement(store: Store) -> None:
    ids = await stored(
        store,
        report("Harbour Times", 0, "Qwest raised its offer for MCI to $6.3bn on Monday."),
        report("Coastal Wire", 1, "Verizon raised its offer for Telco to $6.8bn on Monday."),
    )
    story = (await store.stories_of(ids))[ids[0]]
    assert not await story_figures(store, story)


async def test_a_timeline_says_what_each_report_added(store: Store) -> None:
    first = "A storm closed the harbour ports at Greyhaven on Monday."
    ids = await stored(
        store,
        report("Harbour Times", 0, first),
        report("Coastal Wire", 3, f"{first} The coastguard rescued 40 fishermen overnight."),
        report("Bay Post", 4, "On Monday a storm closed the harbour ports at Greyhaven."),
    )
    story = (await store.stories_of(ids))[ids[0]]
    steps = await story_timeline(store, story)
    assert [(s.report.outlet, s.delay) for s in steps] == [
        ("Harbour Times", timedelta(0)),
        ("Coastal Wire", timedelta(hours=3)),
        ("Bay Post", timedelta(hours=4)),
    ]
    assert [[n.text for n in s.added] for s in steps] == [
        [first],
        ["The coastguard rescued 40 fishermen overnight."],
        [],
    ]
    whole = await store.story(story)
    assert whole is not None
    reader = StoryReader(store)
    assert await reader.developed(whole, ids[:1], ids[1:]) == ("Coastal Wire",)
    assert await reader.developed(whole, ids[:2], ids[2:]) == ()
