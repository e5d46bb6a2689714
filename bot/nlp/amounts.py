"""Amounts in news sentences: digits and word numbers ("1.4m", "1.4 million", "twelve", "a
dozen", "hundreds"), their qualifiers ("at least", "more than", "nearly", "about", "between …
and …") and units (%, currencies, tonnes, years), read as the interval each one allows.

Hand-written on purpose: number-word libraries (text2num, word2number) turn "twelve" into 12
but know nothing of "a dozen", "hundreds", "at least" or "£1.3bn", which is most of what news
writes; the vocabulary here is small and closed."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from bot.models.figure import Amount
from bot.nlp.patterns import lowered

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SUFFIX_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
# Vague counts: the range a reader would accept for each.
_VAGUE = {
    "dozens": (24, 99), "scores": (40, 199), "hundreds": (200, 999), "thousands": (2e3, 99e3),
    "millions": (2e6, 999e6), "billions": (2e9, 999e9), "tens": (20, 99), "several": (3, 9),
    "few": (2, 5), "handful": (2, 6),
}  # fmt: skip
_SYMBOLS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY"}
_UNIT_WORDS = {
    "dollar": "USD", "dollars": "USD", "pound": "GBP", "pounds": "GBP", "euro": "EUR",
    "euros": "EUR", "yen": "JPY", "pence": "GBX", "p": "GBX", "cents": "USC",
    "%": "%", "percent": "%", "tonnes": "tonnes", "tonne": "tonnes", "tons": "tonnes",
    "hectares": "hectares", "kilometres": "km", "km": "km", "miles": "miles",
    "years": "years", "year": "years", "months": "months", "month": "months",
    "weeks": "weeks", "week": "weeks", "days": "days", "day": "days", "hours": "hours",
    "hour": "hours", "minutes": "minutes",
}  # fmt: skip
# Qualifier -> how it turns the written value into an interval.
_QUALIFIERS = {
    "at least": "floor", "no fewer than": "floor", "a minimum of": "floor",
    "more than": "above", "over": "above", "above": "above", "upwards of": "above",
    "in excess of": "above", "just over": "just_above",
    "up to": "ceiling", "as many as": "ceiling", "at most": "ceiling",
    "no more than": "ceiling", "a maximum of": "ceiling",
    "fewer than": "below", "less than": "below", "under": "below", "below": "below",
    "nearly": "nearly", "almost": "nearly", "just under": "nearly", "close to": "about",
    "about": "about", "around": "about", "some": "about", "approximately": "about",
    "roughly": "about", "an estimated": "about", "estimated": "about", "circa": "about",
}  # fmt: skip
_QUALIFIER = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _QUALIFIERS), key=len, reverse=True)) + r")\s+$",
    re.IGNORECASE,
)
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_SCALES, "dozen"], key=len, reverse=True))
_WORDS = (
    rf"(?:(?:a|an)\s+(?=dozen|hundred|thousand|million|billion))?(?:{_NUMBER_WORD})"
    rf"(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# One amount: currency, digits or number words, a scale suffix, a unit word.
_AMOUNT = re.compile(
    rf"""(?P<cur>US\$|[$£€¥])?\s?
    (?:(?P<vague>(?:tens|dozens|scores|hundreds|thousands|millions)\s+of\s+(?:thousands|millions)
          |(?:several|a\s+few)\s+(?:hundred|thousand|million)s?
          |dozens|scores|hundreds|thousands|millions|billions|several|a\s+few|a\s+handful)
      |(?P<digits>{_DIGITS})(?:(?P<suffix>bn|mn|trn|tn|[kmb])|(?P<pence>p))?(?![a-z])
      |(?P<half>half\s+a\s+dozen)
      |(?P<words>{_WORDS}))
    (?P<scale>\s+(?:hundred|thousand|million|billion|trillion))?
    (?P<age>-year-old)?
    (?P<pct>\s?%|\s+per\s*cent|\s+percent)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Where an amount can start (its first word, digit or currency sign: every branch of
# `_AMOUNT` begins with one of these): `_AMOUNT` has no fixed first character, so searching
# with it tries the whole pattern at every position of a sentence (most of a long report's
# figures time); `_search` tries it only here and just before. Each start is as short as it
# can be (lookaheads, not words consumed), so no start hides inside another.
_START = re.compile(
    r"US(?=\$)|[$£€¥\d]|an?(?=\s+(?:few|handful|dozen|hundred|thousand|million|billion))"
    rf"|tens|scores|several|half|{_NUMBER_WORD}",
    re.IGNORECASE,
)
# The same starts in lowercased ASCII text, matched case by case: five times faster (sre
# checks each alternative's first letter before trying it only when case matters).
_LOWER_START = re.compile(lowered(_START.pattern))
_UNIT_AFTER = re.compile(r"\s*(?:-)?\s*([a-z]+|%)", re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:-|–|to|and)\s*", re.IGNORECASE)
_FRACTION = re.compile(
    r"\b(?P<count>a|an|one|two|three)[\s-]+(?P<part>halves|half|thirds?|quarters?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class AmountSpan:
    """An amount found in text: its offsets, the words and the interval they allow."""

    start: int
    end: int
    text: str
    amount: Amount
    #: The figure is one side of a score or ratio ("2-1", "eight to one"): not a quantity.
    ratio: bool = False


def word_number(words: str) -> float | None:
    """The value of number words: "twelve" 12, "twenty-five" 25, "two hundred and six" 206,
    "a dozen" 12, "seven million" 7e6; None when they are not a number."""
    total, current, seen = 0.0, 0.0, False
    for word in re.split(r"[\s-]+", words.lower().strip()):
        if word in ("and", ""):
            continue
        if word in ("a", "an"):
            current = max(current, 1.0)
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word == "dozen":
            current = max(current, 1.0) * 12
            seen = True
        elif word == "hundred":
            current = max(current, 1.0) * 100
            seen = True
        elif word in _SCALES:
            total += max(current, 1.0) * _SCALES[word]
            current, seen = 0.0, True
        else:
            return None
    return total + current if seen else None


def _precision(digits: str) -> float:
    """Half a unit of the last digit written: "12" ±0.5, "1.4" ±0.05, "5.11" ±0.005."""
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return 0.5 * 10.0**-decimals


def _unit(match: re.Match[str], text: str) -> tuple[str, int]:
    """The amount's unit and where the amount ends (a unit word after it is included)."""
    end = match.end()
    if match["age"]:
        return "age", end
    if match["pct"]:
        return "%", end
    if match["pence"]:
        return "GBX", end
    if match["cur"]:
        return _SYMBOLS.get(match["cur"][-1], "USD"), end
    after = _UNIT_AFTER.match(text, end)
    if after and after[1].lower() in _UNIT_WORDS and after[1].lower() != "p":
        return _UNIT_WORDS[after[1].lower()], after.end()
    return "", end


def _qualify(low: float, high: float, value: float, kind: str) -> tuple[float, float]:
    """Apply a qualifier to the written interval [low, high] around `value`."""
    if kind == "floor":
        return low, math.inf
    if kind == "above":
        return value, math.inf
    if kind == "just_above":
        return value, value * 1.15
    if kind == "ceiling":
        return 0.0, high
    if kind == "below":
        return 0.0, value
    if kind == "nearly":
        return value * 0.85, value
    # "about": a reader allows some 10% either way, never less than the written precision.
    return min(low, value * 0.9), max(high, value * 1.1)


def _vague(words: list[str]) -> tuple[float, float]:
    """The range of a vague count: "dozens", "several hundred", "tens of thousands"."""
    if "of" in words:  # "tens of thousands", "hundreds of millions"
        scale = _SCALES[words[-1].removesuffix("s")]
        return _VAGUE[words[0]][0] * scale, _VAGUE[words[0]][1] * scale + scale - 1
    if words[0] in ("several", "few") and len(words) > 1:
        scale = _SCALES[words[1].removesuffix("s")]
        low, high = _VAGUE[words[0]]
        return low * scale, (high + 1) * scale - 1
    return _VAGUE[words[0]]


def _parse(match: re.Match[str]) -> tuple[float, float, float] | None:
    """(low, high, value) of one matched amount, before qualifiers."""
    if match["vague"]:
        words = re.sub(r"\s+", " ", match["vague"].lower()).removeprefix("a ").split()
        low, high = _vague(words)
        return low, high, (low + high) / 2
    if match["digits"]:
        digits = match["digits"].replace(",", "")
        value, spread = float(digits), _precision(digits)
        scale = _SUFFIX_SCALES.get((match["suffix"] or "").lower(), 1.0)
    elif match["half"]:
        value, spread, scale = 6.0, 0.5, 1.0
    else:
        parsed = word_number(match["words"])
        if parsed is None:
            return None
        value, spread, scale = parsed, 0.5, 1.0
        if parsed >= 100 and parsed % 100 == 0:
            # "four hundred", "seven million": as precise as the round figure written.
            spread = 0.5 * 10 ** (len(str(int(parsed))) - len(str(int(parsed)).rstrip("0")))
    if match["scale"]:
        scale *= _SCALES[match["scale"].strip().lower()]
        if match["digits"]:
            spread = max(spread, 0.05)  # "1.4 million" is as precise as "1.4m"
    return (value - spread) * scale, (value + spread) * scale, value * scale


def amounts_in(text: str) -> list[AmountSpan]:
    """Every amount in `text`, left to right, with qualifiers and ranges applied."""
    found: list[AmountSpan] = []
    pos = 0
    starts = (_LOWER_START, text.lower()) if text.isascii() else (_START, text)
    while (match := _search(text, pos, starts)) is not None:
        pos = max(match.end(), match.start() + 1)
        parsed = _parse(match) if _is_whole(text, match) else None
        if parsed is None or (match["words"] or "").lower() in ("one", "a", "an"):
            continue
        low, high, value = parsed
        unit, end = _unit(match, text)
        start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
        ratio = False
        second = _range_end(text, end, match["cur"])
        if second is not None:
            other = second.amount
            if other.low + other.high > low + high and (other.unit in ("", unit) or not unit):
                low, high, end = low, max(high, other.high), second.end
                unit = unit or other.unit
            else:
                ratio = True  # "2-1", "eight to one": a score, not a range
            pos = max(pos, second.end)
        found.append(
            _qualified(text, start, end, Amount(low, high, unit, value=value), value, ratio)
        )
        if match["vague"]:
            found[-1] = _approximate(found[-1])
    return _with_fractions(text, found)


def _search(
    text: str, pos: int, starts: tuple[re.Pattern[str], str] | None = None
) -> re.Match[str] | None:
    """`_AMOUNT.search(text, pos)`: the leftmost amount at or after `pos`. A match starts at
    a start of `_START` or at the one space `_AMOUNT` allows before it, so only those are
    tried, in order. `starts`: the pattern finding them and the text it reads (`_LOWER_START`
    and the lowercased text, when the text is ASCII and lowercasing keeps every offset)."""
    pattern, searched = starts or (_START, text)
    for start in pattern.finditer(searched, pos):
        at = start.start()
        for candidate in (at - 1, at) if at > pos and text[at - 1].isspace() else (at,):
            match = _AMOUNT.match(text, candidate)
            if match is not None:
                return match
    return None


def _qualified(
    text: str, start: int, end: int, amount: Amount, value: float, ratio: bool
) -> AmountSpan:
    """The span with the qualifier written just before it applied ("at least 12")."""
    qualifier = _QUALIFIER.search(text, 0, start)
    if qualifier and qualifier.end() == start:
        low, high = _qualify(amount.low, amount.high, value, _QUALIFIERS[qualifier[1].lower()])
        start, amount = qualifier.start(), replace(amount, low=low, high=high, approximate=True)
    elif re.search(r"\bbetween\s+$", text[:start], re.IGNORECASE):
        amount = replace(amount, approximate=True)
    return AmountSpan(start, end, text[start:end], amount, ratio)


def _approximate(span: AmountSpan) -> AmountSpan:
    a = span.amount
    return AmountSpan(span.start, span.end, span.text, replace(a, approximate=True), span.ratio)


def _is_whole(text: str, match: re.Match[str]) -> bool:
    """The match is not the inside of a longer word or number ("Area51", "3:14", "2004-05")."""
    start, end = match.start(), match.end()
    while start < end and text[start].isspace():
        start += 1
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if (
        before.isalnum()
        or before in "_:/"
        or (before in ".," and text[max(start - 2, 0)].isdigit())
    ):
        return False
    return not (
        after.isalnum() or after == ":" or (after in ".," and text[end + 1 : end + 2].isdigit())
    )


def _range_end(text: str, end: int, currency: str | None) -> AmountSpan | None:
    """The second amount of "12 to 18", "4,000 and 5,000", "2-1" right after `end`."""
    joint = _RANGE.match(text, end)
    if not joint or joint.end() == end:
        return None
    rest = _AMOUNT.match(text, joint.end())
    if not rest or not (rest["digits"] or rest["words"]) or not _is_whole(text, rest):
        return None
    if rest["cur"] and currency and rest["cur"] != currency:
        return None
    parsed = _parse(rest)
    if parsed is None:
        return None
    unit, rest_end = _unit(rest, text)
    return AmountSpan(
        joint.end(), rest_end, text[joint.end() : rest_end], Amount(*parsed[:2], unit)
    )


def _with_fractions(text: str, found: list[AmountSpan]) -> list[AmountSpan]:
    """Add "two thirds", "a quarter", "half" as fractions, replacing the count they contain."""
    out = list(found)
    for match in _FRACTION.finditer(text):
        share = (word_number(match["count"]) or 1.0) / _FRACTIONS[match["part"].lower()]
        span = _qualified(
            text,
            match.start(),
            match.end(),
            Amount(share - 0.005, share + 0.005, "fraction", value=share),
            share,
            False,
        )
        out = [a for a in out if a.end <= span.start or a.start >= span.end]
        out.append(span)
    return sorted(out, key=lambda a: a.start)
