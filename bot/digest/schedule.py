"""When digests are due: local wall times in an IANA zone, turned into UTC slots.

Every recurrence is a five-field cron expression over *local wall time* (daily 08:00 is
`0 8 * * *`, weekdays `0 8 * * 1-5`, weekly on Monday `0 8 * * 1`), evaluated on naive
local times with croniter and only then placed in the zone. Daylight-saving changes follow
RFC 5545 (iCalendar), which is also what Python's `fold=0` does:

- **Spring forward** (a local time that does not exist, e.g. 02:30 on 8 March 2026 in
  America/New_York): the time is read with the offset in force *before* the gap, so the
  digest posts at 03:30 EDT — one hour later on the clock, the same elapsed time after
  midnight. Slots that land on the same instant (02:00 and 03:00 that day) post once.
- **Fall back** (a local time that happens twice, e.g. 01:30 on 1 November 2026): the digest
  posts at the *first* occurrence (01:30 EDT) and not again an hour later.

A slot is the UTC instant a digest is due; it is the claim key that makes each slot post once.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from croniter import CroniterError, croniter

from bot.digest.errors import ScheduleError
from bot.search.query import clean

EVERY = ("daily", "weekdays", "weekly", "cron")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Cron schedules may not fire more often than this: a digest is a summary, not a feed.
MIN_CRON_INTERVAL = timedelta(minutes=30)
# Longer than any DST gap or repeated hour in tzdata (2 h): candidates are looked for from
# this far before the reference time, because a wall time in a gap maps later than it reads.
_DST_MARGIN = timedelta(hours=3)
# Zones offered first when nothing has been typed yet.
COMMON_ZONES = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Moscow",
    "Africa/Cairo",
    "Asia/Jerusalem",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)

_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


def parse_clock_time(text: str) -> time:
    """Read a wall-clock time: `08:00`, `8:30`, `20:15`, `8am`, `6:30 pm`, `noon`, `midnight`."""
    value = clean(text).strip().lower()
    if value in ("noon", "midday"):
        return time(12, 0)
    if value == "midnight":
        return time(0, 0)
    match = _CLOCK.match(value)
    if match and (match[2] is not None or match[3] is not None):
        hour, minute = int(match[1]), int(match[2] or 0)
        meridiem = (match[3] or "").replace(".", "")
        if meridiem and not 1 <= hour <= 12:
            hour = 99  # "13pm" is not a time
        elif meridiem:
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ScheduleError(f"`{text[:40]}` is not a time of day; try `08:00`, `18:30` or `6pm`.")


@functools.cache
def _zone_names() -> dict[str, str]:
    """Every IANA zone name (from tzdata), keyed by its case-folded form."""
    return {name.casefold(): name for name in available_timezones()}


def _zone_key(text: str) -> str:
    return "_".join(clean(text).strip().split()).casefold()


def resolve_zone(name: str) -> ZoneInfo:
    """Return the IANA zone called `name` (case and spaces forgiven) or a friendly error."""
    found = _zone_names().get(_zone_key(name))
    if found is not None:
        try:
            return ZoneInfo(found)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    close = timezone_choices(name, limit=3)
    hint = f" Did you mean {', '.join(f'`{z}`' for z in close)}?" if close else ""
    raise ScheduleError(
        f"`{name[:60]}` is not a timezone I know; use an IANA name like `America/New_York`.{hint}"
    )


def timezone_choices(typed: str, limit: int = 25) -> list[str]:
    """Autocomplete: IANA names matching what was typed, city-name starts first."""
    key = _zone_key(typed)[:60]
    if not key:
        return list(COMMON_ZONES[:limit])
    names = _zone_names()

    def rank(folded: str) -> tuple[int, int, str] | None:
        city = folded.rsplit("/", 1)[-1]
        if folded == key or city == key:
            place = 0
        elif city.startswith(key):
            place = 1
        elif folded.startswith(key):
            place = 2
        elif key in folded:
            place = 3
        else:
            return None
        # Region/City names before legacy aliases such as "US/Eastern" or "EST5EDT".
        legacy = "/" not in folded or folded.startswith(("etc/", "us/", "systemv/"))
        return (place, int(legacy), folded)

    ranked = sorted(r for r in (rank(f) for f in names) if r is not None)
    found = [names[r[2]] for r in ranked[:limit]]
    if not found:
        close = difflib.get_close_matches(key, list(names), n=limit, cutoff=0.6)
        found = [names[c] for c in close]
    return found


@dataclass(frozen=True)
class Recurrence:
    """How often a digest is due, in local wall time: daily, weekdays, weekly or cron."""

    every: str
    at: time = time(8, 0)
    weekday: int | None = None  # weekly: 0 = Monday
    cron: str | None = None

    def expression(self) -> str:
        """The five-field cron expression over local wall time."""
        if self.every == "cron":
            assert self.cron is not None
            return self.cron
        days = {"daily": "*", "weekdays": "1-5"}.get(self.every)
        if days is None:
            # cron numbers Sunday 0, Python numbers Monday 0.
            days = str(((self.weekday or 0) + 1) % 7)
        return f"{self.at.minute} {self.at.hour} * * {days}"

    def describe(self) -> str:
        """Readable form, e.g. "weekdays at 08:00" or "cron `0 */6 * * *`"."""
        at = self.at.strftime("%H:%M")
        if self.every == "cron":
            return f"cron `{self.cron}`"
        if self.every == "weekly":
            return f"every {DAY_NAMES[self.weekday or 0].title()} at {at}"
        return f"{self.every} at {at}"


def parse_recurrence(every: str, at: str, *, weekday: int | None = None) -> Recurrence:
    """Build a Recurrence from the user's `every` and `time` options; raise ScheduleError.

    `every` is `daily`, `weekdays`, `weekly` (on `weekday`, or a day named after it:
    `weekly friday`), or a cron expression (`cron 0 */6 * * *`, or just the five fields),
    whose minute and hour fields then decide the time instead of `at`.
    """
    text = " ".join(clean(every).split())
    words = text.lower().split(" ", 1)
    kind = words[0] if words[0] else "daily"
    if kind in ("daily", "weekdays") and len(words) == 1:
        return Recurrence(kind, parse_clock_time(at))
    if kind == "weekly":
        if len(words) == 2:
            weekday = _day_number(words[1])
        if weekday is None:
            raise ScheduleError("Say which day for `weekly`, e.g. `weekly monday`.")
        return Recurrence("weekly", parse_clock_time(at), weekday=weekday)
    expression = text[len("cron") :].strip() if kind == "cron" else text
    return Recurrence("cron", time(0, 0), cron=validate_cron(expression))


def _day_number(word: str) -> int:
    word = word.strip().lower()
    for number, name in enumerate(DAY_NAMES):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise ScheduleError(f"`{word[:20]}` is not a day of the week.")


def validate_cron(expression: str) -> str:
    """Return a normalised five-field cron expression, or raise ScheduleError saying why not."""
    fields = expression.split()
    example = "e.g. `0 8 * * 1-5` (08:00 on weekdays) or `30 7,19 * * *`"
    if not fields:
        raise ScheduleError(
            f"`every` must be daily, weekdays, weekly or a cron expression ({example})."
        )
    if len(fields) != 5:
        raise ScheduleError(
            f"A cron expression has five fields (minute hour day month weekday), "
            f"not {len(fields)}: {example}."
        )
    normalised = " ".join(fields)
    shown = normalised[:60]
    if "r" in re.split(r"[,/-]", normalised.lower().replace(" ", ",")):
        # croniter's "R" picks a random time: a schedule must say when it posts.
        raise ScheduleError(f"`{shown}` is not a cron expression I can use ({example}).")
    try:
        if not croniter.is_valid(normalised):
            raise ValueError
        runs = croniter(normalised, datetime(2026, 1, 1))
        times = [runs.get_next(datetime) for _ in range(60)]
    except (CroniterError, ValueError, KeyError, TypeError, OverflowError):
        raise ScheduleError(f"`{shown}` is not a cron expression I can use ({example}).") from None
    gaps = [b - a for a, b in itertools.pairwise(times)]
    if gaps and min(gaps) < MIN_CRON_INTERVAL:
        raise ScheduleError(
            f"`{shown}` fires more often than every {MIN_CRON_INTERVAL.seconds // 60} minutes;"
            " a digest needs time to gather news."
        )
    return normalised


def to_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """Place a naive local wall time in `zone` by the RFC 5545 rule (see the module docstring)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _wall(when: datetime, zone: ZoneInfo) -> datetime:
    return when.astimezone(zone).replace(tzinfo=None)


def next_slot(recurrence: Recurrence, zone: ZoneInfo, after: datetime) -> datetime:
    """The first slot strictly after `after` (aware), as an aware UTC datetime."""
    runs = croniter(recurrence.expression(), _wall(after, zone) - _DST_MARGIN)
    while True:
        slot = to_instant(runs.get_next(datetime), zone)
        if slot > after:
            return slot


def latest_slot(recurrence: Recurrence, zone: ZoneInfo, at_or_before: datetime) -> datetime:
    """The last slot at or before `at_or_before` (aware), as an aware UTC datetime."""
    runs = croniter(recurrence.expression(), _wall(at_or_before, zone) + _DST_MARGIN)
    while True:
        slot = to_instant(runs.get_prev(datetime), zone)
        if slot <= at_or_before:
            return slot


def slots_between(
    recurrence: Recurrence, zone: ZoneInfo, after: datetime, before: datetime, cap: int = 1000
) -> int:
    """How many slots fall strictly between two instants (at most `cap`): the missed ones."""
    count = 0
    slot = next_slot(recurrence, zone, after)
    while slot < before and count < cap:
        count += 1
        slot = next_slot(recurrence, zone, slot)
    return count
