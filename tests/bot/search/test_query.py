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


def test_the_word_limit_counts_every_alternative_and_says_what_was_used() -> None:
    query = parse_query(" OR ".join(f"w{n}" for n in range(40)))
    expression = query.match_expression()
    assert expression.count('"') == 2 * 16
    assert '"w15"' in expression and '"w16"' not in expression
    assert query.notes == ("only the first 16 of 40 words were used",)


def test_the_word_limit_counts_phrase_words_and_exclusions_in_reading_order() -> None:
    query = parse_query('"a b c d e f g h i j" -k l* m OR n o p q r s t')
    assert query.match_expression() == (
        '(("a b c d e f g h i j") AND ("l"*) AND ("m" OR "n") AND ("o") AND ("p")) NOT "k"'
    )
    assert query.notes == ("only the first 16 of 20 words were used",)
    # A phrase longer than the limit keeps its first words (still the first 16 typed).
    long_phrase = parse_query('"' + " ".join(f"w{n}" for n in range(20)) + '"')
    assert long_phrase.match_expression().count(" ") == 15
