"""Figures in the news: amounts and dates as reported, what they count, and how reports of the
same story line up (plain data: the NLP core finds them, renderers show them)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Amount:
    """A reported value as the interval it allows: "12" is 11.5–12.5 (the precision written),
    "at least 12" is 11.5–∞, "a dozen" 11.5–12.5, "hundreds" 200–999. `unit` is what the
    number measures ("" for a plain count, "%", "USD", "GBP", "tonnes", "date", "time", …);
    dates and times are day ordinals and minutes after midnight."""

    low: float
    high: float
    unit: str = ""
    approximate: bool = False
    # The number as written (scaled: "1.4m" is 1.4e6), before precision and qualifiers.
    value: float | None = None

    def agrees(self, other: Amount) -> bool:
        """Whether both can be true at once: the same unit and overlapping intervals."""
        if self.unit != other.unit:
            return False
        # Touching ends do not overlap: 1.3666 and 1.3667 (to four decimals) disagree.
        return max(self.low, other.low) < min(self.high, other.high)

    @property
    def bounded(self) -> bool:
        """Whether the interval has an upper end ("more than 100" has none)."""
        return not math.isinf(self.high)


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure in one sentence: the words as written, where they are, the amount, and what
    it counts — the counted noun or event (`counts`, e.g. "death", "share"), the entities it
    belongs to (`owners`, name keys) and when it held (`when`, e.g. "closed", "2026-03-02")."""

    text: str
    start: int
    end: int
    amount: Amount
    counts: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    when: tuple[str, ...] = ()
    # Content words of the figure's clause: its context when the counted thing is not explicit.
    context: tuple[str, ...] = field(default=(), repr=False)
    # Every name in the sentence: the owners to fall back on when the clause names none.
    names: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class Report:
    """One outlet's article as the figures see it: who published it, when, and its sentences
    (those posted, or all of them)."""

    outlet: str
    published: datetime | None
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reading:
    """A figure as one report gave it: the outlet, when it was published, the sentence."""

    outlet: str
    published: datetime | None
    figure: Figure
    sentence: str


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """The same quantity given incompatible values. Between outlets it is a disagreement
    ("Reuters: 12 · AP: 15"); within one outlet over time a correction (earlier → later)."""

    kind: str  # "disagreement" or "correction"
    readings: tuple[Reading, ...]

    def summary(self) -> str:
        """One line, outlets in order with the figure each gave: "Reuters: 12 · AP: 15"."""
        if self.kind == "correction":
            first, last = self.readings[0], self.readings[-1]
            return f"{first.outlet}: {first.figure.text} → {last.figure.text}"
        return " · ".join(f"{r.outlet}: {r.figure.text}" for r in self.readings)
