"""Digest options typed by strangers: `since:`, times, recurrences (cron) and timezones either
name a valid moment or schedule, or raise the digest's friendly error, never anything else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import NewsdeskError
from tests.adversarial.hostile import hostile_text

digest = pytest.importorskip("bot.digest", reason="digests have not landed yet")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@settings(max_examples=120, deadline=None)
@given(text=hostile_text, zone=st.sampled_from(["UTC", "America/New_York", "Pacific/Chatham"]))
def test_since_is_a_recent_past_moment_or_a_friendly_error(text: str, zone: str) -> None:
    try:
        moment = digest.parse_since(text, now=NOW, zone=digest.resolve_zone(zone))
    except NewsdeskError as exc:
        assert str(exc)
    else:
        assert moment < NOW
        assert (NOW - moment).days <= 31


@settings(max_examples=120, deadline=None)
@given(
    every=st.one_of(
        hostile_text,
        st.lists(
            st.sampled_from(
                ["*", "0", "59", "23", "31", "30", "2", "*/1", "1-5", "L", "W", "#", "?"]
            ),
            min_size=0,
            max_size=7,
        ).map(lambda f: "cron " + " ".join(f)),
    ),
    at=hostile_text,
    zone=hostile_text,
)
def test_schedules_and_timezones_are_valid_or_a_friendly_error(
    every: str, at: str, zone: str
) -> None:
    try:
        recurrence = digest.parse_recurrence(every, at)
        place = digest.resolve_zone(zone)
        nxt = digest.next_slot(recurrence, place, NOW)
    except NewsdeskError as exc:
        assert str(exc)
    else:
        assert nxt > NOW
    assert len(digest.timezone_choices(zone)) <= 25
