"""Dates in sentences, resolved against the report's publication date when it is known."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.nlp import dates
from bot.nlp.dates import dates_in
from bot.nlp.patterns import lowered

WEDNESDAY = date(2026, 3, 4)


def day(text: str, published: date | datetime | None = None) -> date:
    """The one date named in `text`."""
    [found] = dates_in(text, published)
    assert found.amount.unit == "date"
    return date.fromordinal(int(found.amount.low))


def test_day_names_are_the_latest_such_day_on_or_before_publication() -> None:
    assert day("The talks were held on Monday.", WEDNESDAY) == date(2026, 3, 2)
    assert day("The talks were held on Wednesday.", WEDNESDAY) == WEDNESDAY
    assert day("The talks were held on Thursday.", WEDNESDAY) == date(2026, 2, 26)
    assert day("It was agreed last Monday.", WEDNESDAY) == date(2026, 3, 2)


def test_day_names_in_future_sentences_look_ahead() -> None:
    assert day("The election will be held on Thursday.", date(2026, 3, 2)) == date(2026, 3, 5)
    assert day("They meet again next Wednesday.", WEDNESDAY) == date(2026, 3, 11)


def test_publication_time_may_be_a_datetime() -> None:
    assert day("on Monday", datetime(2026, 3, 4, 23, 59)) == date(2026, 3, 2)


def test_without_a_publication_date_a_day_name_is_only_a_weekday() -> None:
    [found] = dates_in("The talks were held on Monday.")
    assert (found.amount.unit, found.amount.low) == ("weekday", 0)


def test_written_dates_in_either_order() -> None:
    assert day("warned Tony Blair on 7 March 2003") == date(2003, 3, 7)
    assert day("In my answer on March 17 2003, I") == date(2003, 3, 17)
    assert day("The vote is on 3 March.", date(2026, 2, 20)) == date(2026, 3, 3)
    assert day("The vote is on March 3.", date(2026, 2, 20)) == date(2026, 3, 3)


def test_relative_words_and_times() -> None:
    assert day("Police said yesterday", WEDNESDAY) == date(2026, 3, 3)
    [clock] = dates_in("which occurred at 3:14pm local time")
    assert (clock.amount.unit, clock.amount.low) == ("time", 15 * 60 + 14)
    [around] = dates_in("began around 3:00pm")
    assert around.amount.low < 15 * 60 + 14 < around.amount.high


def test_months_and_years_are_intervals() -> None:
    [month] = dates_in("at a dinner in November 2003")
    assert date.fromordinal(int(month.amount.low)) == date(2003, 11, 1)
    assert date.fromordinal(int(month.amount.high) - 1) == date(2003, 11, 30)
    [year] = dates_in("imposed in 1989 after")
    assert year.text == "1989"


# Pieces dates are made of, in several cases, and look-alikes ("Mayor", "todays", "İ").
_PIECES = [
    *["on", "in", "since", "last", "next", "this", "by", "of", "to", "end of", " ", ",", "."],
    *["Monday", "FRIDAY", "sunday", "yesterday", "Today", "tomorrow", "Tonight", "night"],
    *["March", "MAY", "may", "Mayor", "Sept.", "Jan", "december", "3rd", "17", "31", "2003"],
    *["1989", "3:14pm", "10 P.M.", "1230 GMT", "0900 utc", "%", "-", "İ", "é", "x"],
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=10).map(" ".join)


@given(_TEXTS)
def test_dates_read_lowercased_are_the_dates_read_in_any_case(text: str) -> None:
    # ASCII text is searched lowercased, case by case (about twice as fast): it must give
    # what the IGNORECASE patterns give on the text itself.
    for published in (None, date(2026, 3, 4)):
        general = dates._dates(text, published, dates._COMPILED, text, text.lower())
        assert dates_in(text, published) == general


@settings(max_examples=300)
@given(_TEXTS)
@example("they met last NIGHT")
@example("On FRİDAY at 10 P.M.")
def test_a_kind_is_skipped_only_when_its_pattern_cannot_match(text: str) -> None:
    digits, low = dates._DIGIT.search(text) is not None, text.lower()
    for kind, pattern in dates._COMPILED:
        if not dates.could_hold(kind, digits, low):
            assert pattern.search(text) is None, kind


def test_a_pattern_is_lowered_with_its_named_groups_and_never_an_uppercase_escape() -> None:
    assert lowered(r"(?P<m>March|MAY)\s+(?P=m)\b") == r"(?P<m>march|may)\s+(?P=m)\b"
    with pytest.raises(ValueError, match="uppercase escape"):
        lowered(r"\D+")
