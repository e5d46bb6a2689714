"""Field-scoped terms on both backends: `title:` searches the headline alone, `author:` the
byline and `category:` one of the article's categories, word for word and folded as search
folds; quoted, excluded, prefixed and as alternatives. Every answer is checked against a
plain Python reading of the same articles."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from bot.errors import QueryError
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.models.query import Term
from bot.search import matching, parse_query, search
from bot.store import Store

WORDS = ["storm", "harbour", "ferry", "match", "final", "market", "rates", "ports", "gale"]
AUTHORS = ["Jane Doe", "John Smith and Jane Doe", "Ann Lee", "", "Émile Zola", "Doe Jane"]
CATEGORIES = ["Sport", "Football", "UK News", "World", "Weather", "Business", "News"]


def corpus(count: int = 60, seed: int = 3) -> list[ArticleDraft]:
    """Articles with bylines and categories drawn from small lists, one a day."""
    rng = random.Random(seed)
    return [
        ArticleDraft(
            title=" ".join(rng.choices(WORDS, k=3)),
            body=" ".join(rng.choices(WORDS, k=12)),
            origin=f"fields:{n}",
            author=rng.choice(AUTHORS),
            categories=tuple(rng.sample(CATEGORIES, k=rng.randint(0, 3))),
            published_at=f"2024-03-{1 + n % 28:02d}T{n % 24:02d}:00:00+00:00",
        )
        for n in range(count)
    ]


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return re.findall(r"[^\W_]+", "".join(c for c in folded if not unicodedata.combining(c)))


def holds(text: str, term: Term) -> bool:
    """Whether the text's words hold the term's words in a row (the last as a prefix)."""
    found, wanted = words(text), words(" ".join(term.words))
    for start in range(len(found) - len(wanted) + 1):
        window = found[start : start + len(wanted)]
        if window[:-1] == wanted[:-1] and (
            window[-1].startswith(wanted[-1]) if term.prefix else window[-1] == wanted[-1]
        ):
            return True
    return False


def term_matches(article: ArticleDraft, term: Term) -> bool:
    if term.field == "title":
        return holds(article.title, term)
    if term.field == "author":
        return holds(article.author, term)
    if term.field == "category":
        return any(holds(name, term) for name in article.categories)
    return any(holds(part, term) for part in (article.title, article.body))


def expected(articles: dict[int, ArticleDraft], typed: str) -> set[int]:
    query = parse_query(typed)
    return {
        article_id
        for article_id, article in articles.items()
        if all(any(term_matches(article, t) for t in group) for group in query.groups)
        and not any(term_matches(article, t) for t in query.excluded)
    }


QUERIES = [
    "title:storm",
    "title:storm OR title:gale",
    "storm -title:storm",
    '"storm harbour" title:ferry',
    "title:fer*",
    'author:"Jane Doe"',
    "author:doe",
    "author:emile",
    "storm author:Lee",
    "author:Lee OR author:Zola",
    "category:sport",
    'category:"UK News"',
    "category:news",
    'category:"news uk"',
    "-category:sport ferry",
    "category:foot*",
    "category:Sport OR author:Lee",
    "author:jane -category:world",
    "author:jane -storm",
    "author:jane -title:market -category:news",
]


@pytest.fixture
async def articles(store: Store) -> dict[int, ArticleDraft]:
    drafts = corpus()
    report = await ingest_drafts(store, drafts)
    assert len(report.added) == len(drafts)
    stored = await store.latest_articles(len(drafts))
    by_origin = {d.origin: d for d in drafts}
    return {a.id: by_origin[a.origin] for a in stored}


@pytest.mark.parametrize("typed", QUERIES)
async def test_field_terms_find_what_the_field_holds(
    store: Store, articles: dict[int, ArticleDraft], typed: str
) -> None:
    wanted = expected(articles, typed)
    page = await search(store, typed, per_page=100)
    assert {hit.id for hit in page.hits} == wanted
    assert page.total == len(wanted)
    # The same within a batch, as feed filters, follows and digests ask.
    batch = sorted(articles)[::2]
    assert await matching(store, parse_query(typed), batch) == wanted & set(batch)


async def test_label_searches_list_the_newest_first_and_page(
    store: Store, articles: dict[int, ArticleDraft]
) -> None:
    wanted = expected(articles, "author:doe")
    newest_first = sorted(wanted, key=lambda i: (articles[i].published_at, i), reverse=True)
    first = await search(store, "author:doe", per_page=5)
    second = await search(store, "author:doe", page=2, per_page=5)
    assert [h.id for h in first.hits + second.hits] == newest_first[:10]
    assert first.total == len(wanted)
    # Nothing is marked: the snippet is the article's lead.
    assert first.hits[0].snippet == articles[first.hits[0].id].body


async def test_a_title_term_looks_at_the_headline_alone(store: Store) -> None:
    await ingest_drafts(
        store,
        [
            ArticleDraft("Ferry news", "storm " * 20, "t:1", published_at="2024-05-02T00:00:00"),
            ArticleDraft("Storm warning", "a ferry", "t:2", published_at="2024-05-01T00:00:00"),
        ],
    )
    assert [h.title for h in (await search(store, "title:storm")).hits] == ["Storm warning"]
    assert [h.title for h in (await search(store, "title:ferry")).hits] == ["Ferry news"]
    assert (await search(store, "ferry")).total == 2


async def test_categories_are_stored_with_the_article(store: Store) -> None:
    await ingest_drafts(
        store,
        [
            ArticleDraft(
                "Cup final",
                "The final.",
                "t:1",
                categories=("Sport", " sport ", "Foot\x1bball", "", "x" * 300),
            )
        ],
    )
    [article] = await store.latest_articles(1)
    assert article.categories == ("Sport", "Football", "x" * 100)
    assert (await search(store, "category:football")).total == 1


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("storm OR author:Lee", "`OR` joins words with words"),
        ("author:", "needs a word"),
        ('category:"!!"', "`category:` needs a word"),
        ("-author:Lee", "only excludes"),
    ],
)
def test_field_terms_that_cannot_search_say_why(typed: str, problem: str) -> None:
    with pytest.raises(QueryError, match=problem):
        parse_query(typed)


def test_field_terms_count_towards_the_word_limit_and_the_cost() -> None:
    query = parse_query('title:storm author:"Jane Doe" -category:sport ferry*')
    assert query.size == 5
    assert query.cost() == 5
    assert [t.field for t in query.all_terms] == ["title", "author", None]
    assert query.terms == (Term(("storm",), field="title"), Term(("ferry",), prefix=True))
    assert query.highlight_words() == ["storm", "ferry"]
    wide = parse_query(" ".join(f"author:w{n}" for n in range(20)))
    assert wide.size == 16 and wide.notes == ("only the first 16 of 20 words were used",)
