"""The query language: what users type becomes a safe FTS5 expression."""

import pytest

from bot.errors import QueryError
from bot.search.query import parse_query, prefix_expression


def test_words_phrases_exclusions_or_and_prefix() -> None:
    query = parse_query('"Shin Bet" -Egypt ceasefire OR truce Hali*')
    assert query.match_expression() == (
        '(("Shin Bet") AND ("ceasefire" OR "truce") AND ("Hali"*)) NOT "Egypt"'
    )


def test_filters_are_taken_out_of_the_text() -> None:
    query = parse_query("ceasefire source:YWN after:2024-05 before:2024-06-01 entity:Hamas")
    assert query.sources == ("YWN",)
    assert (query.after, query.before) == ("2024-05-01", "2024-06-01")
    assert query.entities == ("Hamas",)
    assert query.match_expression() == '("ceasefire")'


@pytest.mark.parametrize(
    "text",
    ['"', "*", "-", "(", "^", "😀😀", "", "   ", "-egypt", "source:x", "- * ( )"],
)
def test_queries_without_words_give_a_clear_message(text: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(text)
    assert "search" in str(info.value).lower() or "word" in str(info.value).lower()


def test_fts_syntax_is_quoted_not_obeyed() -> None:
    query = parse_query('NEAR(a b) col:thing "x" AND y')
    expression = query.match_expression()
    # Every word is inside double quotes: no bare operator or column filter survives.
    assert expression == ('("NEAR a") AND ("b") AND ("col thing") AND ("x") AND ("AND") AND ("y")')
    assert parse_query("AND OR NOT").match_expression() == '("AND" OR "NOT")'


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
    assert parse_query("Ha\u200bmas\u202e").match_expression() == '("Hamas")'


def test_prefix_expression_for_autocomplete() -> None:
    assert prefix_expression("qatar tru") == '"qatar" AND "tru"*'
    assert prefix_expression("  ") is None
