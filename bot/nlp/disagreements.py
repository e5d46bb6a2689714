"""Where outlets disagree: figures of several reports of one story lined up by what they count;
the same quantity given incompatible values by two outlets is a disagreement ("Reuters: 12 ·
AP: 15"), by one outlet over time a correction. "12 people" and "a dozen" agree, as do "at
least 12" and 15; an outlet that later matched the other's figure no longer disagrees."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.models.figure import Amount, Discrepancy, Figure, Reading, Report
from bot.nlp.figures import figures_in
from bot.nlp.wording import name_words

# Bounds: a story rarely has more; past them the oldest reports and last sentences are left out.
MAX_REPORTS = 60
MAX_SENTENCES = 200
MAX_FIGURES = 1000
MAX_PAIRS = 200_000
# Share of the smaller clause's content words two figures must share, lacking a shared noun or
# event word, to count as the same quantity (chosen on the tune half of figures_labels.jsonl).
CONTEXT_OVERLAP = 0.34
# A clash is only reported between figures tied more closely than "the same quantity": a
# name in common, or this share of the smaller clause's words (tune half of the labels).
ANCHOR_OVERLAP = 0.5
_DATE_UNITS = frozenset({"date", "monthday", "weekday"})


def _project(a: Amount, b: Amount) -> tuple[Amount, Amount] | None:
    """Both amounts in one unit, or None when they measure different things. A date is read as
    a month-day or a weekday to meet a figure that has no year or no date."""
    if a.unit == b.unit:
        return a, b
    if {a.unit, b.unit} <= _DATE_UNITS:
        if a.unit == "date":
            converted = _as_unit(a, b.unit)
            return (converted, b) if converted else None
        if b.unit == "date":
            converted = _as_unit(b, a.unit)
            return (a, converted) if converted else None
    return None


def _as_unit(day: Amount, unit: str) -> Amount | None:
    if day.high - day.low != 1:
        return None  # a month or a year has no single weekday
    when = date.fromordinal(int(day.low))
    if unit == "weekday":
        return Amount(when.weekday(), when.weekday() + 1, "weekday")
    try:
        ordinal = date(2000, when.month, when.day).toordinal()
    except ValueError:
        return None
    return Amount(ordinal, ordinal + 1, "monthday")


def _kinds(figure: Figure, prefix: str) -> set[str]:
    return {c for c in figure.counts if c.startswith(prefix)}


def _owner_words(names: Sequence[str]) -> set[str]:
    return set().union(*(name_words(n) for n in names)) if names else set()


def _owners_clash(a: Figure, b: Figure) -> bool:
    """Both figures have owners, none shared, and neither's owner is named near the other."""
    if not a.owners or not b.owners:
        return False
    own_a, own_b = _owner_words(a.owners), _owner_words(b.owners)
    return not (own_a & own_b or own_a & _owner_words(b.names) or own_b & _owner_words(a.names))


def _same_when(a: Figure, b: Figure) -> bool:
    for prefix in (("d:", "w:"), ("t:",)):
        wa = {w for w in a.when if w.startswith(prefix)}
        wb = {w for w in b.when if w.startswith(prefix)}
        if wa and wb and not wa & wb:
            return False
    return True


def same_quantity(a: Figure, b: Figure) -> bool:
    """Whether two figures count the same thing: comparable units, no clash of counted noun,
    event, owner or time, and something shared (a noun, an event or enough context)."""
    if _project(a.amount, b.amount) is None:
        return False
    nouns_a, nouns_b = _kinds(a, "noun:"), _kinds(b, "noun:")
    events_a, events_b = _kinds(a, "event:"), _kinds(b, "event:")
    if (nouns_a and nouns_b and not nouns_a & nouns_b) or (
        events_a and events_b and not events_a & events_b
    ):
        return False
    if _owners_clash(a, b):
        return False
    if not _same_when(a, b):
        return False
    # "people" alone says little ("35 people shot", "four victims taken to hospital").
    if (nouns_a & nouns_b) - {"noun:people"} or events_a & events_b:
        return True
    ctx_a, ctx_b = set(a.context), set(b.context)
    smaller = min(len(ctx_a), len(ctx_b))
    return smaller > 0 and len(ctx_a & ctx_b) / smaller >= CONTEXT_OVERLAP


def values_agree(a: Figure, b: Figure) -> bool:
    """Whether two figures of the same quantity can both be right."""
    projected = _project(a.amount, b.amount)
    return projected is not None and projected[0].agrees(projected[1])


def clash(a: Figure, b: Figure) -> bool:
    """Whether two figures of the same quantity are worth reporting as a discrepancy: their
    values cannot both be right, and they are tied by a shared name or most of their words."""
    if values_agree(a, b):
        return False
    if (_owner_words(a.owners) | _owner_words(a.names)) & (
        _owner_words(b.owners) | _owner_words(b.names)
    ):
        return True
    ctx_a, ctx_b = set(a.context), set(b.context)
    smaller = min(len(ctx_a), len(ctx_b))
    return smaller > 0 and len(ctx_a & ctx_b) / smaller >= ANCHOR_OVERLAP


def _readings(reports: Sequence[Report]) -> list[Reading]:
    out: list[Reading] = []
    for report in reports[:MAX_REPORTS]:
        for sentence in report.sentences[:MAX_SENTENCES]:
            published = report.published
            for figure in figures_in(sentence, published):
                out.append(Reading(report.outlet, published, figure, sentence))
                if len(out) >= MAX_FIGURES:
                    return out
    return out


def _time(reading: Reading) -> datetime:
    return reading.published or datetime.min


def _candidates(readings: list[Reading], report_of: list[int]) -> list[tuple[int, int]]:
    """Pairs of readings from different reports worth comparing: the same kind of unit and a
    counted noun, event or clause word in common (nothing else can be the same quantity)."""
    index: dict[tuple[str, str], list[int]] = {}
    for i, reading in enumerate(readings):
        figure = reading.figure
        unit = "date" if figure.amount.unit in _DATE_UNITS else figure.amount.unit
        for key in {*figure.counts, *figure.context}:
            index.setdefault((unit, key), []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in index.values():
        for x, i in enumerate(members):
            pairs.update((i, j) for j in members[x + 1 :] if report_of[i] != report_of[j])
            if len(pairs) >= MAX_PAIRS:
                return sorted(pairs)
    return sorted(pairs)


def _groups(readings: list[Reading], report_of: list[int]) -> list[list[int]]:
    """Readings of different reports joined when they count the same thing (union-find)."""
    parent = list(range(len(readings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _candidates(readings, report_of):
        if root(i) != root(j) and same_quantity(readings[i].figure, readings[j].figure):
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(readings)):
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len({report_of[i] for i in g}) > 1]


def discrepancies(reports: Sequence[Report]) -> list[Discrepancy]:
    """Disagreements between outlets and corrections within one, story-wide, oldest first."""
    report_of: list[int] = []
    readings: list[Reading] = []
    for index, report in enumerate(reports[:MAX_REPORTS]):
        found = _readings([report])
        readings += found
        report_of += [index] * len(found)
        if len(readings) >= MAX_FIGURES:
            break
    out: list[Discrepancy] = []
    for group in _groups(readings, report_of):
        members = sorted((readings[i] for i in group), key=_time)
        latest: dict[str, Reading] = {}
        for reading in members:
            previous = latest.get(reading.outlet)
            later = previous is None or _time(reading) > _time(previous)
            if previous is not None and later and clash(previous.figure, reading.figure):
                out.append(Discrepancy("correction", (previous, reading)))
            if later:
                latest[reading.outlet] = reading
        current = list(latest.values())
        if any(clash(x.figure, y.figure) for i, x in enumerate(current) for y in current[i + 1 :]):
            out.append(Discrepancy("disagreement", tuple(current)))
    return sorted(out, key=lambda d: _time(d.readings[-1]))
