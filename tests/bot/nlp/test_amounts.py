"""Amounts as news writes them: digits, word numbers, a dozen, vague counts, qualifiers,
ranges, currencies and percentages, each read as the interval it allows."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlp import amounts
from bot.nlp.amounts import amounts_in, word_number


def only(text: str) -> tuple[str, float, float, str]:
    """The one amount in `text` as (words, low, high, unit)."""
    [found] = amounts_in(text)
    return found.text, found.amount.low, found.amount.high, found.amount.unit


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("twelve", 12),
        ("twenty-five", 25),
        ("two hundred and six", 206),
        ("a dozen", 12),
        ("seven million", 7e6),
        ("one thousand", 1000),
        ("Fifteen", 15),
    ],
)
def test_word_numbers(words: str, value: float) -> None:
    assert word_number(words) == value


def test_word_number_refuses_other_words() -> None:
    assert word_number("twelve apostles") is None
    assert word_number("and") is None


def test_a_dozen_is_twelve_and_half_a_dozen_six() -> None:
    assert only("A dozen people died") == ("A dozen", 11.5, 12.5, "")
    assert only("Half a dozen people") == ("Half a dozen", 5.5, 6.5, "")


def test_digits_carry_the_precision_written() -> None:
    assert only("Altria shares up 5.11%") == ("5.11%", 5.105, 5.115, "%")
    assert only("Shares rose 5%")[1:3] == (4.5, 5.5)
    assert only("It lost 464,000 subscribers") == ("464,000", 463999.5, 464000.5, "")


def test_scales_and_currencies_agree_whichever_way_written() -> None:
    short, words = amounts_in("Up to 1.4m workers"), amounts_in("Up to 1.4 million workers")
    assert short[0].amount == words[0].amount
    _, low, high, unit = only("The deal is worth 1.2 billion dollars.")
    assert (unit, round(low), round(high)) == ("USD", 1_150_000_000, 1_250_000_000)
    assert only("a loss of 68m euros")[3] == "EUR"
    assert only("pitched at 300p a share")[3] == "GBX"


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("at least 12 people", 11.5, math.inf),
        ("more than 100 people", 100, math.inf),
        ("up to 300 jobs", 0, 300.5),
        ("as many as 35 people", 0, 35.5),
        ("nearly 50 people", 42.5, 50),
        ("about 800 volunteers", 720, 880),
        ("Between 4,000 and 5,000 firefighters", 3999.5, 5000.5),
        ("the 12 to 18-month wage freeze", 11.5, 18.5),
    ],
)
def test_qualifiers_and_ranges(text: str, low: float, high: float) -> None:
    _, got_low, got_high, _ = only(text)
    assert (round(got_low, 6), round(got_high, 6)) == (low, high)


def test_vague_counts_are_wide_ranges() -> None:
    assert only("Hundreds of homes")[1:3] == (200, 999)
    assert only("Dozens of people")[1:3] == (24, 99)
    assert only("several hundred volunteers")[1:3] == (300, 999)
    assert amounts_in("Dozens of people")[0].amount.approximate


def test_scores_and_ratios_are_not_ranges() -> None:
    [score] = amounts_in("rejected in a 2-1 decision")
    assert score.ratio
    [majority] = [a for a in amounts_in("an eight to one majority") if a.text.startswith("eight")]
    assert majority.ratio


def test_fractions_and_ages() -> None:
    assert only("nearly two thirds of people")[3] == "fraction"
    assert only("A 38-year-old man")[0:4:3] == ("38-year-old", "age")


def test_numbers_inside_words_or_times_are_not_amounts() -> None:
    assert amounts_in("Area51 at 3:14pm") == []


# Pieces amounts are made of, and look-alikes: words holding number words ("someone",
# "none"), "a"/"an" before a number word, currency signs, spaces of every kind.
_PIECES = [
    *["a", "an", "A", "An", "", " ", "\t", "-", "–", "and", "of", "to", "per cent", "%"],
    *["US$", "US", "$", "£", "€", "¥", "1", "12", "1,000", "3.5", "bn", "m", "k", "p"],
    *["one", "two", "ten", "tens", "Tens", "twelve", "eighteen", "seventy", "hundred"],
    *["hundreds", "thousand", "Thousands", "million", "billion", "trillion", "dozen"],
    *["dozens", "scores", "several", "few", "handful", "half", "none", "someone", "Santa"],
    *["year", "-year-old", "x", "ne", "teen"],
]


@settings(max_examples=600)
@given(st.lists(st.sampled_from(_PIECES), max_size=8), st.integers(0, 40))
def test_amounts_are_searched_only_where_one_can_start(pieces: list[str], pos: int) -> None:
    # `_search` tries the amount pattern only at the starts `_START` finds (a sentence's
    # amounts cost a fifth of what searching every position did): it must find what
    # searching every position finds, for any text and any position.
    text = " ".join(pieces)
    pos = min(pos, len(text))
    everywhere = amounts._AMOUNT.search(text, pos)
    expected = everywhere and (everywhere.span(), everywhere.groupdict())
    at_starts = amounts._search(text, pos)
    assert (at_starts and (at_starts.span(), at_starts.groupdict())) == expected
    if text.isascii():  # the starts found case by case in the lowercased text
        lowered = amounts._search(text, pos, (amounts._LOWER_START, text.lower()))
        assert (lowered and (lowered.span(), lowered.groupdict())) == expected
