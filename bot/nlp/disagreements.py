"""Where outlets disagree: figures of several reports of one story lined up by what they count;
the same quantity given incompatible values by two outlets is a disagreement ("Reuters: 12 ·
AP: 15"), by one outlet over time a correction. "12 people" and "a dozen" agree, as do "at
least 12" and 15; an outlet that later matched the other's figure no longer disagrees."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.models.figure import Amount, Discrepancy, Figure, Reading, Report
from bot.nlp.figures import NATIONAL, figures_in
from bot.nlp.wording import names_meet

# Bounds: a story rarely has more; past them the oldest reports and last sentences are left out.
MAX_REPORTS = 60
MAX_SENTENCES = 200
# Sentences read for figures in all (about 0.25 ms each), shared among the reports compared:
# two reports read 120 each, eight 30 (a report's figures are in its first paragraphs). Two
# huge reports read to 200 sentences each cost a /catchup 90 ms before any comparison (found
# by the soak, where /catchup was the most expensive command).
STORY_SENTENCES = 240
MIN_SENTENCES = 30
MAX_FIGURES = 400
# Pairs of figures compared (about 5 µs each): a story of two 1,000,000-character reports made
# 80,000 pairs, 0.4 s of a /catchup's CPU with the GIL held; a news story makes a few hundred.
MAX_PAIRS = 2_500
# Share of the smaller clause's content words two figures must share, lacking a shared noun or
# event word, to count as the same quantity (chosen on the tune half of figures_labels.jsonl).
CONTEXT_OVERLAP = 0.34
# ... and at least this many words in common.
MIN_SHARED = 2
# Values this many times apart are not one quantity misreported but two quantities.
MAX_RATIO = 3.0
# A clash is only reported between figures tied more closely than "the same quantity": a
# name in common, or this share of the smaller clause's words (tune half of the labels).
ANCHOR_OVERLAP = 0.5
DATE_OVERLAP = 0.8
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


def _owners_clash(a: Figure, b: Figure) -> bool:
    """Both figures have owners, none shared, and neither's owner is named near the other."""
    if not a.owners or not b.owners:
        return False
    if NATIONAL in a.owners and NATIONAL in b.owners:
        return False
    if NATIONAL in a.owners or NATIONAL in b.owners:
        return True  # a national total and a region's count
    return not (
        names_meet(a.owners, b.owners)
        or names_meet(a.owners, b.names)
        or names_meet(b.owners, a.names)
    )


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
    if not _same_when(a, b) or _far_apart(a.amount, b.amount):
        return False
    if a.amount.unit == "age":  # an age is a person's: the same person must own both
        return names_meet(a.owners, b.owners)
    # "people" alone says little ("35 people shot", "four victims taken to hospital").
    if (nouns_a & nouns_b) - {"noun:people"} or events_a & events_b:
        return True
    ctx_a, ctx_b = set(a.context), set(b.context)
    shared = len(ctx_a & ctx_b)
    return shared >= MIN_SHARED and shared / min(len(ctx_a), len(ctx_b)) >= CONTEXT_OVERLAP


def _far_apart(a: Amount, b: Amount) -> bool:
    """Whether the smallest reading of the larger value is MAX_RATIO times the largest of the
    smaller ("around 150" homes vs "Fourteen"; $103.05 vs $1.3652)."""
    if a.unit in _DATE_UNITS or a.unit == "time" or a.high <= 0 or b.high <= 0:
        return False
    small, large = (a, b) if a.high <= b.high else (b, a)
    return large.low > MAX_RATIO * small.high


def values_agree(a: Figure, b: Figure) -> bool:
    """Whether two figures of the same quantity can both be right."""
    projected = _project(a.amount, b.amount)
    return projected is not None and projected[0].agrees(projected[1])


def _shared_words(a: Figure, b: Figure) -> float:
    """Share of the smaller clause's words the other has, 0 below MIN_SHARED words."""
    ctx_a, ctx_b = set(a.context), set(b.context)
    shared = len(ctx_a & ctx_b)
    return shared / min(len(ctx_a), len(ctx_b)) if shared >= MIN_SHARED else 0.0


def clash(a: Figure, b: Figure) -> bool:
    """Whether two figures of the same quantity are worth reporting as a discrepancy: their
    values cannot both be right, and more ties them than was needed to line them up — the
    same counted thing and a name or most words in common, or a name and most words. A
    date's clause must match almost word for word ("the talks were held on ...")."""
    if values_agree(a, b):
        return False
    words = _shared_words(a, b)
    if a.amount.unit in _DATE_UNITS:
        return words >= DATE_OVERLAP
    tie_names = names_meet([*a.owners, *a.names], [*b.owners, *b.names])
    tie_words = words >= ANCHOR_OVERLAP
    nouns = (_kinds(a, "noun:") & _kinds(b, "noun:")) - {"noun:people"}
    tie_kind = bool(nouns or _kinds(a, "event:") & _kinds(b, "event:"))
    return (tie_kind and (tie_names or tie_words)) or (tie_names and tie_words)


def _readings(reports: Sequence[Report], sentences: int = MAX_SENTENCES) -> list[Reading]:
    out: list[Reading] = []
    for report in reports[:MAX_REPORTS]:
        for sentence in report.sentences[:sentences]:
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


def discrepancies(reports: Sequence[Report]) -> list[Discrepancy]:
    """Disagreements between outlets and corrections within one, story-wide, oldest first.

    Only figures judged the same quantity directly are compared (never through a third, so
    one loose match cannot chain two different quantities); an outlet's figure that it later
    replaced with one matching the other outlet's is not a disagreement."""
    report_of: list[int] = []
    readings: list[Reading] = []
    share = min(MAX_SENTENCES, max(MIN_SENTENCES, STORY_SENTENCES // max(len(reports), 1)))
    for index, report in enumerate(reports[:MAX_REPORTS]):
        found = _readings([report], share)
        readings += found
        report_of += [index] * len(found)
        if len(readings) >= MAX_FIGURES:
            break
    same: dict[int, set[int]] = {}
    for i, j in _candidates(readings, report_of):
        if same_quantity(readings[i].figure, readings[j].figure):
            same.setdefault(i, set()).add(j)
            same.setdefault(j, set()).add(i)
    out: list[Discrepancy] = []
    for i, others in sorted(same.items()):
        for j in sorted(o for o in others if o > i):
            x, y = sorted((readings[i], readings[j]), key=_time)
            if not clash(x.figure, y.figure):
                continue
            if x.outlet == y.outlet:
                if _time(y) > _time(x):
                    out.append(Discrepancy("correction", (x, y)))
            elif not _confirmed(readings, same, i, j) and not _confirmed(readings, same, j, i):
                out.append(Discrepancy("disagreement", (x, y)))
    # One line per pair of figures, however many sentences repeat them.
    unique = {(d.kind, d.summary()): d for d in reversed(out)}
    return sorted(unique.values(), key=lambda d: _time(d.readings[-1]))


def _confirmed(readings: list[Reading], same: dict[int, set[int]], mine: int, theirs: int) -> bool:
    """Whether the outlet of `mine` also gives, in the same report or later, a figure of this
    quantity agreeing with `theirs`: it corrected itself to match, or gives both figures
    ("nine law lords rather than the usual five"), so the two outlets do not disagree."""
    outlet, when = readings[mine].outlet, _time(readings[mine])
    return any(
        readings[k].outlet == outlet
        and _time(readings[k]) >= when
        and values_agree(readings[k].figure, readings[theirs].figure)
        for k in same.get(theirs, ())
    )


def firm(discrepancy: Discrepancy) -> bool:
    """Whether a discrepancy is tied tightly enough to show readers: its two figures share a
    name (an owner, or a name in their sentences) and, when both have owners, the same ones.
    Stories, updates and digests show only these: compared whole, articles give looser pairs
    than the labelled ones (figures_audit.jsonl: 6 of the 9 flagged were real; this keeps
    those 6 and drops two bidders' offers and two house-price measures)."""
    a, b = discrepancy.readings[0].figure, discrepancy.readings[-1].figure
    if not names_meet([*a.owners, *a.names], [*b.owners, *b.names]):
        return False
    return not (a.owners and b.owners) or names_meet(a.owners, b.owners)
