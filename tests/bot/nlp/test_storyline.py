"""A story's reports read together from the store: each article's sentences (and names, once
the NLP step has read it), where outlets disagree and where one corrected itself (firm ones
only), what each report added, and which later reports developed a story."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.budget import STORY_TEXT_CHARS
from bot.clock import FakeClock
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.nlp import NlpService
from bot.nlp.enrichment import enrich_articles, load_analysis
from bot.nlp.storyline import MAX_SENTENCES, StoryReader, story_figures, story_timeline
from bot.store import Store
from bot.work import Meter, metered

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


def huge_body(paragraphs: int) -> str:
    """A careless publisher's page: thousands of numbered paragraphs (the soak's huge feed)."""
    return "\n".join(
        f"Officials at Greyhaven said the ports would stay shut, item {n}. Ferries waited."
        for n in range(paragraphs)
    )


async def test_a_huge_report_is_read_only_as_far_as_a_story_needs(store: Store) -> None:
    """Issue 16, found by the soak: a /catchup read a 1,000,000-character page's every
    sentence on the event loop (held for a second) to keep its first 200; now only the
    opening is read, stored analysis or not, and the story's sentences are the same."""
    body = huge_body(12_000)
    assert len(body) > 900_000
    [plain] = await stored(store, report("Harbour Times", 0, body))
    [article] = await store.articles([plain])
    meter = Meter("/catchup")
    text = await metered(StoryReader(store).text(article), meter)
    assert 0 < meter.units["story_text_chars"] <= STORY_TEXT_CHARS
    assert len(text.sentences) == MAX_SENTENCES
    assert text.sentences[:2] == (
        "Officials at Greyhaven said the ports would stay shut, item 0.",
        "Ferries waited.",
    )


async def test_a_stored_analysis_is_read_to_its_first_sentences(store: Store) -> None:
    body = "\n\n".join(
        f"Harbour master Ellen Varga said ferry {n} stayed in port at Greyhaven." for n in range(30)
    )
    [read] = await stored(store, report("Coastal Wire", 0, body), nlp=True)
    whole = await load_analysis(store, read)
    first = await load_analysis(store, read, max_sentences=5)
    assert whole is not None and first is not None
    assert len(whole.sentences) == 30 and first.sentences == whole.sentences[:5]
    assert {m.sentence for m in first.mentions if m.section == "body"} == set(range(5))
    assert [m for m in whole.mentions if m.section != "body" or m.sentence < 5] == first.mentions
    assert first.ranking == [i for i in whole.ranking if i < 5]
    assert first.terms == whole.terms[:5]


async def test_a_readers_figures_are_remembered_while_the_reports_are_unchanged(
    store: Store,
) -> None:
    """Issue 16, found by the soak: hostile /catchups, several at once, each compared the same
    story's figures again, each in a thread holding the GIL the event loop needed."""
    ids = await stored(
        store,
        report("Harbour Times", 0, "Twelve people were killed in Greyhaven on Monday."),
        report("Coastal Wire", 2, "Fifteen people were killed in Greyhaven on Monday."),
    )
    story = await store.story((await store.stories_of(ids))[ids[0]])
    assert story is not None
    reader = StoryReader(store)
    meters = [Meter("/catchup") for _ in range(3)]
    found = await asyncio.gather(*(metered(reader.figures(story), m) for m in meters))
    assert {f.disagreements[0].summary() for f in found} == {
        "Harbour Times: Twelve · Coastal Wire: Fifteen"
    }
    assert sorted(m.units["figure_reports"] for m in meters) == [0, 0, 2]  # compared once
    # A report that changes is compared again.
    await store.store_articles(
        [report("Coastal Wire", 2, "Sixteen people were killed in Greyhaven on Monday.")],
        "2026-03-03T09:00:00+00:00",
    )
    story = await store.story(story.id)
    assert story is not None
    again = Meter("/catchup")
    figures = await metered(reader.figures(story), again)
    assert again.units["figure_reports"] == 2
    assert [d.summary() for d in figures.disagreements] == [
        "Harbour Times: Twelve · Coastal Wire: Sixteen"
    ]


async def test_a_storys_analysed_reports_are_read_together(store: Store) -> None:
    """A story's reports are read in a fixed number of database calls, whatever their number
    (one at a time, each analysed one was four: a /catchup's stories added ~30 calls)."""
    ids = await stored(
        store,
        *(report(f"Outlet {n}", n, f"Ferry {n} stayed in port at Greyhaven.") for n in range(6)),
        nlp=True,
    )
    reader = StoryReader(store)
    meter = Meter("/catchup")
    texts = await metered(reader.texts(ids), meter)
    assert [texts[i].sentences for i in ids] == [
        (f"Ferry {n} stayed in port at Greyhaven.",) for n in range(6)
    ]
    assert all("Greyhaven" in texts[i].names[0] for i in ids)
    assert meter.units["database_calls"] == 6  # the articles (3: a cursor), their analyses 3
    again = Meter("/catchup")
    assert await metered(reader.texts(ids), again) == texts
    assert again.units["database_calls"] == 3  # remembered: only the articles
