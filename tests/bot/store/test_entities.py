"""Stored entities: replacement, counts kept by triggers, aliases, namesakes, periods."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.errors import EntityNotFound, TooBroad
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.models.analysis import Analysis, Mention, Sentence
from bot.models.entity import AmbiguousEntity
from bot.nlp.enrichment import NLP_VERSION, load_analyses, load_analysis
from bot.nlp.lookup import (
    entity_article_ids,
    entity_choices,
    entity_profile,
    find_entities,
    resolve_entity,
    top_entities,
)
from bot.store import Store
from bot.work import Meter, metered

NOW = "2026-03-02T09:00:00+00:00"


def analysis_of(body: str, names: list[tuple[str, str, str]]) -> Analysis:
    """A hand-made analysis: one sentence per line; `names` are (form, label, canonical),
    a form listed twice is its first and second occurrence in the body."""
    sentences, start = [], 0
    for line in body.split("\n"):
        sentences.append(Sentence(line, start, start + len(line)))
        start += len(line) + 1
    mentions = []
    after: dict[str, int] = {}
    for form, label, canonical in names:
        at = body.index(form, after.get(form, 0))
        after[form] = at + len(form)
        index = next(i for i, s in enumerate(sentences) if s.start <= at < s.end)
        mentions.append(Mention(form, label, at, at + len(form), canonical, index))
    n = len(sentences)
    return Analysis(
        sentences=sentences,
        mentions=mentions,
        summary=list(range(min(n, 3))),
        ranking=list(range(n)),
        terms=[tuple(s.text.lower().split()) for s in sentences],
        summarisable=[True] * n,
    )


async def add(
    store: Store, n: int, body: str, names: list[tuple[str, str, str]], when: str = NOW
) -> int:
    draft = ArticleDraft(title=f"Story {n}", body=body, origin=f"t:{n}", published_at=when)
    report = await ingest_drafts(store, [draft])
    article_id = (report.added or report.updated)[0]
    await save(store, article_id, body, names)
    return article_id


async def save(store: Store, article_id: int, body: str, names: list[tuple[str, str, str]]) -> bool:
    content_hash = await store.article_content_hash(article_id)
    assert content_hash is not None
    async with store.transaction():
        return await store.save_analysis(
            article_id, content_hash, NLP_VERSION, analysis_of(body, names), NOW
        )


async def fts_ok(store: Store) -> None:
    await store.conn.execute("INSERT INTO entities_fts (entities_fts) VALUES ('integrity-check')")


@pytest.mark.sqlite_only  # reads SQLite's tables through store.conn
async def test_counts_aliases_and_replacement(store: Store) -> None:
    body = "The National Security Council (NSC) met.\nThe NSC said Hamas agreed."
    names = [
        ("National Security Council", "ORG", "National Security Council"),
        ("NSC", "ORG", "National Security Council"),
        ("Hamas", "ORG", "Hamas"),
    ]
    first = await add(store, 1, body, names)
    council = await resolve_entity(store, "nsc")
    assert (council.name, council.mention_count, council.article_count) == (
        "National Security Council",
        2,
        1,
    )
    # Saving the same analysis again replaces it: counts do not add up.
    assert await save(store, first, body, names)
    assert (await resolve_entity(store, "NSC")).mention_count == 2

    other = "Hamas rejected it.\nHamas spoke again."
    second = await add(store, 2, other, [("Hamas", "ORG", "Hamas")])
    hamas = await resolve_entity(store, "HAMAS’s")
    assert (hamas.mention_count, hamas.article_count) == (2, 2)

    # Article 1 is analysed again without the council: its entity and alias go with it,
    # Hamas keeps its id and is recounted.
    assert await save(store, first, body, [("Hamas", "ORG", "Hamas")])
    with pytest.raises(EntityNotFound):
        await resolve_entity(store, "NSC")
    assert await find_entities(store, "National Security Council") == []
    again = await resolve_entity(store, "Hamas")
    assert again.id == hamas.id and again.article_count == 2
    assert await entity_article_ids(store, "Hamas") == [first, second]
    await fts_ok(store)


async def test_analysis_of_old_text_is_not_saved(store: Store) -> None:
    article_id = await add(store, 1, "Doha hosted talks.", [("Doha", "GPE", "Doha")])
    stale_hash = await store.article_content_hash(article_id)
    await ingest_drafts(
        store, [ArticleDraft(title="Story 1", body="Cairo hosted talks.", origin="t:1")]
    )
    async with store.transaction():
        saved = await store.save_analysis(
            article_id,
            stale_hash or "",
            NLP_VERSION,
            analysis_of("Cairo hosted talks.", [("Cairo", "GPE", "Cairo")]),
            NOW,
        )
    assert saved is False
    assert await find_entities(store, "Cairo") == []
    assert await store.analysis_inputs([article_id], NLP_VERSION) != []  # still to do


@pytest.mark.sqlite_only  # reads SQLite's tables through store.conn
async def test_deleting_an_article_keeps_counts_right(store: Store) -> None:
    a = await add(
        store, 1, "Qatar and Egypt.", [("Qatar", "GPE", "Qatar"), ("Egypt", "GPE", "Egypt")]
    )
    await add(store, 2, "Qatar again.", [("Qatar", "GPE", "Qatar")])
    # There is no delete command yet; the schema must still cascade and recount.
    await store.conn.execute("DELETE FROM articles WHERE id = ?", (a,))
    qatar = await resolve_entity(store, "Qatar")
    assert (qatar.mention_count, qatar.article_count) == (1, 1)
    assert await find_entities(store, "Egypt") == []  # no article mentions it


async def test_namesakes_dominant_ambiguous_and_qualified(store: Store) -> None:
    for n in range(4):
        await add(store, n, f"Gaza news {n}.", [("Gaza", "GPE", "Gaza")])
    await add(store, 10, "Rain over Gaza.", [("Gaza", "LOC", "Gaza")])
    # 4 of 5 mentions: the model's usual label wins without a question.
    assert (await resolve_entity(store, "Gaza")).label == "GPE"
    for n in range(11, 14):
        await add(store, n, f"Storm over Gaza {n}.", [("Gaza", "LOC", "Gaza")])
    with pytest.raises(AmbiguousEntity) as info:
        await resolve_entity(store, "gaza")
    assert {c.label for c in info.value.candidates} == {"GPE", "LOC"}
    assert "Gaza (GPE)" in str(info.value) and "Gaza (LOC)" in str(info.value)
    assert (await resolve_entity(store, "Gaza (LOC)")).label == "LOC"
    with pytest.raises(AmbiguousEntity):
        await resolve_entity(store, "Gaza (place)")  # both are places
    ref = info.value.candidates[1].ref
    assert (await resolve_entity(store, ref)).id == info.value.candidates[1].id
    with pytest.raises(EntityNotFound):
        await resolve_entity(store, "#99999")
    # The search filter takes every namesake.
    assert len(await entity_article_ids(store, "Gaza")) == 8


async def test_surname_in_a_later_article_joins_the_known_person(store: Store) -> None:
    await add(
        store,
        1,
        "Herzi Halevi arrived.\nHalevi spoke.",
        [("Herzi Halevi", "PERSON", "Herzi Halevi"), ("Halevi", "PERSON", "Herzi Halevi")],
    )
    await add(store, 2, "Halevi left Doha.", [("Halevi", "PERSON", "Halevi")])
    halevi = await resolve_entity(store, "Halevi")
    assert (halevi.name, halevi.article_count, halevi.mention_count) == ("Herzi Halevi", 2, 3)
    # Two people share a surname: a lone "Cohen" stays itself rather than guess.
    await add(store, 3, "Yossi Cohen met Eli Cohen.", [("Yossi Cohen", "PERSON", "Yossi Cohen")])
    await add(store, 4, "Cohen spoke.\nYossi Cohen.", [("Cohen", "PERSON", "Yossi Cohen")])
    await add(store, 5, "Eli Cohen.\nCohen again.", [("Cohen", "PERSON", "Eli Cohen")])
    await add(store, 6, "Eli Cohen spoke.", [("Eli Cohen", "PERSON", "Eli Cohen")])
    await add(store, 7, "Cohen said no.", [("Cohen", "PERSON", "Cohen")])
    assert {e.name for e in await find_entities(store, "Cohen")} == {
        "Cohen",
        "Yossi Cohen",
        "Eli Cohen",
    }


async def test_top_entities_by_type_and_period(store: Store) -> None:
    await add(
        store,
        1,
        "Doha and Doha and Hamas.",
        [("Doha", "GPE", "Doha"), ("Doha", "GPE", "Doha"), ("Hamas", "ORG", "Hamas")],
        when="2026-01-01T00:00:00+00:00",
    )
    await add(store, 2, "Hamas in Cairo.", [("Hamas", "ORG", "Hamas"), ("Cairo", "GPE", "Cairo")])
    await add(store, 3, "On Monday.", [("Monday", "DATE", "Monday")])
    everything = await top_entities(store)
    assert [t.entity.name for t in everything] == ["Hamas", "Doha", "Cairo"]  # no dates
    assert [t.entity.name for t in await top_entities(store, "place")] == ["Doha", "Cairo"]
    recent = await store.top_entities(None, "2026-03-01", 10)
    assert [(t.entity.name, t.mentions, t.articles) for t in recent] == [
        ("Cairo", 1, 1),
        ("Hamas", 1, 1),
    ]


async def test_autocomplete_is_capped_and_ranked(store: Store) -> None:
    for n in range(40):
        name = f"Halvorsen Number{n}"
        body = " ".join([name] * (n + 1))
        await add(store, n, body, [(name, "PERSON", name)] * (n + 1))
    await add(store, 99, "Hal Jordan.", [("Hal Jordan", "PERSON", "Hal Jordan")])
    choices = await entity_choices(store, "hal")
    assert len(choices) == 25
    counts = [c.mention_count for c in choices]
    assert counts == sorted(counts, reverse=True) and counts[0] == 40
    # The exact name comes first even with the fewest mentions.
    assert (await entity_choices(store, "hal jordan"))[0].name == "Hal Jordan"
    assert (await entity_choices(store, "Halvorsen Number0"))[0].mention_count == 1
    assert [e.name for e in await entity_choices(store, "number3")] == [
        f"Halvorsen Number{n}" for n in (39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 3)
    ]


async def test_a_period_holding_more_articles_than_a_tally_may_read_is_too_broad(
    store: Store,
) -> None:
    """Issue 16, class 1: /entities days:3650 tallied every entity row of the period (seconds
    at 100k articles). A period is now counted first, through the date index, and refused
    in one line past its budget; all-time counts (kept up to date) still answer."""
    for n in range(12):
        await add(
            store, n, "Hamas in Doha.", [("Hamas", "ORG", "Hamas")], when=f"2026-01-{n + 1:02d}"
        )
    clock = FakeClock(datetime(2026, 1, 20, tzinfo=UTC))

    with pytest.raises(TooBroad) as refused:
        await top_entities(store, days=3650, clock=clock, max_articles=10)
    assert str(refused.value) == (
        "Too broad: the last 3,650 days hold more than 10 articles to tally."
        " Narrow it: choose fewer days, or leave days out for all-time counts."
    )
    recent = await top_entities(store, days=10, clock=clock, max_articles=10)
    assert [(t.entity.name, t.articles) for t in recent] == [("Hamas", 3)]
    assert (await top_entities(store, max_articles=10))[0].articles == 12
    assert await store.count_articles_since("2026-01-05", 100) == 8
    assert await store.count_articles_since("2026-01-05", 3) == 3


async def test_a_recorded_analysis_failure_holds_until_the_text_or_the_code_changes(
    store: Store,
) -> None:
    draft = ArticleDraft(title="Talks", body="Hamas met in Doha.", origin="test:failing")
    report = await ingest_drafts(store, [draft])
    (article_id,) = report.added
    (_, content_hash, _) = (await store.analysis_inputs([article_id], NLP_VERSION))[0]

    async with store.transaction():
        assert not await store.save_analysis_failure(article_id, "old", NLP_VERSION, "x", NOW)
        assert await store.save_analysis_failure(
            article_id, content_hash, NLP_VERSION, "too long to analyse", NOW
        )
    assert await store.analysis_failures(NLP_VERSION) == {article_id: "too long to analyse"}
    assert await store.analysis_failures(NLP_VERSION, [article_id + 1]) == {}
    # Not tried again by the same code on the same text...
    assert await store.articles_needing_analysis(NLP_VERSION) == []
    assert await store.analysis_inputs([article_id], NLP_VERSION) == []
    # ...but by newer code, or once the text changes.
    assert await store.articles_needing_analysis("next") == [article_id]
    await ingest_drafts(store, [ArticleDraft("Talks", "Hamas met in Qatar.", "test:failing")])
    assert await store.analysis_failures(NLP_VERSION) == {}
    assert await store.articles_needing_analysis(NLP_VERSION) == [article_id]

    # A saved analysis forgets the failure for good.
    (_, content_hash, _) = (await store.analysis_inputs([article_id], NLP_VERSION))[0]
    async with store.transaction():
        await store.save_analysis_failure(article_id, content_hash, NLP_VERSION, "x", NOW)
        analysis = analysis_of("Hamas met in Qatar.", [("Hamas", "ORG", "Hamas")])
        assert await store.save_analysis(article_id, content_hash, NLP_VERSION, analysis, NOW)
    assert await store.analysis_failures("next") == {}
    assert await store.analysis_failures(NLP_VERSION) == {}


async def test_a_stored_analysis_can_be_read_to_its_first_sentences(store: Store) -> None:
    """A reader of an article's first sentences decodes only their part of its analysis: a
    1,000,000-character report's whole one cost /catchup ~100 ms (issue 16, found by the soak)."""
    body = "Hamas met in Doha.\nQatar said Hamas agreed.\nEgypt and Qatar spoke."
    article_id = await add(store, 1, body, [])
    content_hash = await store.article_content_hash(article_id)
    assert content_hash is not None
    backwards = dataclasses.replace(analysis_of(body, []), ranking=[2, 0, 1])
    async with store.transaction():
        await store.save_analysis(article_id, content_hash, NLP_VERSION, backwards, NOW)
    whole = await store.stored_analysis(article_id)
    first = await store.stored_analysis(article_id, sentences=2)
    none = await store.stored_analysis(article_id, sentences=0)
    assert whole is not None and first is not None and none is not None
    assert whole.sentences == [(0, 18), (19, 43), (44, 66)]
    assert (first.sentences, first.terms, first.summarisable, first.ranking) == (
        whole.sentences[:2], whole.terms[:2], whole.summarisable[:2], [0, 1]
    )  # fmt: skip
    assert first.terms[1] == ("qatar", "said", "hamas", "agreed.")
    assert (none.sentences, none.terms, none.ranking) == ([], [], [])


@pytest.mark.sqlite_only  # PostgreSQL's driver makes one call per query anyway
async def test_reading_a_stored_analysis_is_one_database_call_a_query(store: Store) -> None:
    """A /catchup reads a hundred stored analyses, four queries each: through aiosqlite's
    cursors each query was three hops to the database thread and back (execute, fetch,
    close), ~1,200 event-loop steps a /catchup (issue 16, found by the soak)."""
    body = "Hamas met in Doha.\nQatar said Hamas agreed.\nEgypt and Qatar spoke."
    article_id = await add(store, 1, body, [("Hamas", "ORG", "Hamas"), ("Qatar", "GPE", "Qatar")])
    meter = Meter("/catchup")
    analysis = await metered(load_analysis(store, article_id, max_sentences=2), meter)
    assert analysis is not None and [s.text for s in analysis.sentences] == [
        "Hamas met in Doha.",
        "Qatar said Hamas agreed.",
    ]
    assert [m.canonical for m in analysis.mentions] == ["Hamas", "Qatar"]
    assert meter.units["database_calls"] == 4


async def test_many_stored_analyses_are_read_together_as_each_alone(store: Store) -> None:
    """A /catchup's hundred analyses come in one read of the store: each as reading it alone
    gives it (its first sentences, their mentions and the title's); one never analysed and
    one whose text changed since are left out (issue 16, found by the soak)."""
    body = "Hamas met in Doha.\nQatar said Hamas agreed.\nEgypt and Qatar spoke."
    names = [("Hamas", "ORG", "Hamas"), ("Qatar", "GPE", "Qatar"), ("Egypt", "GPE", "Egypt")]
    ids = [await add(store, n, body.replace("Doha", f"Doha {n}"), names) for n in range(1, 6)]
    changed = ArticleDraft(title="Story 5", body="Entirely new text.", origin="t:5")
    await ingest_drafts(store, [changed])
    plain = ArticleDraft(title="Unread", body="Nobody analysed this.", origin="t:plain")
    unread = (await ingest_drafts(store, [plain])).added[0]
    together = await load_analyses(store, [*ids, unread, 999_999], max_sentences=2)
    assert sorted(together) == ids[:4]
    for article_id in ids[:4]:
        alone = await load_analysis(store, article_id, max_sentences=2)
        assert together[article_id] == alone
    first = together[ids[2]]
    assert [s.text for s in first.sentences] == ["Hamas met in Doha 3.", "Qatar said Hamas agreed."]
    assert [m.canonical for m in first.mentions] == ["Hamas", "Qatar"]  # not Egypt: sentence 3


@pytest.mark.sqlite_only  # PostgreSQL's driver is not metered per call
async def test_a_hundred_stored_analyses_are_three_database_calls(store: Store) -> None:
    """Read one by one, a /catchup's hundred analyses were four queries each, 400 hops to a
    database thread and back and most of its CPU (issue 16, found by the soak)."""
    body = "Hamas met in Doha.\nQatar said Hamas agreed.\nEgypt and Qatar spoke."
    names = [("Hamas", "ORG", "Hamas"), ("Qatar", "GPE", "Qatar")]
    ids = [await add(store, n, body.replace("Doha", f"Doha {n}"), names) for n in range(1, 13)]
    meter = Meter("/catchup")
    found = await metered(load_analyses(store, ids, max_sentences=2), meter)
    assert sorted(found) == ids
    assert meter.units["database_calls"] == 3


@pytest.mark.sqlite_only  # PostgreSQL's driver makes one call per query anyway
async def test_an_entity_profile_is_one_database_call_a_query(store: Store) -> None:
    """/entity reads the name, then the aliases, first and last seen, latest sentences, their
    mentions and who is named with it: one call to the database thread each (as three
    hops each, 18 calls made readers' /entity p99 15 -> 62 ms under the soak's load)."""
    body = "Hamas met in Doha.\nQatar said Hamas agreed.\nEgypt and Qatar spoke."
    names = [("Hamas", "ORG", "Hamas"), ("Qatar", "GPE", "Qatar")]
    for n in range(1, 4):
        await add(store, n, body.replace("Doha", f"Doha {n}"), names)
    meter = Meter("/entity")
    profile = await metered(entity_profile(store, "Hamas"), meter)
    assert profile.entity.name == "Hamas"
    assert [c.entity.name for c in profile.co_mentioned] == ["Qatar"]
    assert len(profile.sentences) == 3
    assert meter.units["database_calls"] == 6


async def test_an_articles_mentions_can_be_read_to_its_first_sentences(store: Store) -> None:
    """A reader of a story's first sentences reads only their mentions (and the title's):
    a 1,000,000-character report has thousands (issue 16, found by the soak)."""
    body = "Hamas met in Doha.\nQatar said Hamas agreed.\nEgypt and Qatar spoke."
    names = [
        ("Hamas", "ORG", "Hamas"),
        ("Doha", "GPE", "Doha"),
        ("Qatar", "GPE", "Qatar"),
        ("Hamas", "ORG", "Hamas"),
        ("Egypt", "GPE", "Egypt"),
        ("Qatar", "GPE", "Qatar"),
    ]
    article_id = await add(store, 1, body, names)
    every = await store.article_mentions(article_id)
    first = await store.article_mentions(article_id, sentences=2)
    assert [(m.entity.name, m.sentence) for m in every] == [
        ("Hamas", 0), ("Doha", 0), ("Qatar", 1), ("Hamas", 1), ("Egypt", 2), ("Qatar", 2)
    ]  # fmt: skip
    assert first == [m for m in every if m.sentence < 2]
    assert await store.article_mentions(article_id, sentences=0) == []
