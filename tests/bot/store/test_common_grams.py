"""Common grams (bot/store/index/grams.py): a phrase ANDed with its grams gives exactly the
phrase's articles, scores, totals and pages, on both backends; the gram fields hold exactly the
adjacent pairs; they follow edits and deletes; an index of the schema before them is rebuilt."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
import tantivy
from tantivy import Query as Tq

from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.models.query import Query, SearchFilters
from bot.search import parse_query, search
from bot.store import Store, open_store
from bot.store.index import schema as index_schema
from bot.store.index.grams import COMMON_WORDS, FREQUENT_WORDS, pair_grams
from tests.bot.store.ranked import every_match_ranked

# Common words (grams.py's list) beside a few that are not, Zipf-weighted: phrases of common
# words stand in titles, captions and bodies, in many articles and not in all.
WORDS = ["the", "no", "of", "s", "a", "said", "government", "told", "harbour", "vote"]
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
PHRASES = [
    '"the no"',
    '"government s"',
    '"of told"',
    '"of the no"',
    '"the no s a"',
    'title:"the no"',
    '"the no" "of the"',  # two groups
    '"the no" OR "s a" harbour',
    'vote -"the no"',  # excluded
    '"the no" after:2024-06-01',  # whole days: the day terms
    '"of the" after:2024-03-01 before:2024-09-15',
    '"the no" source:harbour',  # a time filter below: the range on the time
    '"the n"*',  # a phrase-prefix: no grams
    '"the harbour"',  # a rarer word: no grams
]


def typed_query(typed: str) -> Query:
    """A query as typed, with two forms the parser has no syntax for: `"..."*`, a phrase whose
    last word is a prefix, and `source:harbour`, a filter from noon of 1 March to 15 September."""
    if typed.endswith("*"):
        query = parse_query(typed[:-1])
        ((term,),) = query.groups
        return dataclasses.replace(query, groups=((dataclasses.replace(term, prefix=True),),))
    if "source:harbour" in typed:
        query = parse_query(typed.replace("source:harbour", ""))
        noon = SearchFilters(after="2024-03-01T12:00:00+00:00", before="2024-09-15T06:00:00+00:00")
        return dataclasses.replace(query, filters=noon)
    return parse_query(typed)


def texts(count: int, seed: int = 3) -> list[ArticleDraft]:
    """Articles over 2024 whose words are mostly common ones, a caption in one of three."""
    rng = random.Random(seed)

    def words(k: int) -> str:
        return " ".join(rng.choices(WORDS, WEIGHTS, k=k))

    return [
        ArticleDraft(
            title=words(5),
            caption=words(8) if n % 3 == 0 else "",
            body=words(rng.randint(10, 40)).replace("government s", "government's"),
            origin=f"grams:{n}",
            published_at=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00+00:00",
        )
        for n in range(count)
    ]


def _grams(store: Store, on: bool) -> None:
    store.search_index.compiler.grams = on  # type: ignore[attr-defined]


@pytest.mark.parametrize("typed", PHRASES)
async def test_a_phrase_with_its_grams_is_the_phrase_alone(store: Store, typed: str) -> None:
    """The same (id, score) page deep into the windows, the same total and the same pages as
    every match ranked by the rule, with the grams and without them (the reference)."""
    await ingest_drafts(store, texts(300))
    index = store.search_index  # type: ignore[attr-defined]
    index.first_fetch = 5  # the ranking's windows run too
    query = typed_query(typed)
    found = {}
    for on in (False, True):
        _grams(store, on)
        found[on] = index.search(query, 30)
        expected = every_match_ranked(store, query)
        got: list[int] = []
        for offset in (0, 10):
            hits, total = await store.search_articles(query, 10, offset)
            assert total == len(expected) > 0
            got += [hit.id for hit in hits]
        assert got == expected[:20]
    assert (found[True].ranked, found[True].total) == (found[False].ranked, found[False].total)


async def test_phrases_of_common_words_are_compiled_with_their_grams(store: Store) -> None:
    """The grams are really there (the test above compares something): per field for a
    phrase of common words, none for a prefix or a phrase without a common and frequent pair."""
    compiler = store.search_index.compiler  # type: ignore[attr-defined]
    compiled = repr(compiler.compile(parse_query('"of the no"')))
    # Two grams in each of the title, caption and body.
    assert compiled.count("Const(score=0, query=TermQuery") == 6
    assert compiled.count('"of_the"') == compiled.count('"the_no"') == 3
    for typed in ('"the n"*', '"harbour vote"', '"the harbour"'):
        assert "Const" not in repr(compiler.compile(typed_query(typed)))


@pytest.mark.sqlite_only
async def test_a_gram_field_holds_exactly_the_adjacent_pairs(tmp_path: Path) -> None:
    """For two words the gram's articles are the phrase's, field by field (an apostrophe and
    an accent folded as the words are)."""
    drafts = [
        *texts(200),
        ArticleDraft("The Government’s nó", "", "Of the government's no.", "grams:x"),
    ]
    async with await open_store(tmp_path / "g.db") as store:
        await ingest_drafts(store, drafts)
        index = store.search_index  # type: ignore[attr-defined]
        searcher = index.ranker().searcher
        pairs = [("the", "no"), ("government", "s"), ("of", "told"), ("s", "no"), ("no", "s")]
        for first, second in pairs:
            for field in ("title", "caption", "body"):
                phrase = Tq.phrase_query(index.schema, field, [first, second])
                gram = Tq.term_query(index.schema, f"{field}_grams", f"{first}_{second}")
                phrased = searcher.search(phrase, 1, count=True).count
                grammed = searcher.search(gram, 1, count=True).count
                assert phrased == grammed, (first, second, field)
        assert (await search(store, '"government s no"')).total >= 2


def test_grams_are_pairs_with_a_common_word() -> None:
    assert {"the", "s", "7", "said"} <= COMMON_WORDS and "government" not in COMMON_WORDS
    assert {"government", "told"} <= FREQUENT_WORDS and "harbour" not in FREQUENT_WORDS
    # A common word with a frequent or common one, not with a rarer word.
    tokens = ["government", "s", "harbour", "vote", "the", "no", "told", "him"]
    assert pair_grams(tokens) == ["government_s", "the_no", "no_told", "told_him"]


async def test_grams_follow_edits(store: Store) -> None:
    await ingest_drafts(store, [ArticleDraft("Harbour", "Ferries said the no vote.", "e:1")])
    assert (await search(store, '"said the no"')).total == 1
    await ingest_drafts(store, [ArticleDraft("Harbour", "Ferries said yes to the vote.", "e:1")])
    assert (await search(store, '"said the no"')).total == 0
    assert (await search(store, '"to the vote"')).total == 1


@pytest.mark.sqlite_only
async def test_grams_leave_with_a_deleted_article(tmp_path: Path) -> None:
    async with await open_store(tmp_path / "d.db") as store:
        await ingest_drafts(store, [ArticleDraft("Harbour", "Ferries said the no vote.", "d:1")])
        assert (await search(store, '"said the no"')).total == 1
        await store.conn.execute("DELETE FROM articles")  # type: ignore[attr-defined]
        assert (await search(store, '"said the no"')).total == 0


def _old_schema() -> tantivy.Schema:
    """Schema version 1's fields: the searched ones without grams."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    for name in ("title", "caption", "body", "author", "category"):
        builder.add_text_field(name, tokenizer_name=index_schema.NEWS)
    builder.add_text_field("source", tokenizer_name=index_schema.SOURCE)
    builder.add_integer_field("published", indexed=True, fast=True)
    builder.add_integer_field("day", indexed=True)
    builder.add_integer_field("seq", stored=True)
    builder.add_integer_field("version", stored=True)
    return builder.build()


def _version_one(folder: Path, seq: int) -> None:
    """Replace the index in `folder` by one of version 1 whose watermark says it holds
    everything up to `seq`."""
    for item in folder.iterdir():
        item.unlink()
    old = tantivy.Index(_old_schema(), path=str(folder), reuse=False)
    index_schema.register_tokenizers(old)
    writer = old.writer(heap_size=15_000_000, num_threads=1)
    version_one = {"id": index_schema.WATERMARK_ID, "seq": seq, "version": 1}
    writer.add_document(tantivy.Document.from_dict(version_one, _old_schema()))
    writer.commit()
    writer.wait_merging_threads()


@pytest.mark.sqlite_only
async def test_an_index_of_the_schema_before_grams_is_rebuilt(tmp_path: Path) -> None:
    """An index of version 1 holding every change (by its watermark) is emptied and built
    again on open, and then answers phrases with grams as every match ranked says."""
    path = tmp_path / "old.db"
    async with await open_store(path) as store:
        await ingest_drafts(store, texts(120))
        top = await store._search_seq()  # type: ignore[attr-defined]
    _version_one(Path(f"{path}.search"), top)
    async with await open_store(path) as store:
        mark = store.search_index.mark()  # type: ignore[attr-defined]
        assert mark.version == index_schema.SCHEMA_VERSION
        query = parse_query('"of the no"')
        expected = every_match_ranked(store, query)
        hits, total = await store.search_articles(query, 10, 0)
        assert total == len(expected) > 0
        assert [h.id for h in hits] == expected[:10]
