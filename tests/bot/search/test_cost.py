"""Every search is costed before it runs (issue 16, class 1): prefix floods, OR floods and
common-word phrases are refused in one line, on both backends, without searching; ordinary
searches are not. Work is counted (index lists, postings, searches run), never timed."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.errors import TooBroad
from bot.ingest import ingest_drafts, ingest_paths
from bot.models import ArticleDraft
from bot.models.query import Reach
from bot.search import SearchBudget, matching, parse_query, search
from bot.search.cost import search_cost
from bot.store import Store, open_store
from bot.store.index import counting
from bot.work import Meter, metered

# The flood of the issue: 300 characters of one-letter prefixes, ORed.
FLOOD = " OR ".join(f"{letter}*" for letter in string.ascii_lowercase * 3)[:300]


async def metered_search(store: Store, text: str, **options: object) -> tuple[Meter, object]:
    """Search under a meter: what the search did (or the error it raised), and its units."""
    meter = Meter("test")
    try:
        return meter, await metered(search(store, text, **options), meter)  # type: ignore[arg-type]
    except TooBroad as refused:
        return meter, refused


async def test_an_ored_prefix_flood_is_refused_in_one_line_without_searching(
    store: Store, seed_file: Path
) -> None:
    await ingest_paths(store, [seed_file])

    meter, answer = await metered_search(store, FLOOD)

    assert isinstance(answer, TooBroad)
    # Named: the prefix that took the count past the budget (a*, b*, c* ... add up).
    assert re.fullmatch(
        r"Too broad: `[a-z]\*` stands for more words than one search reads\."
        r" Narrow it: type more letters before the `\*`\.",
        str(answer),
    )
    assert meter.units["searches"] == 0
    # Counting stopped at the first prefix past the budget: a few dozen lists, not thousands.
    assert 64 < meter.units["search_lists"] <= 64 + 2


async def test_ordinary_searches_cost_little_and_run(store: Store, seed_file: Path) -> None:
    await ingest_paths(store, [seed_file])
    for text in ("Qatar truce", "Halev*", '"Shin Bet" -Egypt', "truce OR ceasefire"):
        meter, page = await metered_search(store, text)
        assert not isinstance(page, TooBroad), text
        assert meter.units["searches"] == 1
        assert meter.units["search_lists"] <= 3


async def test_postings_are_weighed_by_kind_against_the_budget(store: Store) -> None:
    drafts = [
        ArticleDraft(
            title=f"Harbour report {n}",
            body="The harbour of the port town reopened. " + "harbinger " * (n % 2),
            origin=f"test:{n}",
        )
        for n in range(30)
    ]
    await ingest_drafts(store, drafts)
    limits = SearchBudget(postings=100)

    # 30 articles hold "harbour": 30 postings; as a prefix (harbour, harbinger) 8 × 45.
    assert (await search_cost(store, parse_query("harbour"), limits)).postings == 30
    assert (await search(store, "harbour", limits=limits)).total == 30
    with pytest.raises(TooBroad, match=r"the words starting `harb\*` are in too many articles"):
        await search(store, "harb*", limits=limits)
    # A phrase's words weigh 3 each: "the harbour" reads 3 × (30 + 30).
    with pytest.raises(TooBroad, match='the words of `"the harbour"`'):
        await search(store, '"the harbour"', limits=limits)
    with pytest.raises(TooBroad, match=r"the `OR` alternatives \(up to `port`\)"):
        await search(store, "harbour OR town OR port", limits=SearchBudget(postings=80))


async def forty_reports(store: Store, body: Callable[[int], str]) -> None:
    """Store "Report 0" to "Report 39", report n's body `body(n)`."""
    drafts = [ArticleDraft(f"Report {n}", body(n), f"test:{n}") for n in range(40)]
    await ingest_drafts(store, drafts)


async def test_a_phrase_costs_its_rarest_words_articles_not_its_commonest(
    store: Store,
) -> None:
    """ "government's plan" is a phrase with "s" in it: the index walks the rarest word's
    articles and checks the others there, so the common word does not make it too broad."""
    await forty_reports(
        store, lambda n: "The port reopened. " + ("The lighthouse keeper's plan." if n < 5 else "")
    )
    limits = SearchBudget(postings=100)
    # 5 articles hold "lighthouse", 40 hold "the": 5 × 2 words × 3, where the sum was 135.
    cost = await search_cost(store, parse_query('"the lighthouse"'), limits)
    assert cost.within and cost.postings == 30
    assert (await search(store, '"the lighthouse"', limits=limits)).total == 5
    with pytest.raises(TooBroad, match='the words of `"the port"`'):
        await search(store, '"the port"', limits=limits)  # 40 × 2 × 3


async def test_a_phrase_of_common_words_costs_its_rarest_grams_articles(store: Store) -> None:
    """ "the no" is in every article word by word and adjacent in 3: its compiled query walks
    the 3 articles of its gram (bot/store/index/grams.py), so it runs where its words alone
    (40 × 2 × 3) would refuse it; "of the", adjacent in all 40, is still refused."""
    await forty_reports(
        store, lambda n: "No word of the port. " + ("The no vote." if n < 3 else "The vote.")
    )
    limits = SearchBudget(postings=100)
    cost = await search_cost(store, parse_query('"the no"'), limits)
    assert cost.within and cost.postings == 3 * 2 * 3
    assert (await search(store, '"the no"', limits=limits)).total == 3
    with pytest.raises(TooBroad, match='the words of `"of the"`'):
        await search(store, '"of the"', limits=limits)


async def test_saved_searches_matched_against_a_batch_are_held_to_the_budget_too(
    store: Store, seed_file: Path
) -> None:
    """A follow's or feed's query runs on every new batch: a prefix is merged over the whole
    index however small the batch, so the budget applies there as well."""
    report = await ingest_paths(store, [seed_file])
    with pytest.raises(TooBroad):
        await matching(store, parse_query(FLOOD), report.added)
    assert await matching(store, parse_query("Qatar"), report.added) == set(report.added)


async def test_counts_are_remembered_until_the_archive_grows(store: Store) -> None:
    await ingest_drafts(store, [ArticleDraft(title="Port", body="port town", origin="t:1")])
    term = parse_query("port").terms[0]
    assert (await store.term_reach(term, max_lists=64, max_postings=1000)).postings == 1
    await ingest_drafts(store, [ArticleDraft(title="Port 2", body="port again", origin="t:2")])
    assert (await store.term_reach(term, max_lists=64, max_postings=1000)).postings == 2


async def test_a_prefixs_expansions_are_counted_only_up_to_the_caps(store: Store) -> None:
    words = " ".join(f"port{n:02d}" for n in range(40))
    await ingest_drafts(store, [ArticleDraft(title="Harbours", body=words, origin="t:ports")])
    term = parse_query("port*").terms[0]

    assert await store.term_reach(term, max_lists=100, max_postings=1000) == Reach(40, 40)
    assert (await store.term_reach(term, max_lists=10, max_postings=1000)).lists == 11
    assert (await store.term_reach(term, max_lists=100, max_postings=5)).postings == 6
    assert len(await store.terms_starting("port", max_postings=3)) == 4


async def test_matching_a_batch_reads_only_the_batch_with_every_filter(store: Store) -> None:
    drafts = [
        ArticleDraft(
            title=f"Harbour {n}",
            body="The harbour reopened." if n % 2 else "The market opened.",
            origin=f"m:{n}",
            source="Wire" if n % 3 else "Post",
        )
        for n in range(12)
    ]
    ids = (await ingest_drafts(store, drafts)).added
    batch = ids[:8]
    wanted = {i for n, i in enumerate(ids[:8]) if n % 2}
    assert await matching(store, parse_query("reopened"), batch) == wanted
    by_wire = {i for n, i in enumerate(ids[:8]) if n % 2 and n % 3}
    assert await matching(store, parse_query("reopened source:wire"), batch) == by_wire
    assert await matching(store, parse_query("harbour -reopened"), batch) == set(batch) - wanted


@pytest.mark.sqlite_only
async def test_a_known_words_count_is_reached_without_a_statement(tmp_path: Path) -> None:
    """The archive's size comes from the search index's snapshot, so the cost check of a word
    already counted sends the database nothing (it read `data_version` each word)."""
    async with await open_store(tmp_path / "newsdesk.db", readers=1) as store:
        await ingest_drafts(store, [ArticleDraft(title="Port", body="port town", origin="t:1")])
        term = parse_query("port").terms[0]
        assert (await store.term_reach(term, max_lists=64, max_postings=1000)).postings == 1
        sent: list[str] = []
        for conn in (store.writer, *store.readers._opened):  # type: ignore[attr-defined]
            await conn.set_trace_callback(sent.append)
        assert (await store.term_reach(term, max_lists=64, max_postings=1000)).postings == 1
        assert sent == []


@pytest.mark.sqlite_only
async def test_a_new_words_count_comes_from_the_search_index(tmp_path: Path) -> None:
    """A word not counted before is counted in the search index's snapshot, off the database
    (it was an FTS5 walk of the word's whole list on a read connection a burst of searches
    queued for): the count is the same, and no statement is sent."""
    async with await open_store(tmp_path / "newsdesk.db", readers=1) as store:
        drafts = [
            ArticleDraft(title=f"Port {n}", body="port town" if n % 3 else "quay", origin=f"t:{n}")
            for n in range(9)
        ]
        await ingest_drafts(store, drafts)
        await store.search_articles(parse_query("anything"), 1, 0)  # opens the reader
        sent: list[str] = []
        for conn in (store.writer, *store.readers._opened):  # type: ignore[attr-defined]
            await conn.set_trace_callback(sent.append)
        town, quay = parse_query("town").terms[0], parse_query('"port quay"').terms[0]
        assert await store.term_reach(town, max_lists=64, max_postings=1000) == Reach(1, 6)
        # The phrase's rarest word, quay (3 articles), times its 2 words.
        assert await store.term_reach(quay, max_lists=64, max_postings=1000) == Reach(2, 6)
        assert sent == []


async def test_a_common_words_count_is_its_fields_document_counts_not_a_walk(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past WALK_UP_TO a word's count is the sum of its fields' document counts from the
    index's term dictionary, at most the archive (walking "the" took 1-80 ms at 100k): an
    upper bound, so a budget errs towards refusing. Below it the count is walked, exact."""
    drafts = [
        ArticleDraft(f"Harbour quay {n}" if n % 2 else f"Pier {n}", "harbour quay town", f"t:{n}")
        for n in range(8)
    ]
    await ingest_drafts(store, [*drafts, ArticleDraft("Inland", "fields", "t:x")])
    harbour, quay = parse_query("harbour").terms[0], parse_query("quay").terms[0]
    # 8 articles hold each word (8 bodies, 4 of them titles too): walked, exact.
    assert (await store.term_reach(harbour, max_lists=64, max_postings=1000)).postings == 8
    monkeypatch.setattr(counting, "WALK_UP_TO", 5)
    # The same spread past the limit: 8 bodies + 4 titles, at most the archive's 9 articles.
    assert (await store.term_reach(quay, max_lists=64, max_postings=1000)).postings == 9
    nowhere = parse_query("nowhere").terms[0]
    assert (await store.term_reach(nowhere, max_lists=64, max_postings=1000)).postings == 0


async def test_the_default_budget_grows_with_the_archive_between_floor_and_ceiling(
    store: Store,
) -> None:
    """A small archive's searches read little, so its budget only lets through what a reader
    types (ten lists the whole archive long) and refuses floods; at 1M articles "said for"
    reads about 2M postings, which the old flat 1M refused."""
    assert SearchBudget.for_archive(0).postings == 1_000_000
    assert SearchBudget.for_archive(100_000).postings == 1_000_000
    assert SearchBudget.for_archive(250_000).postings == 2_500_000
    assert SearchBudget.for_archive(1_000_000).postings == 4_000_000
    drafts = [ArticleDraft(f"Port {n}", "port town", f"t:{n}") for n in range(7)]
    await ingest_drafts(store, drafts)
    assert store.searchable_articles() == 7
