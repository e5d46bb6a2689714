"""Due slots in local wall time: DST both ways, weekdays, weekly, cron, and input errors."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digest import (
    Recurrence,
    ScheduleError,
    latest_slot,
    next_slot,
    parse_clock_time,
    parse_recurrence,
    resolve_zone,
    timezone_choices,
)
from bot.digest.schedule import slots_between

NEW_YORK = ZoneInfo("America/New_York")


def slots(rule: Recurrence, start: datetime, count: int, zone: ZoneInfo = NEW_YORK) -> list:
    """`count` consecutive slots after `start`, as local wall-clock datetimes."""
    found, after = [], start
    for _ in range(count):
        after = next_slot(rule, zone, after)
        found.append(after.astimezone(zone))
    return found


def test_daily_0800_stays_at_0800_local_across_both_dst_changes() -> None:
    rule = parse_recurrence("daily", "08:00")
    spring = slots(rule, datetime(2026, 3, 6, 18, tzinfo=UTC), 4)
    assert [s.strftime("%m-%d %H:%M %Z") for s in spring] == [
        "03-07 08:00 EST",
        "03-08 08:00 EDT",  # DST began at 02:00 that morning
        "03-09 08:00 EDT",
        "03-10 08:00 EDT",
    ]
    # The UTC instant moves by an hour; the local time does not.
    assert [s.astimezone(UTC).hour for s in spring] == [13, 12, 12, 12]
    autumn = slots(rule, datetime(2026, 10, 30, 18, tzinfo=UTC), 4)
    assert [s.strftime("%m-%d %H:%M %Z") for s in autumn] == [
        "10-31 08:00 EDT",
        "11-01 08:00 EST",  # DST ended at 02:00 that morning
        "11-02 08:00 EST",
        "11-03 08:00 EST",
    ]
    assert autumn[1].astimezone(UTC) - autumn[0].astimezone(UTC) == timedelta(hours=25)


def test_spring_forward_0230_posts_once_at_0330_edt() -> None:
    rule = parse_recurrence("daily", "02:30")
    found = slots(rule, datetime(2026, 3, 6, 18, tzinfo=UTC), 3)
    assert [s.strftime("%m-%d %H:%M %Z") for s in found] == [
        "03-07 02:30 EST",
        "03-08 03:30 EDT",  # 02:30 does not exist: read with the offset before the gap
        "03-09 02:30 EDT",
    ]


def test_repeated_autumn_hour_posts_once_at_the_first_0130() -> None:
    rule = parse_recurrence("daily", "01:30")
    found = slots(rule, datetime(2026, 10, 31, 12, tzinfo=UTC), 2)
    assert [s.strftime("%m-%d %H:%M %Z") for s in found] == [
        "11-01 01:30 EDT",  # the first of the two 01:30s
        "11-02 01:30 EST",  # not 11-01 01:30 EST an hour later
    ]
    # Even asked from between the two 01:30s, the second one is not a slot.
    between = datetime(2026, 11, 1, 5, 45, tzinfo=UTC)  # 01:45 EDT
    assert next_slot(rule, NEW_YORK, between).astimezone(NEW_YORK).day == 2


def test_cron_hourly_through_the_repeated_and_missing_hours() -> None:
    rule = parse_recurrence("cron 0 * * * *", "ignored")
    autumn = slots(rule, datetime(2026, 11, 1, 4, 30, tzinfo=UTC), 4)  # 00:30 EDT
    assert [s.strftime("%H:%M %Z") for s in autumn] == [
        "01:00 EDT",
        "02:00 EST",  # 01:00 EST (the repeat) is skipped: each wall time posts once
        "03:00 EST",
        "04:00 EST",
    ]
    assert autumn[1].astimezone(UTC) - autumn[0].astimezone(UTC) == timedelta(hours=2)
    spring = slots(rule, datetime(2026, 3, 8, 5, 30, tzinfo=UTC), 3)  # 00:30 EST
    assert [s.strftime("%H:%M %Z") for s in spring] == ["01:00 EST", "03:00 EDT", "04:00 EDT"]


def test_weekdays_skip_the_weekend() -> None:
    rule = parse_recurrence("weekdays", "8am")
    found = slots(rule, datetime(2026, 3, 5, 18, tzinfo=UTC), 4)  # Thursday afternoon
    assert [s.strftime("%a %d %H:%M") for s in found] == [
        "Fri 06 08:00",
        "Mon 09 08:00",
        "Tue 10 08:00",
        "Wed 11 08:00",
    ]


def test_weekly_on_a_named_day() -> None:
    rule = parse_recurrence("weekly fri", "17:30")
    assert rule.weekday == 4 and rule.expression() == "30 17 * * 5"
    found = slots(rule, datetime(2026, 3, 1, tzinfo=UTC), 2)
    assert [s.strftime("%a %m-%d %H:%M") for s in found] == ["Fri 03-06 17:30", "Fri 03-13 17:30"]
    assert parse_recurrence("weekly", "9:00", weekday=0).describe() == "every Monday at 09:00"


def test_cron_in_local_time() -> None:
    rule = parse_recurrence("0 7,19 * * 1-5", "")
    found = slots(rule, datetime(2026, 3, 6, 13, tzinfo=UTC), 3)  # Fri 08:00 EST
    assert [s.strftime("%a %H:%M") for s in found] == ["Fri 19:00", "Mon 07:00", "Mon 19:00"]
    assert rule.describe() == "cron `0 7,19 * * 1-5`"


@pytest.mark.parametrize(
    ("every", "message"),
    [
        ("cron 0 8 * *", "five fields"),
        ("cron 0 8 * * * 2026", "five fields"),
        ("cron 61 8 * * *", "not a cron expression"),
        ("cron 0 8 31 2 *", "not a cron expression"),  # never happens
        ("cron R 8 * * *", "not a cron expression"),  # random times
        ("cron */5 * * * *", "more often than every 30 minutes"),
        ("cron", "daily, weekdays, weekly or a cron expression"),
        ("fortnightly", "five fields"),
        ("weekly", "which day"),
        ("weekly someday", "not a day of the week"),
    ],
)
def test_bad_recurrences_say_why(every: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_recurrence(every, "08:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", time(8)),
        ("8:05", time(8, 5)),
        ("20:15", time(20, 15)),
        ("8am", time(8)),
        ("12am", time(0)),
        ("12 pm", time(12)),
        ("6:30 p.m.", time(18, 30)),
        ("noon", time(12)),
        ("midnight", time(0)),
    ],
)
def test_clock_times(text: str, expected: time) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize("text", ["", "8", "24:00", "13pm", "0am", "8:60", "eight", "08:00:00"])
def test_bad_clock_times(text: str) -> None:
    with pytest.raises(ScheduleError, match="not a time of day"):
        parse_clock_time(text)


def test_latest_slot_and_missed_count() -> None:
    rule = parse_recurrence("daily", "08:00")
    now = datetime(2026, 3, 10, 15, tzinfo=UTC)  # 11:00 EDT
    latest = latest_slot(rule, NEW_YORK, now)
    assert latest.astimezone(NEW_YORK).strftime("%m-%d %H:%M") == "03-10 08:00"
    assert latest_slot(rule, NEW_YORK, latest) == latest
    assert slots_between(rule, NEW_YORK, datetime(2026, 3, 7, 14, tzinfo=UTC), latest) == 2
    # A slot in the spring gap maps after the wall time it reads: never reported as past.
    gap_rule = parse_recurrence("daily", "02:30")
    at = datetime(2026, 3, 8, 7, 10, tzinfo=UTC)  # 03:10 EDT, before 03:30 EDT
    assert latest_slot(gap_rule, NEW_YORK, at).astimezone(NEW_YORK).day == 7


def test_timezones_resolve_forgivingly_and_autocomplete() -> None:
    assert resolve_zone("america/new york").key == "America/New_York"
    assert resolve_zone("UTC").key == "UTC"
    with pytest.raises(ScheduleError, match="America/New_York"):
        resolve_zone("America/New_Yrok")
    assert timezone_choices("york")[0] == "America/New_York"
    assert timezone_choices("jerus") == ["Asia/Jerusalem"]
    assert len(timezone_choices("a")) == 25
    assert timezone_choices("")[0] == "UTC"
    assert timezone_choices("x" * 500) == []
