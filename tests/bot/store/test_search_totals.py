"""A search's total is counted to COUNT_CAP on both backends (the index does not visit every
match of a common word to count it): past the cap the reader sees "1,000+ articles" and the
page is still the top of every match ranked by the rule; below it the total is exact, also
when the ranking's first fetch holds fewer than all the matches."""

from __future__ import annotations

import pytest

from bot.errors import QueryError
from bot.ingest import ingest_drafts
from bot.models import COUNT_CAP, ArticleDraft
from bot.render.search import results_embed
from bot.search import parse_query, search
from bot.store import Store
from tests.bot.store.ranked import every_match_ranked
from tests.bot.store.test_search_sql import corpus

# Enough articles for the commonest corpus word to match more than COUNT_CAP of them.
ARTICLES = COUNT_CAP + 60


async def test_a_total_past_the_cap_reads_as_at_least_and_the_page_stays_exact(
    store: Store,
) -> None:
    await ingest_drafts(store, corpus(ARTICLES))
    expected = every_match_ranked(store, parse_query("w0"))
    assert len(expected) > COUNT_CAP
    first, last = await search(store, "w0"), await search(store, "w0", page=200)
    assert (first.total, first.total_at_least) == (COUNT_CAP, True)
    footer = results_embed(first, "w0").footer.text or ""
    assert "1,000+ articles" in footer
    assert [h.id for h in first.hits] == expected[:5]
    assert [h.id for h in last.hits] == expected[995:1000]
    # At ten a page (the web's, the command line's) the last page is the 100th, the one
    # holding the 1,000th result: "of 100+", and the 101st is refused before searching.
    tenth = await search(store, "w0", page=100, per_page=10)
    assert (tenth.pages, tenth.pages_at_least, tenth.past_the_end) == (100, True, False)
    assert [h.id for h in tenth.hits] == expected[990:1000]
    with pytest.raises(QueryError, match=r"^Pages go from 1 to 100: "):
        await search(store, "w0", page=101, per_page=10)
    # At a size that does not divide 1,000 the last page stops at the 1,000th result (asked
    # for 30, the store ranked and counted past the cap: "1,060 articles", hits 991-1020).
    odd = await search(store, "w0", page=34, per_page=30)
    assert (odd.total, odd.total_at_least, odd.pages) == (COUNT_CAP, True, 34)
    assert [h.id for h in odd.hits] == expected[990:1000]


async def test_a_total_below_the_cap_is_exact_past_the_first_fetch(store: Store) -> None:
    await ingest_drafts(store, corpus(ARTICLES))
    store.search_index.first_fetch = 20  # type: ignore[attr-defined]  # the windows rank
    for typed in ("w9", '"w0 w1"', "w9 -w20", "w9 OR w20"):
        expected = every_match_ranked(store, parse_query(typed))
        assert 20 < len(expected) < COUNT_CAP, typed
        page = await search(store, typed, per_page=10, page=2)
        assert (page.total, page.total_at_least) == (len(expected), False), typed
        assert [h.id for h in page.hits] == expected[10:20], typed
        footer = results_embed(page, typed).footer.text or ""
        assert f"{len(expected):,} articles" in footer and "+" not in footer, typed


async def test_a_phrase_counted_past_the_cap_reads_as_at_least(store: Store) -> None:
    # A phrase's first fetch counts (its walk checks positions anyway): capped the same way.
    await ingest_drafts(
        store,
        [
            ArticleDraft(f"Prime minister visit {n}", f"The prime minister met {n}.", f"pm:{n}")
            for n in range(COUNT_CAP + 5)
        ],
    )
    expected = every_match_ranked(store, parse_query('"prime minister"'))
    page = await search(store, '"prime minister"')
    assert len(expected) > COUNT_CAP
    assert (page.total, page.total_at_least) == (COUNT_CAP, True)
    assert [h.id for h in page.hits] == expected[:5]
