"""Reading `/catchup since:` values: `3d`, `12h`, `yesterday 18:00`, `2024-05-01`, `monday`.

Forms (case-insensitive, "at" optional before a time):

- a duration back from now: `90m`, `12h`, `3d`, `2w`, combined as `1d 12h`;
- `today` / `yesterday`, optionally with a time (`yesterday 18:00`; default midnight);
- a weekday (`monday`, `mon 9am`): the most recent such day *before* today, so on a
  Monday `monday` means a week ago;
- a date `2024-05-01`, optionally with a time (`2024-05-01 18:00`, `2024-05-01T18:00`);
- a bare time (`18:00`, `6pm`): today at that time if it has passed, else yesterday.

Local times are read in the reader's zone with the same DST rule as schedules (RFC 5545,
see `bot.digest.schedule`). The result must be in the past and at most `MAX_DAYS` ago.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.digest.errors import ScheduleError, SinceError
from bot.digest.schedule import DAY_NAMES, parse_clock_time, to_instant
from bot.search.query import clean

MAX_DAYS = 31
EXAMPLES = "`3d`, `12h`, `yesterday 18:00`, `2024-05-01` or `monday`"

_DURATION_PART = re.compile(r"(\d{1,6})\s*([a-z]+)")
_UNITS = {
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "week": "weeks",
    "weeks": "weeks",
}
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ]+(.+))?$")


def parse_since(text: str, *, now: datetime, zone: ZoneInfo) -> datetime:
    """Return the aware UTC moment `text` names (see the module docstring) or raise SinceError."""
    value = " ".join(clean(text).lower().replace(",", " ").split())
    value = value.removesuffix(" ago").strip()
    if not value:
        raise SinceError(f"Tell me since when, e.g. {EXAMPLES}.")
    if len(value) > 60:
        raise SinceError(f"That is too long to be a time; try {EXAMPLES}.")
    found = _duration(value, now)
    if found is None:
        found = _named_day(value, now, zone)
    if found is None:
        raise SinceError(f"I couldn't read `{text.strip()[:40]}` as a time; try {EXAMPLES}.")
    if found >= now:
        raise SinceError("`since:` has to be in the past.")
    if found < now - timedelta(days=MAX_DAYS):
        raise SinceError(f"A catch-up covers at most the last {MAX_DAYS} days.")
    return found


def _duration(value: str, now: datetime) -> datetime | None:
    """`3d`, `12h`, `1d 12h`, `90 minutes`: that long before now."""
    compact = value.replace(" ", "")
    parts = _DURATION_PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != compact:
        return None
    total = timedelta()
    for number, unit in parts:
        name = _UNITS.get(unit)
        if name is None:
            return None
        # Six digits of weeks would overflow a datetime; anything past the limit is refused.
        total += timedelta(**{name: min(int(number), MAX_DAYS * 24 * 60 + 1)})
    if total > timedelta(days=MAX_DAYS + 1):
        raise SinceError(f"A catch-up covers at most the last {MAX_DAYS} days.")
    if not total:
        raise SinceError("`since:` needs a length above zero, e.g. `12h`.")
    return now - total


def _named_day(value: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """`today`, `yesterday`, weekdays and ISO dates, each with an optional time; bare times."""
    today = now.astimezone(zone).date()
    day: date | None = None
    rest = ""
    head, _, tail = value.partition(" ")
    match = _DATE.match(value)
    if match:
        day = _calendar_date(match, today)
        rest = match[4] or ""
    elif head in ("today", "yesterday"):
        day = today - timedelta(days=head == "yesterday")
        rest = tail
    elif len(head) >= 3 and any(name.startswith(head) for name in DAY_NAMES):
        number = next(n for n, name in enumerate(DAY_NAMES) if name.startswith(head))
        back = (today.weekday() - number) % 7 or 7
        day = today - timedelta(days=back)
        rest = tail
    at = _time(rest.removeprefix("at ").strip()) if day is not None else None
    if day is not None:
        return to_instant(datetime.combine(day, at or time(0, 0)), zone)
    try:
        at = parse_clock_time(value.removeprefix("at ").strip())
    except ScheduleError:
        return None
    moment = to_instant(datetime.combine(today, at), zone)
    if moment >= now:
        moment = to_instant(datetime.combine(today - timedelta(days=1), at), zone)
    return moment


def _calendar_date(match: re.Match[str], today: date) -> date:
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise SinceError(f"`{match[0][:20]}` is not a calendar date.") from None
    # Refuse far dates before any zone arithmetic, which cannot reach year 1 or 9999.
    if day > today + timedelta(days=1):
        raise SinceError("`since:` has to be in the past.")
    if day < today - timedelta(days=MAX_DAYS + 1):
        raise SinceError(f"A catch-up covers at most the last {MAX_DAYS} days.")
    return day


def _time(text: str) -> time | None:
    if not text:
        return None
    try:
        return parse_clock_time(text)
    except ScheduleError:
        raise SinceError(f"`{text[:20]}` is not a time of day; try `18:00` or `6pm`.") from None
