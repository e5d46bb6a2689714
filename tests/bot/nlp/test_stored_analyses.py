"""NLP results stored with articles: seed end to end, lookups, profiles, re-ingest, healing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from bot.clock import FakeClock
from bot.errors import ArticleNotFound, EntityNotFound, QueryError
from bot.ingest import IngestReport, ingest_drafts, ingest_paths
from bot.models import ArticleDraft
from bot.models.analysis import Sentence
from bot.nlp import Analysis, ArticleInput, NlpService, enrichment
from bot.nlp.enrichment import enrich_articles, enrich_pending, load_analysis
from bot.nlp.lookup import (
    article_summary,
    entity_article_ids,
    entity_choices,
    entity_profile,
    resolve_entity,
    top_entities,
)
from bot.search import search
from bot.store import Store
from bot.work import Meter, metered

SEED_HALEVI_SENTENCES = [
    "A delegation of senior Israeli security officials headed by the head of the IDF’s "
    "Southern Command, Maj. Gen. Herzi Halevi, are in Qatar",
    "According to the report, Halevi and other senior officials from the IDF, Shin Bet",
    "Halevi was already in Doha earlier this year, with Mossad head Yossi Cohen, for similar "
    "reasons.",
]


class CountingService(NlpService):
    """The real NLP service (in-process), counting how often the model is asked to work."""

    def __init__(self) -> None:
        super().__init__("inline")
        self.calls = 0
        self.articles = 0

    async def analyze(self, texts: Sequence[str | ArticleInput]) -> list[Analysis]:
        self.calls += 1
        self.articles += len(texts)
        return await super().analyze(texts)


@pytest.fixture
def service() -> CountingService:
    return CountingService()


async def ingest_seed(store: Store, seed_file: Path, service: NlpService) -> IngestReport:
    return await ingest_paths(
        store, [seed_file], enrich=lambda ids: enrich_articles(store, ids, service)
    )


def copy_seed(seed_file: Path, path: Path, old: str = "", new: str = "") -> None:
    text = seed_file.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new) if old else text, encoding="utf-8")


def draft(n: int, title: str, body: str, published: str | None = None) -> ArticleDraft:
    return ArticleDraft(title=title, body=body, origin=f"test:{n}", published_at=published)


async def test_seed_profile_of_herzi_halevi(
    store: Store, seed_file: Path, service: CountingService
) -> None:
    await ingest_seed(store, seed_file, service)
    profile = await entity_profile(store, "Herzi Halevi")
    assert profile.entity.name == "Herzi Halevi"
    assert profile.entity.kind == "person"
    assert profile.aliases == ("Halevi",)
    # Caption once, body three times (twice as "Halevi").
    assert profile.entity.mention_count == 4
    assert profile.entity.article_count == 1
    assert profile.first_seen == profile.last_seen is not None
    texts = [s.text for s in profile.sentences]
    assert len(texts) == 3
    for text, expected in zip(texts, SEED_HALEVI_SENTENCES, strict=True):
        assert text.startswith(expected)
    assert {s.title for s in profile.sentences} == {
        "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"
    }
    named_with = {c.entity.name: c.shared_articles for c in profile.co_mentioned}
    assert named_with["Hamas"] == 1 and named_with["Qatar"] == 1
    assert "Herzi Halevi" not in named_with
    assert not any(c.entity.label in ("DATE", "MONEY") for c in profile.co_mentioned)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("NSC", "National Security Council"),
        ("national security council", "National Security Council"),
        ("Halevi", "Herzi Halevi"),
        ("HALEVI’s", "Herzi Halevi"),
        ("Hamas's", "Hamas"),
        ("the IDF", "IDF"),
        ("Asharq al-Awsat", "Asharq al-Awsat"),
        ("Gaza Strip", "Gaza"),
    ],
)
async def test_names_aliases_and_variants_resolve(
    store: Store, seed_file: Path, service: CountingService, typed: str, expected: str
) -> None:
    await ingest_seed(store, seed_file, service)
    assert (await resolve_entity(store, typed)).name == expected


async def test_seed_entities_are_stored_once_each(
    store: Store, seed_file: Path, service: CountingService
) -> None:
    await ingest_seed(store, seed_file, service)
    people = {t.entity.name for t in await top_entities(store, "person", limit=20)}
    assert {
        "Herzi Halevi",
        "Ismail Haniyeh",
        "Yossi Cohen",
        "Binyamin Netanyahu",
        "Benny Gantz",
    } <= people
    assert "Shin Bet" not in people
    orgs = {t.entity.name for t in await top_entities(store, "organisation", limit=20)}
    assert {"Hamas", "IDF", "Shin Bet", "Mossad", "National Security Council"} <= orgs
    assert {"Asharq al-Awsat"} <= orgs
    places = {t.entity.name for t in await top_entities(store, "place", limit=20)}
    assert {"Qatar", "Doha", "Egypt", "Gaza", "Sderot"} <= places


async def test_reingest_of_unchanged_article_does_no_nlp(
    store: Store, seed_file: Path, service: CountingService
) -> None:
    first = await ingest_seed(store, seed_file, service)
    assert service.calls == 1 and service.articles == 1
    again = await ingest_seed(store, seed_file, service)
    assert again.changed == [] and again.unchanged == 1
    assert service.calls == 1
    # Even asked directly, a current analysis is not redone.
    assert await enrich_articles(store, first.added, service) == 0
    assert await enrich_pending(store, service) == 0
    assert service.calls == 1


async def test_changed_text_replaces_the_analysis(
    store: Store, seed_file: Path, tmp_path: Path, service: CountingService
) -> None:
    path = tmp_path / "seed.txt"
    copy_seed(seed_file, path)
    first = await ingest_paths(
        store, [path], enrich=lambda ids: enrich_articles(store, ids, service)
    )
    assert (await resolve_entity(store, "Sderot")).article_count == 1
    copy_seed(seed_file, path, "Sderot", "Ashkelon")
    second = await ingest_paths(
        store, [path], enrich=lambda ids: enrich_articles(store, ids, service)
    )
    assert second.updated == first.added and service.calls == 2
    with pytest.raises(EntityNotFound):
        await resolve_entity(store, "Sderot")  # nothing mentions it any more
    assert (await resolve_entity(store, "Ashkelon")).article_count == 1
    hamas = await resolve_entity(store, "Hamas")
    assert (hamas.mention_count, hamas.article_count) == (10, 1)  # replaced, not added up
    assert await store.check_integrity() == []


async def test_entity_search_filter(
    store: Store, seed_file: Path, service: CountingService
) -> None:
    await ingest_seed(store, seed_file, service)
    await ingest_drafts(
        store,
        [
            draft(
                1, "Ceasefire talks in Cairo", "Egypt hosted ceasefire talks with Israel on Sunday."
            )
        ],
        enrich=lambda ids: enrich_articles(store, ids, service),
    )

    def resolver(name: str):
        return entity_article_ids(store, name)

    assert (await search(store, "ceasefire", entity_articles=resolver)).total == 2
    page = await search(store, "ceasefire entity:Hamas", entity_articles=resolver)
    assert [h.title for h in page.hits] == [
        "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"
    ]
    assert (await search(store, "ceasefire entity:Egypt", entity_articles=resolver)).total == 2
    assert (await search(store, 'entity:"Hamas’s" Qatar', entity_articles=resolver)).total == 1
    assert (await search(store, "ceasefire entity:Nobody", entity_articles=resolver)).total == 0


async def test_co_mentions_and_cross_article_surnames(
    store: Store, seed_file: Path, service: CountingService, clock: FakeClock
) -> None:
    await ingest_seed(store, seed_file, service)
    later = [
        draft(
            1,
            "Qatar presses Hamas",
            "Qatar urged Hamas to accept the proposal. Gen. Halevi told reporters the army was"
            " ready.",
            published="2030-01-02T00:00:00+00:00",
        ),
        draft(
            2,
            "Doha talks",
            "Officials from Qatar met in Doha again on Tuesday.",
            published="2030-01-03T00:00:00+00:00",
        ),
    ]
    clock.set(datetime(2030, 1, 4, tzinfo=UTC))  # dates after the ingest would be capped
    await ingest_drafts(
        store, later, enrich=lambda ids: enrich_articles(store, ids, service), clock=clock
    )
    hamas = await entity_profile(store, "Hamas")
    named_with = {c.entity.name: c.shared_articles for c in hamas.co_mentioned}
    assert named_with["Qatar"] == 2
    assert named_with["Herzi Halevi"] == 2  # the later "Halevi" is the seed's Herzi Halevi
    assert named_with["Doha"] == 1
    assert hamas.co_mentioned[0].entity.name == "Qatar"
    halevi = await entity_profile(store, "Halevi")
    assert halevi.entity.name == "Herzi Halevi" and halevi.entity.article_count == 2
    assert halevi.last_seen == "2030-01-02T00:00:00+00:00"
    # Latest article first.
    assert halevi.sentences[0].text == "Gen. Halevi told reporters the army was ready."
    qatar = await top_entities(store, "place", days=30, clock=FakeClock(_at("2030-01-10")))
    assert [(t.entity.name, t.articles) for t in qatar[:2]] == [("Qatar", 2), ("Doha", 1)]


def _at(day: str):
    from datetime import UTC, datetime

    return datetime.fromisoformat(day).replace(tzinfo=UTC)


async def test_autocomplete(store: Store, seed_file: Path, service: CountingService) -> None:
    await ingest_seed(store, seed_file, service)
    assert [e.name for e in await entity_choices(store, "hal")] == ["Herzi Halevi"]
    assert [e.name for e in await entity_choices(store, "herzi HAL")] == ["Herzi Halevi"]
    assert [e.name for e in await entity_choices(store, "NS")] == ["National Security Council"]
    assert (await entity_choices(store, "ha"))[0].name == "Hamas"  # most mentioned first
    everything = await entity_choices(store, "")
    assert len(everything) <= 25 and everything[0].name == "Hamas"
    assert not any(e.label in ("DATE", "MONEY") for e in everything)
    assert await entity_choices(store, '")(*') == await entity_choices(store, "")


async def test_article_summary_from_storage(
    store: Store, seed_file: Path, service: CountingService
) -> None:
    report = await ingest_seed(store, seed_file, service)
    summary = await article_summary(store, report.added[0], service=service)
    assert service.calls == 1  # read from storage, no model run
    assert len(summary.sentences) == 3
    assert [s.start for s in summary.sentences] == sorted(s.start for s in summary.sentences)
    text = " ".join(s.text for s in summary.sentences)
    for fact in ("Halevi", "Qatar", "Hamas"):
        assert fact in text
    for s in summary.sentences:
        assert summary.article.body[s.start : s.end] == s.text
    names = [t.entity.name for t in summary.entities]
    assert names[:2] == ["Hamas", "Qatar"]
    assert "Monday" not in names
    short = await article_summary(store, report.added[0], max_words=30)
    assert len(short.sentences) == 1
    two = await article_summary(store, report.added[0], sentences=2)
    assert len(two.sentences) == 2
    with pytest.raises(ArticleNotFound):
        await article_summary(store, 999)


async def test_summary_analyses_an_article_stored_without_nlp(
    store: Store, seed_file: Path, service: CountingService
) -> None:
    report = await ingest_paths(store, [seed_file])  # --no-nlp, or a crash before NLP
    with pytest.raises(EntityNotFound):
        await resolve_entity(store, "Hamas")
    summary = await article_summary(store, report.added[0], service=service)
    assert service.calls == 1 and len(summary.sentences) == 3
    assert (await resolve_entity(store, "Hamas")).article_count == 1


async def test_enrich_pending_heals_and_follows_the_nlp_version(
    store: Store, seed_file: Path, service: CountingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    await ingest_paths(store, [seed_file])
    await ingest_drafts(store, [draft(1, "Doha", "Talks resumed in Doha on Monday.")])
    assert await enrich_pending(store, service) == 2
    assert await enrich_pending(store, service) == 0
    monkeypatch.setattr(enrichment, "NLP_VERSION", "test-newer")
    assert await enrich_pending(store, service) == 2
    assert service.articles == 4
    assert (await resolve_entity(store, "Doha")).article_count == 2


async def test_quotes_are_stored_with_the_analysis_and_linked_to_their_speakers(
    store: Store, seed_file: Path, service: CountingService
) -> None:
    seed = (await ingest_seed(store, seed_file, service)).added[0]
    # The seed's one quotation is Hamas's demand as reported: Hamas's, or no one's.
    [demand] = await store.article_quotes(seed)
    assert demand.quote == "pre-determined long-term period of time."
    assert demand.speaker in (None, "Hamas") and demand.speaker_label != "PERSON"
    if demand.entity_id is not None:
        assert demand.entity_id == (await resolve_entity(store, "Hamas")).id

    body = (
        "Herzi Halevi returned from Doha on Tuesday.\n\n"
        '"We made progress, but the gaps are still wide," Halevi told reporters.'
    )
    report = await ingest_drafts(store, [draft(2, "Halevi back from Doha", body)])
    await enrich_articles(store, report.added, service)
    halevi = await resolve_entity(store, "Herzi Halevi")
    [said] = await store.entity_quotes(halevi.id)
    assert said.quote == "We made progress, but the gaps are still wide,"
    assert (said.article_id, said.speaker) == (report.added[0], "Herzi Halevi")
    assert demand not in await store.entity_quotes(halevi.id)


async def test_one_bad_article_does_not_hold_back_the_batch(
    store: Store, service: CountingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafts = [draft(i, f"Story {i}", f"Qatar hosted talks number {i}.") for i in range(3)]
    await ingest_drafts(store, drafts)
    real = NlpService.analyze

    async def fragile(self: NlpService, texts: Sequence[str | ArticleInput]) -> list[Analysis]:
        if any(isinstance(t, ArticleInput) and "number 1" in t.body for t in texts):
            raise ValueError("model crashed on this text")
        return await real(self, texts)

    monkeypatch.setattr(NlpService, "analyze", fragile)
    assert await enrich_pending(store, NlpService("inline")) == 2
    assert (await resolve_entity(store, "Qatar")).article_count == 2


async def test_stored_analysis_round_trips(
    store: Store, seed_file: Path, service: CountingService
) -> None:
    report = await ingest_seed(store, seed_file, service)
    article = await store.article(report.added[0])
    assert article is not None
    fresh = (await service.analyze([ArticleInput(article.body, article.title, article.caption)]))[0]
    loaded = await load_analysis(store, article.id)
    assert loaded is not None
    assert loaded.sentences == fresh.sentences
    assert loaded.ranking == fresh.ranking and loaded.summary == fresh.summary
    assert loaded.terms == fresh.terms and loaded.summarisable == fresh.summarisable
    key = lambda m: (m.section, m.start)  # noqa: E731
    assert sorted(loaded.mentions, key=key) == sorted(fresh.mentions, key=key)


async def test_unknown_type_is_a_friendly_error(store: Store) -> None:
    with pytest.raises(QueryError, match="not an entity type"):
        await top_entities(store, "planet")


def test_cli_entity_and_summary(
    tmp_path: Path, seed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "cli.db")
    assert cli_main(["--db", db, "ingest", "--no-nlp", str(seed_file)]) == 0
    capsys.readouterr()
    # `summary` analyses the article on demand, in-process.
    assert cli_main(["--db", db, "summary", "1", "--sentences", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["sentences"]) == 2
    assert result["entities"][0]["name"] == "Hamas"
    assert cli_main(["--db", db, "entity", "NSC"]) == 0
    out = capsys.readouterr().out
    assert "National Security Council" in out and "organisation" in out
    assert cli_main(["--db", db, "entity", "--json", "Halevi"]) == 0
    profile = json.loads(capsys.readouterr().out)
    assert profile["name"] == "Herzi Halevi" and len(profile["sentences"]) == 3
    assert cli_main(["--db", db, "entity", "Nobody"]) == 2
    assert "No entity called" in capsys.readouterr().err
    assert cli_main(["--db", db, "summary", "42"]) == 2


def test_reingest_resumes_analysis_of_articles_stored_without_it(
    tmp_path: Path, seed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "cli.db")
    # Stored, not analysed: what a kill during NLP leaves (as --no-nlp does).
    assert cli_main(["--db", db, "ingest", "--no-nlp", str(seed_file)]) == 0
    capsys.readouterr()

    assert cli_main(["--db", db, "ingest", str(seed_file)]) == 0
    resumed = " ".join(capsys.readouterr().out.split())  # unwrapped
    assert cli_main(["--db", db, "ingest", str(seed_file)]) == 0
    again = " ".join(capsys.readouterr().out.split())
    assert cli_main(["--db", db, "entity", "Hamas"]) == 0

    assert "1 already stored, 0 skipped; analysed 1 already stored article lacking it" in resumed
    assert "0 added, 0 updated, 1 already stored, 0 skipped —" in again
    assert "Hamas" in capsys.readouterr().out


async def test_a_summary_of_a_huge_article_reads_only_the_sentences_it_shows(
    store: Store,
) -> None:
    """Issue 16, class 1: /summary counted the words of every sentence of the article (100k
    of them in a 9 MB article) to pick three. Now only the best-ranked ones are read."""
    sentence = "Talks in Doha went on through the night and into the morning. "
    body = sentence * 50_000
    report = await ingest_drafts(store, [ArticleDraft(title="Long", body=body, origin="t:long")])
    article_id = report.added[0]
    step = len(sentence)
    spans = [Sentence(sentence.strip(), i * step, (i + 1) * step - 1) for i in range(50_000)]
    analysis = Analysis(sentences=spans, mentions=[], summary=[0, 1, 2], ranking=[7, 3, 9, 1])
    digest = await store.article_content_hash(article_id)
    async with store.transaction():
        await store.save_analysis(article_id, digest or "", enrichment.NLP_VERSION, analysis, "")

    meter = Meter("summary")
    summary = await metered(article_summary(store, article_id, max_words=30), meter)

    assert [s.start for s in summary.sentences] == [3 * step, 7 * step, 9 * step]
    assert meter.units["summary_sentences"] <= 6
