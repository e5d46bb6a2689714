"""`/catchup since:` values: durations, named days, dates, times, and friendly refusals."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digest import SinceError, parse_since
from bot.digest.since import MAX_DAYS

NEW_YORK = ZoneInfo("America/New_York")
# Monday 9 March 2026, 11:00 EDT (the day after the spring-forward change).
NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def local(text: str) -> str:
    return (
        parse_since(text, now=NOW, zone=NEW_YORK).astimezone(NEW_YORK).strftime("%a %m-%d %H:%M %Z")
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d", "Fri 03-06 10:00 EST"),  # 72 real hours: the clock change is not counted twice
        ("12h", "Sun 03-08 23:00 EDT"),
        ("1d 12h", "Sat 03-07 22:00 EST"),
        ("90 minutes", "Mon 03-09 09:30 EDT"),
        ("2 days ago", "Sat 03-07 10:00 EST"),
        ("1w", "Mon 03-02 10:00 EST"),
        ("yesterday 18:00", "Sun 03-08 18:00 EDT"),
        ("Yesterday at 6pm", "Sun 03-08 18:00 EDT"),
        ("yesterday", "Sun 03-08 00:00 EST"),
        ("today 9am", "Mon 03-09 09:00 EDT"),
        ("2026-03-01", "Sun 03-01 00:00 EST"),
        ("2026-03-01 18:00", "Sun 03-01 18:00 EST"),
        ("2026-03-01T18:00", "Sun 03-01 18:00 EST"),
        ("monday", "Mon 03-02 00:00 EST"),  # today is Monday: the Monday before
        ("mon 9am", "Mon 03-02 09:00 EST"),
        ("friday", "Fri 03-06 00:00 EST"),
        ("Sunday 02:30", "Sun 03-08 03:30 EDT"),  # 02:30 did not exist: the DST rule applies
        ("9:00", "Mon 03-09 09:00 EDT"),  # a bare time that has passed today
        ("18:00", "Sun 03-08 18:00 EDT"),  # ... or else yesterday's
    ],
)
def test_since_values(text: str, expected: str) -> None:
    assert local(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "since when"),
        ("   ", "since when"),
        ("banana", "couldn't read"),
        ("3 bananas", "couldn't read"),
        ("0h", "above zero"),
        ("today 18:00", "in the past"),
        ("2099-01-01", "in the past"),
        ("2020-01-01", f"last {MAX_DAYS} days"),
        ("60d", f"last {MAX_DAYS} days"),
        ("999999w", f"last {MAX_DAYS} days"),
        ("2026-02-30", "not a calendar date"),
        ("yesterday 25:00", "not a time of day"),
        ("x" * 100, "too long"),
    ],
)
def test_refusals_are_friendly(text: str, message: str) -> None:
    with pytest.raises(SinceError, match=message):
        parse_since(text, now=NOW, zone=NEW_YORK)


@given(st.text(max_size=80))
def test_any_text_parses_to_the_recent_past_or_raises_the_friendly_error(text: str) -> None:
    try:
        found = parse_since(text, now=NOW, zone=NEW_YORK)
    except SinceError as error:
        assert str(error)
        return
    assert found.tzinfo is not None
    assert NOW - timedelta(days=MAX_DAYS) <= found < NOW


@given(
    st.lists(
        st.sampled_from(
            [
                "3d",
                "12h",
                "yesterday",
                "today",
                "monday",
                "fri",
                "at",
                "18:00",
                "6pm",
                "2026-03-01",
                "ago",
                "w",
                "99999",
                " ",
                "T",
                "-",
                ":",
                "am",
            ]
        ),
        max_size=5,
    ).map(" ".join)
)
def test_near_miss_phrases_never_crash(text: str) -> None:
    try:
        found = parse_since(text, now=NOW, zone=NEW_YORK)
    except SinceError:
        return
    assert NOW - timedelta(days=MAX_DAYS) <= found < NOW
