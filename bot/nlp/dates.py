"""Dates and times in news sentences ("on Monday", "3 March", "March 17 2003", "November
2003", "in 1989", "yesterday", "3:14pm"), resolved against the report's publication date when
it is known: "on Monday" in a report of Wednesday 4 March 2026 is 2 March, "will meet on
Thursday" in a report of Monday 2 March is 5 March."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.models.figure import Amount
from bot.nlp.patterns import lowered

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS.pop("may", None)  # "may" is mostly a verb; the full-name pattern below still has it
_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_ANY_MONTH = rf"(?:{_MONTH}|(?:{_MONTH_ABBR})\.?)"
_YEAR = r"(?:19|20)\d\d"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_PATTERNS = [
    ("dmy", rf"\b(?P<d>{_DAY})\s+(?P<m>{_ANY_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b"),
    ("mdy", rf"\b(?P<m>{_ANY_MONTH})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?\b(?![,.]?\d)"),
    ("my", rf"\b(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b"),
    ("month", rf"\b(?:in|by|since|until|last|next|early|late|mid-?|from|this)\s+(?P<m>{_MONTH})\b"),
    (
        "year",
        rf"\b(?:in|since|until|by|from|of|before|after|to|end of)\s+(?P<y>{_YEAR})\b(?!-|\s?%)",
    ),
    ("weekday", r"\b(?P<rel>last\s+|next\s+|this\s+)?(?P<w>" + "|".join(WEEKDAYS) + r")\b"),
    ("relative", r"\b(?P<r>yesterday|today|tomorrow|tonight|last\s+night)\b"),
    ("time", r"\b(?P<h>[01]?\d)(?:[:.](?P<mi>[0-5]\d))?\s?(?P<ap>[ap]\.?m\.?)(?!\w)"),
    ("gmt", r"\b(?P<hh>[01]\d|2[0-3])(?P<mm>[0-5]\d)\s+(?:GMT|UTC|BST)\b"),
]
_COMPILED = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in _PATTERNS]
# The same for lowercased ASCII text, case by case (about twice as fast: bot/nlp/patterns.py).
_LOWER = [(kind, re.compile(lowered(p))) for kind, p in _PATTERNS]
_DIGIT = re.compile(r"\d")
_WITH_DIGITS = frozenset({"dmy", "mdy", "my", "year", "time", "gmt"})
_FUTURE = re.compile(
    r"\b(?:will|shall|is due|are due|to be held|is expected|are expected|scheduled|set to|"
    r"plans? to|would|next|coming|upcoming|ahead of)\b",
    re.IGNORECASE,
)
_AROUND = re.compile(r"\b(?:around|about|approximately|roughly|shortly after)\s+$", re.IGNORECASE)
# A month-and-day without a year or publication date is placed in this (leap) year.
_ANY_YEAR = 2000


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date or time found in text: offsets, the words, and the interval it names. Units:
    "date" (day ordinals), "monthday" (no year known), "weekday" (0–6, no date known), "time"
    (minutes after midnight). `vague` dates ("this week") place an event, not a fact."""

    start: int
    end: int
    text: str
    amount: Amount


def _ordinal_span(first: date, last: date, approximate: bool = False) -> Amount:
    return Amount(first.toordinal(), last.toordinal() + 1, "date", approximate)


def _day(match: re.Match[str], published: date | None) -> Amount | None:
    month = _MONTHS.get(match["m"].lower().rstrip("."))
    if month is None and match["m"].lower() == "may":
        month = 5
    if month is None:
        return None
    day = int(re.sub(r"\D", "", match["d"]))
    year = match["y"]
    try:
        if year:
            return _ordinal_span(date(int(year), month, day), date(int(year), month, day))
        if published is not None:
            return _ordinal_span(date(published.year, month, day), date(published.year, month, day))
        when = date(_ANY_YEAR, month, day).toordinal()
        return Amount(when, when + 1, "monthday")
    except ValueError:
        return None  # "31 February"


def _weekday(match: re.Match[str], sentence: str, published: date | None) -> Amount:
    weekday = WEEKDAYS.index(match["w"].lower())
    if published is None:
        return Amount(weekday, weekday + 1, "weekday")
    rel = (match["rel"] or "").strip().lower()
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if rel == "next" or (rel != "last" and _FUTURE.search(sentence)):
        when = published + timedelta(days=ahead or (7 if rel == "next" else 0))
    else:
        when = published - timedelta(days=back or (7 if rel == "last" else 0))
    return _ordinal_span(when, when)


def _relative(word: str, published: date | None) -> Amount | None:
    if published is None:
        return None
    shift = {"yesterday": -1, "tomorrow": 1, "last night": -1}.get(
        " ".join(word.lower().split()), 0
    )
    when = published + timedelta(days=shift)
    return _ordinal_span(when, when)


def _clock(match: re.Match[str], text: str) -> Amount:
    if "hh" in match.re.groupindex:
        minutes = int(match["hh"]) * 60 + int(match["mm"])
    else:
        hour = int(match["h"]) % 12 + (12 if match["ap"].lower().startswith("p") else 0)
        minutes = hour * 60 + int(match["mi"] or 0)
    if _AROUND.search(text, 0, match.start()):
        return Amount(minutes - 30, minutes + 31, "time", True)
    return Amount(minutes, minutes + 1, "time")


def _amount(kind: str, match: re.Match[str], text: str, published: date | None) -> Amount | None:
    """The interval one matched date names, or None when it names none."""
    if kind in ("dmy", "mdy"):
        return _day(match, published)
    if kind in ("my", "month"):
        month = _MONTHS.get(match["m"].lower(), 5)
        year = int(match["y"]) if kind == "my" else published.year if published else None
        if year is None:
            return None
        last = calendar.monthrange(year, month)[1]
        return _ordinal_span(date(year, month, 1), date(year, month, last), True)
    if kind == "year":
        year = int(match["y"])
        return _ordinal_span(date(year, 1, 1), date(year, 12, 31), True)
    if kind == "weekday":
        return _weekday(match, text, published)
    if kind == "relative":
        return _relative(match["r"], published)
    return _clock(match, text)


def dates_in(text: str, published: date | datetime | None = None) -> list[DateSpan]:
    """Every date and time in `text`, left to right, longest match first where they overlap."""
    # Groups read from the lowercased text are compared lowercased; offsets are the same.
    low = text.lower()
    patterns, searched = (_LOWER, low) if text.isascii() else (_COMPILED, text)
    return _dates(text, published, patterns, searched, low)


def _dates(
    text: str,
    published: date | datetime | None,
    patterns: list[tuple[str, re.Pattern[str]]],
    searched: str,
    low: str,
) -> list[DateSpan]:
    """`dates_in`, the patterns searching `searched` (the text, or it lowercased: `low`)."""
    day = published.date() if isinstance(published, datetime) else published
    found: list[DateSpan] = []
    taken: list[tuple[int, int]] = []
    digits = _DIGIT.search(text) is not None
    for kind, pattern in patterns:
        if not could_hold(kind, digits, low):
            continue
        for match in pattern.finditer(searched):
            # "in March", "since 1970": the date is the month or year, not the preposition.
            start = {"month": match.start("m") if kind == "month" else 0}.get(kind, match.start())
            start = match.start("y") if kind == "year" else start
            if any(a < match.end() and start < b for a, b in taken):
                continue
            amount = _amount(kind, match, text, day)
            if amount is not None:
                taken.append((start, match.end()))
                found.append(DateSpan(start, match.end(), text[start : match.end()], amount))
    return sorted(found, key=lambda d: d.start)


def could_hold(kind: str, digits: bool, low: str) -> bool:
    """Whether a text (`low`: lowercased; `digits`: it holds a digit) could hold a date of
    `kind`, checked before its pattern is tried at every position of it: most sentences
    hold none, and the nine patterns were a long report's costliest step after its names.
    Numbered kinds need a digit, weekdays end in "day", the relative words hold "day",
    "to" or "ght" (none of those letters has another case that IGNORECASE matches)."""
    if kind in _WITH_DIGITS:
        return digits
    if kind == "weekday":
        return "day" in low
    if kind == "relative":
        return "day" in low or "to" in low or "ght" in low
    return True
