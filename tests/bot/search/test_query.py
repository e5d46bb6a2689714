"""The query language: what users type becomes a typed Query of words (each backend's
compiling of it is tested with the store, tests/bot/store/)."""

import pytest

from bot.errors import QueryError
from bot.models.query import Query, SearchFilters, Term
from bot.search.query import any_word_query, entity_as_phrase, parse_query, prefix_query


def shape(query: Query) -> list[list[str]]:
    """The query's groups of alternatives ("shin bet", "hali*"), then its exclusions ("-x")."""

    def word(term: Term) -> str:
        return " ".join(term.words) + ("*" if term.prefix else "")

    groups = [[word(term) for term in group] for group in query.groups]
    return groups + [["-" + word(term)] for term in query.excluded]


def test_words_phrases_exclusions_or_and_prefix() -> None:
    query = parse_query('"Shin Bet" -Egypt ceasefire OR truce Hali*')
    assert shape(query) == [["Shin Bet"], ["ceasefire", "truce"], ["Hali*"], ["-Egypt"]]


def test_filters_are_taken_out_of_the_text() -> None:
    query = parse_query("ceasefire source:YWN after:2024-05 before:2024-06-01 entity:Hamas")
    assert query.filters == SearchFilters(
        sources=("YWN",), after="2024-05-01", before="2024-06-01", entities=("Hamas",)
    )
    assert shape(query) == [["ceasefire"]]


@pytest.mark.parametrize(
    "text",
    ['"', "*", "-", "(", "^", "😀😀", "", "   ", "-egypt", "source:x", "- * ( )"],
)
def test_queries_without_words_give_a_clear_message(text: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(text)
    assert "search" in str(info.value).lower() or "word" in str(info.value).lower()


def test_fts_syntax_is_words_not_obeyed() -> None:
    query = parse_query('NEAR(a b) col:thing "x" AND y')
    # Only words: no operator or column filter survives (only OR joins alternatives).
    assert shape(query) == [["NEAR a"], ["b"], ["col"], ["thing"], ["x"], ["AND"], ["y"]]
    assert shape(parse_query("AND OR NOT")) == [["AND", "NOT"]]


def test_bad_dates_and_ranges() -> None:
    with pytest.raises(QueryError, match="after:"):
        parse_query("x after:last-week")
    with pytest.raises(QueryError, match="earlier"):
        parse_query("x after:2024-06-01 before:2024-01-01")


def test_long_queries_are_cut_with_a_note() -> None:
    query = parse_query("word " * 3000)
    assert query.notes
    assert len(query.groups) <= 16


def test_invisible_characters_are_dropped() -> None:
    assert shape(parse_query("Ha\u200bmas\u202e")) == [["Hamas"]]


def test_prefix_query_for_autocomplete() -> None:
    query = prefix_query("qatar tru")
    assert query is not None
    assert query.groups == ((Term(("qatar",)),), (Term(("tru",), prefix=True),))
    assert prefix_query("  ") is None


def test_the_word_limit_counts_every_alternative_and_says_what_was_used() -> None:
    query = parse_query(" OR ".join(f"w{n}" for n in range(40)))
    assert [term.words for term in query.terms] == [(f"w{n}",) for n in range(16)]
    assert query.size == 16
    assert query.notes == ("only the first 16 of 40 words were used",)


def test_the_word_limit_counts_phrase_words_and_exclusions_in_reading_order() -> None:
    query = parse_query('"a b c d e f g h i j" -k l* m OR n o p q r s t')
    assert shape(query) == [["a b c d e f g h i j"], ["l*"], ["m", "n"], ["o"], ["p"], ["-k"]]
    assert query.size == 16
    assert query.notes == ("only the first 16 of 20 words were used",)
    # A phrase longer than the limit keeps its first words (still the first 16 typed).
    long_phrase = parse_query('"' + " ".join(f"w{n}" for n in range(20)) + '"')
    assert long_phrase.terms == (Term(tuple(f"w{n}" for n in range(16))),)


def test_a_query_knows_its_parts() -> None:
    query = parse_query('"Shin Bet" truce OR ceasefire Halev* -Egypt -"Gaza Strip"')
    assert query.required == (Term(("Shin", "Bet")), Term(("Halev",), prefix=True))
    assert [t.words for t in query.phrases] == [("Shin", "Bet"), ("Gaza", "Strip")]
    assert query.prefixes == (Term(("Halev",), prefix=True),)
    assert query.size == 8
    # A prefix reads one index list per word it expands to: the place for a budget.
    assert query.cost() == 8
    assert query.cost({Term(("Halev",), prefix=True): 40}) == 47


def test_options_replace_typed_source_and_dates_and_add_entities() -> None:
    typed = "truce source:AP after:2024-01 entity:Hamas"
    options = SearchFilters(sources=("BBC",), before="2024-06-01", entities=("Qatar",))
    assert parse_query(typed, options).filters == SearchFilters(
        sources=("BBC",), after="2024-01-01", before="2024-06-01", entities=("Hamas", "Qatar")
    )
    with pytest.raises(QueryError, match="earlier"):
        parse_query("truce after:2024-06-01", SearchFilters(before="2024-01-01"))


def test_queries_built_from_words_and_entity_names() -> None:
    assert shape(any_word_query(["harbour", "dockers"])) == [["harbour", "dockers"]]
    query = parse_query("truce entity:Hamas entity:Qatar")
    as_phrase = entity_as_phrase(query, "Hamas")
    assert shape(as_phrase) == [["truce"], ["Hamas"]]
    assert as_phrase.filters.entities == ("Qatar",)
    assert entity_as_phrase(None, "Shin Bet’s").groups == ((Term(("Shin", "Bet", "s")),),)


def test_a_query_needs_words_and_stores_refuse_unresolved_entities() -> None:
    with pytest.raises(ValueError):
        Query(groups=())
    with pytest.raises(ValueError):
        Term(())
    with pytest.raises(ValueError):
        parse_query("truce entity:Hamas").filters.checked_resolved()
    resolved = parse_query("truce entity:Hamas").resolved([3, 1])
    assert resolved.filters == SearchFilters(article_ids=(1, 3))
    assert resolved.within([3, 4]).filters.article_ids == (3,)


def test_a_colon_that_is_not_a_filter_joins_two_words_not_a_phrase() -> None:
    """Issue 16, class 11: `Qatar:Hamas` became the phrase "Qatar Hamas" (found only where
    the two words stand side by side); it is the two words, as the parser's comment says."""
    assert parse_query("Qatar:Hamas").groups == ((Term(("Qatar",)),), (Term(("Hamas",)),))
    assert parse_query("truce -Qatar:Hamas").excluded == (Term(("Qatar",)), Term(("Hamas",)))
    assert parse_query('note:"shin bet"').groups == ((Term(("note",)),), (Term(("shin", "bet")),))
    assert parse_query("truce OR Qatar:Hamas").groups == (
        (Term(("truce",)), Term(("Qatar",))),
        (Term(("Hamas",)),),
    )
    assert parse_query("Qatar:OR").groups == ((Term(("Qatar",)),), (Term(("OR",)),))
    assert parse_query("Halev:*").groups == ((Term(("Halev",), prefix=True),),)
