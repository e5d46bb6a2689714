"""Hostile searches on both backends (issue 16, class 1): hypothesis draws floods of ORed
prefixes, common words, long phrases, exclusions, filters and control characters. Every one
is answered within its budget (the index lists and postings it was costed at, counted, never
timed) or refused before searching, in one readable line."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.errors import QueryError, TooBroad
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft, SearchPage
from bot.render.errors import describe
from bot.search import SearchBudget, search
from bot.store import Store
from bot.work import Meter, metered
from tests import backends

store = backends.both_stores
postgres_server = backends.postgres_server
postgres_template = backends.postgres_template

EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# A budget the small archive below can exceed, as the real one is exceeded at 100k articles.
LIMITS = SearchBudget(lists=24, postings=400)
COMMON = ["the", "harbour", "talks", "said", "minister", "of", "and", "a"]

prefix = st.builds(lambda s: s + "*", st.text(string.ascii_lowercase, min_size=1, max_size=3))
word = st.one_of(st.sampled_from(COMMON), st.text(string.ascii_lowercase, min_size=1, max_size=8))
phrase = st.lists(st.sampled_from(COMMON), min_size=2, max_size=8).map(
    lambda words: '"' + " ".join(words) + '"'
)
token = st.one_of(
    prefix,
    word,
    phrase,
    word.map(lambda w: "-" + w),
    st.sampled_from(["OR", "OR", "source:Wire", "after:2024", "entity:x", "a:b*", "\x1b[2J"]),
    st.text(st.characters(codec="utf-8"), max_size=6),
)
flood = st.tuples(
    st.lists(token, min_size=1, max_size=60), st.sampled_from([" ", " OR ", "  OR  "])
).map(lambda parts: parts[1].join(parts[0])[: 300 if len(parts[0]) % 2 else 1000])


async def archive(store: Store) -> None:
    """Forty articles whose words start with every letter (prefixes expand widely)."""
    if await store.count_articles():
        return
    vocabulary = [f"{letter}{tail}" for letter in string.ascii_lowercase for tail in "aeiou"]
    drafts = [
        ArticleDraft(
            title=f"Harbour talks {n}",
            body=" ".join(COMMON) + " " + " ".join(vocabulary[n % 26 :: 3]) + " said the minister",
            origin=f"t:{n}",
            source="Wire" if n % 2 else "Post",
        )
        for n in range(40)
    ]
    await ingest_drafts(store, drafts)


@EXAMPLES
@given(text=flood)
async def test_search_floods_are_answered_within_budget_or_refused_in_one_line(
    store: Store, text: str
) -> None:
    await archive(store)
    meter = Meter("search")
    try:
        answer: SearchPage | QueryError = await metered(
            search(store, text, limits=LIMITS, entity_articles=_no_entities), meter
        )
    except QueryError as refused:
        answer = refused
    event(type(answer).__name__)

    if isinstance(answer, SearchPage):
        assert meter.units["searches"] == 1
        assert meter.units["search_lists"] <= LIMITS.lists
        assert meter.units["search_postings"] <= LIMITS.postings
        return
    message = describe(answer).message
    assert "\n" not in message and len(message) <= 300
    assert not any(ch in message for ch in "\x00\x1b\x9b")
    if isinstance(answer, TooBroad):
        assert message.startswith("Too broad: ") and "Narrow it: " in message
        assert meter.units["searches"] == 0


async def _no_entities(name: str) -> list[int]:
    return []
