"""Who can be a speaker in an article: the names around its quotations (the NLP step's
mentions, plus names after a title or where speakers stand that the model missed) and what
a pronoun or "the company" most likely refers to."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from bot.models.analysis import Analysis
from bot.nlp.quotes_words import FEMALE_TITLES, MALE_TITLES, NOT_NAMES, SPEECH_VERBS, TITLE_NAME

SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: Stands in for quoted text in the masked copy of a text, so words there are not read.
HIDDEN = "\x00"
#: How many names back a pronoun or "the company" may reach (bounded work per quote).
LOOK_BACK = 40
VERBS = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_NOT_NAMES = "|".join(w.capitalize() for w in NOT_NAMES)
# "Theresa May, shadow secretary …" / "Jim Parton said": a name where speakers stand.
_BARE_NAME = re.compile(
    r"\b(?P<name>(?!(?:" + _NOT_NAMES + r")\b)[A-Z][a-z]+(?:[ ][A-Z][a-z'’-]+){1,2})"
    r"(?=,[ ][a-z]|[ ](?:" + VERBS + r")\b)"
)


@dataclass(frozen=True, slots=True)
class Who:
    """A possible speaker: where it is named and the entity it is."""

    start: int
    end: int
    canonical: str
    label: str


#: An attribution to someone unnamed ("a spokesman said", "one trader").
NOBODY = Who(-1, -1, "", "")


class Names:
    """The speaker candidates of one text, in text order, with the lookups attribution uses.

    `bounds` are the text's sentence starts. `subjects` and `modifiers` (starts of names
    that are a sentence's subject, and of names that only modify a noun, "Lib Dem leader
    X") are filled in by the attributor, which knows clauses.
    """

    def __init__(self, text: str, masked: str, bounds: list[int], analysis: Analysis) -> None:
        self.bounds = bounds
        self.gender: dict[str, str] = {}
        self.people = self._candidates(text, masked, analysis)
        self.starts = [w.start for w in self.people]
        self.subjects: set[int] = set()
        self.modifiers: set[int] = set()

    def _candidates(self, text: str, masked: str, analysis: Analysis) -> list[Who]:
        """The model's names outside quotations, names it missed after a title or where
        speakers stand; a name after a title is a person's, and so is its full form."""
        found = _Spans()
        for m in analysis.mentions:
            if m.section != "body" or m.end > len(text) or masked[m.start] == HIDDEN:
                continue
            if m.label in SPEAKER_LABELS:
                titled = TITLE_NAME.search(text, max(0, m.start - 12), m.end)
                label = "PERSON" if titled and titled.start("name") <= m.start else m.label
                found.add(Who(m.start, m.end, m.canonical, label))
        for match in _BARE_NAME.finditer(masked):
            found.add(Who(*match.span("name"), match["name"], "PERSON"))
        full_names: dict[str, set[str]] = {}
        for w in found.items():
            if " " in w.canonical:
                full_names.setdefault(w.canonical.split()[-1], set()).add(w.canonical)
        titled: dict[str, str] = {}
        for match in TITLE_NAME.finditer(masked):
            name = re.sub(r"['’]s$", "", match["name"])
            surname = name.split()[-1]
            full = full_names.get(surname, set())
            canonical = next(iter(full)) if len(full) == 1 else name
            found.add(Who(*match.span("name"), canonical, "PERSON"))
            title = match["title"].lower()
            gender = "f" if title in FEMALE_TITLES else "m" if title in MALE_TITLES else ""
            titled.setdefault(surname, gender)
        # "Mr Cable" shows that "Vince Cable", whatever the model called it, is a person.
        people = []
        for w in found.items():
            surname = w.canonical.split()[-1] if w.canonical else ""
            if surname in titled:
                w = Who(w.start, w.end, w.canonical, "PERSON")
                if titled[surname]:
                    self.gender.setdefault(w.canonical, titled[surname])
            people.append(w)
        return _fuller_names(people)

    def between(self, lo: int, hi: int) -> list[Who]:
        """Candidates starting in [lo, hi)."""
        return self.people[bisect_left(self.starts, lo) : bisect_left(self.starts, hi)]

    def at(self, pos: int) -> Who | None:
        """The candidate whose name covers pos, if any."""
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and self.people[i].start <= pos < self.people[i].end:
            return self.people[i]
        return None

    def recent(self, pos: int) -> list[Who]:
        """The candidates named before pos, the nearest LOOK_BACK of them."""
        end = bisect_left(self.starts, pos)
        return self.people[max(0, end - LOOK_BACK) : end]

    def fits(self, who: Who, pronoun: str) -> bool:
        """True when a candidate is a person "he"/"she" can refer to (gender from titles)."""
        wanted = "f" if pronoun in {"she", "her"} else "m"
        return who.label == "PERSON" and self.gender.get(who.canonical, wanted) == wanted

    def person(self, pos: int, pronoun: str) -> Who | None:
        """What "he"/"she" at pos refers to: in the nearest sentence before it naming a
        fitting person, that sentence's subject if it is one, else the last one named."""
        return self._salient([w for w in self.recent(pos) if self.fits(w, pronoun)])

    def organisation(self, pos: int, noun: str | None = None) -> Who | None:
        """What "it"/"they"/"the company" at pos refers to, the same way: organisations
        first, then places and groups; one whose name has the noun, if any does."""
        before = [w for w in self.recent(pos) if w.label != "PERSON"]
        if noun:
            before = [w for w in before if noun in w.canonical.lower()] or before
        for labels in ({"ORG"}, {"GPE"}, {"NORP"}):
            found = self._salient([w for w in before if w.label in labels])
            if found is not None:
                return found
        return None

    def last_person(self, pos: int) -> Who | None:
        """The last person named before pos ("the chancellor" refers back to them)."""
        people = [w for w in self.recent(pos) if w.label == "PERSON"]
        return people[-1] if people else None

    def _salient(self, candidates: list[Who]) -> Who | None:
        candidates = [w for w in candidates if w.start not in self.modifiers]
        if not candidates:
            return None
        bound = self.bounds[max(bisect_right(self.bounds, candidates[-1].start) - 1, 0)]
        recent = [w for w in candidates if w.start >= bound]
        return next((w for w in recent if w.start in self.subjects), recent[-1])


class _Spans:
    """Non-overlapping candidate spans in text order; an overlapping addition is dropped."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.spans: list[Who] = []

    def add(self, who: Who) -> None:
        """Keep `who` unless it overlaps a span already kept."""
        i = bisect_right(self.starts, who.start)
        if i > 0 and self.spans[i - 1].end > who.start:
            return
        if i < len(self.spans) and self.spans[i].start < who.end:
            return
        self.starts.insert(i, who.start)
        self.spans.insert(i, who)

    def items(self) -> list[Who]:
        """The spans in text order."""
        return list(self.spans)


def _fuller_names(people: list[Who]) -> list[Who]:
    """Organisations named in part and in full ("Lilly", "Eli Lilly") under the full name."""
    names = {w.canonical for w in people if w.label != "PERSON"}
    fuller = {}
    for name in names:
        longer = [n for n in names if n != name and n.endswith(" " + name)]
        if len(longer) == 1:
            fuller[name] = longer[0]
    return [
        Who(w.start, w.end, fuller[w.canonical], w.label) if w.canonical in fuller else w
        for w in people
    ]
