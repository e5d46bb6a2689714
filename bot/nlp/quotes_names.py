"""Who can be a speaker in an article: the names around its quotations (the NLP step's
mentions, plus names after a title, where speakers stand, or a spokesperson's organisation)
and what a pronoun or "the company" most likely refers to."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from bot.models.analysis import Analysis
from bot.nlp.quotes_words import (
    FEMALE_TITLES,
    MALE_TITLES,
    MODIFIED_HEADS,
    NOT_NAMES,
    PERSON_ROLES,
    PREPOSITIONS,
    SPEECH_VERBS,
    SPOKESPEOPLE,
    TITLE_NAME,
)

SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: Stands in for quoted text in the masked copy of a text, so words there are not read.
HIDDEN = "\x00"
#: How many names back a pronoun or "the company" may reach (bounded work per quote).
LOOK_BACK = 40
#: How many sentences back a pronoun looks for a speaker or subject before settling.
SENTENCES_BACK = 3
# An opening phrase ("For the Lib Dems,", "In a statement,") is at most this many tokens.
_OPENING_TOKENS = 12
VERBS = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
TOKEN = re.compile(r"[\w'’&.-]*\w|[,;:—–()-]")
_NOT_NAMES = "|".join(w.capitalize() for w in NOT_NAMES)
# "Theresa May, shadow secretary …" / "Jim Parton said": a name where speakers stand.
_BARE_NAME = re.compile(
    r"\b(?P<name>(?!(?:" + _NOT_NAMES + r")\b)[A-Z][a-z]+(?:[ ][A-Z][a-z'’-]+){1,2})"
    r"(?=,[ ][a-z]|[ ](?:" + VERBS + r")\b)"
)
# "a Vodafone spokesman", "A spokeswoman for the Department for Constitutional Affairs".
_SPOKESPERSON = re.compile(
    r"\b(?:[Aa]n?|[Oo]ne)\s+(?P<before>(?:[\w&'’.-]+\s+){0,5}?)"
    r"(?P<head>spokes(?:man|woman|person))\b(?P<after>\s+for\s+(?:the\s+)?[A-Z][^,.;:\x00]{1,60})?"
)
# "the Lib Dem spokesman", "the prime minister": a person named earlier with that role.
_DEFINITE_ROLE = re.compile(
    r"\b[Tt]he\s+(?P<role>(?:[\w'’-]+\s+){0,3}?(?:"
    + "|".join(sorted(PERSON_ROLES | SPOKESPEOPLE))
    + r"))\b"
)
_BEFORE_VERB = re.compile(
    r"\b(?P<name>[A-Z][\w&-]+)(?=\s+(?:has\s+|have\s+|also\s+)?(?:" + VERBS + r")\b)"
)
# "Department for Work and Pensions": capitalised words, small joining words between.
_ORGANISATION = re.compile(r"[A-Z][\w&'’.-]*(?:\s+(?:(?:for|of|and|the|&)\s+)*[A-Z][\w&'’.-]*)*")
_NOMINATIVE = frozenset({"he", "she", "they", "we", "i"})
_TITLE_WORDS = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Lord", "Lady", "Dame"})
_SPEAKS = re.compile(r"\s+(?:has\s+|have\s+|had\s+|also\s+|later\s+)?(?:" + VERBS + r")\b")


@dataclass(frozen=True, slots=True)
class Who:
    """A possible speaker: where it is named, the entity it is, and whether "he"/"she" can
    refer to it (a person, or a spokesperson speaking for the entity) with which gender."""

    start: int
    end: int
    canonical: str
    label: str
    person: bool = False
    gender: str = ""
    spokesperson: bool = False


#: An attribution to someone unnamed ("a spokesman said", "one trader").
NOBODY = Who(-1, -1, "", "")


class Names:
    """The speaker candidates of one text, in text order, with the lookups attribution uses.

    `bounds` are the text's sentence starts; `masked` the text with quotations hidden.
    """

    def __init__(self, text: str, masked: str, bounds: list[int], analysis: Analysis) -> None:
        self.masked = masked
        self.bounds = bounds
        self.people = self._candidates(text, masked, analysis)
        self.starts = [w.start for w in self.people]
        self._add_role_holders()
        self.modifiers = {w.start for w in self.people if _modifies(masked, w)}
        self.speakers = {w.start for w in self.people if _SPEAKS.match(masked, w.end)}
        # A sentence's subject is its first name outside prepositional phrases (a person's
        # and anything else's), unless a pronoun comes first: then the sentence is "led by"
        # that pronoun, which carries a chain of "he … he …" back to a name.
        self.subjects: set[int] = set()
        self.led_by: dict[int, str] = {}
        for lo, hi in zip(bounds, [*bounds[1:], len(text)], strict=True):
            for person in (True, False):
                first = self._first(lo, hi, person)
                if isinstance(first, Who):
                    self.subjects.add(first.start)
                elif first is not None and person:
                    self.led_by[lo] = first
        # Names that speak or lead a sentence somewhere in the text.
        self.active = {w.canonical for w in self.people if w.start in self.speakers | self.subjects}

    def _candidates(self, text: str, masked: str, analysis: Analysis) -> list[Who]:
        """The model's names outside quotations and the names it missed; a name after a
        title is a person's, and so is its full form elsewhere ("Mr Cable", "Vince Cable")."""
        found = _Spans()
        mentions = sorted(
            (
                m
                for m in analysis.mentions
                if m.section == "body" and m.label in SPEAKER_LABELS and m.end <= len(text)
            ),
            key=lambda m: m.start,
        )
        mention_starts = [m.start for m in mentions]
        for match in _SPOKESPERSON.finditer(masked):
            near = mentions[
                bisect_left(mention_starts, match.start()) : bisect_left(
                    mention_starts, match.end()
                )
            ]
            owner = next((m for m in near if not match.start("head") <= m.start), None)
            owner = owner or next((m for m in near if m.start >= match.end("head")), None)
            named = (owner.canonical, owner.label) if owner is not None else None
            unnamed = _ORGANISATION.fullmatch(match["before"].strip())
            if named is None and unnamed is not None:
                named = (unnamed.group(), "ORG")  # a body the model missed
            if named is not None:
                gender = {"spokesman": "m", "spokeswoman": "f"}.get(match["head"], "")
                found.add(Who(*match.span(), *named, True, gender, True))
        for m in mentions:
            if masked[m.start] != HIDDEN:
                titled = TITLE_NAME.search(text, max(0, m.start - 12), m.end)
                named = titled and titled.start("name") <= m.start < titled.end("name")
                label = "PERSON" if named else m.label
                found.add(Who(m.start, m.end, m.canonical, label))
        full = _full_names(found.items())
        titled: dict[str, str] = {}
        for match in TITLE_NAME.finditer(masked):
            name = re.sub(r"['’]s$", "", match["name"])
            title = match["title"].lower()
            # "Mr Blair" -> "Tony Blair"; "Sir John" -> "John Bourn".
            key = name.split()[0] if title in {"sir", "dame"} and " " not in name else name
            options = full.get(key.split()[-1], set()) | full.get("^" + key, set())
            canonical = next(iter(options)) if len(options) == 1 else name
            found.add(Who(*match.span("name"), canonical, "PERSON"), fuller=True)
            gender = "f" if title in FEMALE_TITLES else "m" if title in MALE_TITLES else ""
            titled.setdefault(canonical.split()[-1], gender)
        for match in _BARE_NAME.finditer(masked):
            found.add(Who(*match.span("name"), match["name"], "PERSON"))
        known: dict[str, set[tuple[str, str]]] = {}
        for w in found.items():
            for word in {w.canonical, w.canonical.split()[-1] if w.canonical else ""}:
                known.setdefault(word, set()).add((w.canonical, w.label))
        for match in _BEFORE_VERB.finditer(masked):
            # "Nortel added:" where the model missed a name it found elsewhere.
            options = known.get(match["name"], set())
            if len(options) == 1:
                canonical, label = next(iter(options))
                found.add(Who(*match.span("name"), canonical, label))
        people = []
        for w in found.items():
            surname = w.canonical.split()[-1] if w.canonical else ""
            if w.spokesperson:
                pass
            elif surname in titled:
                w = Who(w.start, w.end, w.canonical, "PERSON", True, titled[surname])
            elif w.label == "PERSON":
                w = Who(w.start, w.end, w.canonical, "PERSON", True)
            people.append(w)
        return _fuller_names(people)

    def _add_role_holders(self) -> None:
        """Definite role phrases ("the Lib Dem spokesman") as candidates standing for the
        person named earlier with that role, so "he" after them finds that person."""
        added = []
        for match in _DEFINITE_ROLE.finditer(self.masked):
            role = " ".join(match["role"].lower().split())
            holder = self.role_holder(match.start(), role)
            if holder is not None:
                stand_in = Who(*match.span(), holder.canonical, holder.label, True, holder.gender)
                added.append(stand_in)
        if added:
            spans = _Spans()
            for w in [*added, *self.people]:
                spans.add(w)
            self.people = spans.items()
            self.starts = [w.start for w in self.people]

    # --- lookups --------------------------------------------------------------------------

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

    def unguarded(self, lo: int, hi: int) -> Iterator[tuple[int, str, int]]:
        """(index, token, offset) of the tokens in [lo, hi) outside prepositional phrases
        ("For the Lib Dems, Vince Cable said": "Vince" onwards)."""
        guarded = False
        previous = ""
        for i, match in enumerate(TOKEN.finditer(self.masked, lo, hi)):
            word, before, previous = match.group(), previous, match.group()
            lower = word.lower()
            if lower in PREPOSITIONS:
                guarded = True
                continue
            if word in {",", ";", ":"}:
                if i <= _OPENING_TOKENS:
                    guarded = False  # the end of an opening phrase, not "in Chatham, Kent"
                continue
            if lower in _NOMINATIVE:
                guarded = False  # "in the next breath he declared": "he" is no object
            elif word in _TITLE_WORDS and before.islower() and before not in PREPOSITIONS:
                guarded = False  # "On that day's programme Mr Johnson was asked"
            if not guarded:
                yield i, word, match.start()

    def _first(self, lo: int, hi: int, person: bool) -> Who | str | None:
        """The first name (of a person, or not) or nominative pronoun in [lo, hi) outside
        prepositional phrases and modifiers."""
        pronouns = _NOMINATIVE if person else {"it", "they"}
        for _, word, at in self.unguarded(lo, hi):
            if word.lower() in pronouns:
                return word.lower()
            who = self.at(at)
            if who is not None and who.start not in self.modifiers and who.person == person:
                return who
        return None

    def first_name(self, lo: int, hi: int, person: bool | None = None) -> Who | None:
        """The first name in [lo, hi) outside prepositional phrases and modifiers, of a
        person (`person=True`), of anything else (False) or of either (None)."""
        for _, _, at in self.unguarded(lo, hi):
            who = self.at(at)
            usable = who is not None and who.start not in self.modifiers
            if usable and (person is None or who.person == person):
                return who
        return None

    def person(self, pos: int, pronoun: str) -> Who | None:
        """What "he"/"she" at pos refers to (see `_salient`)."""
        wanted = "f" if pronoun in {"she", "her"} else "m"
        return self._salient(
            [w for w in self.recent(pos) if w.person and w.gender in {"", wanted}],
            pos,
            "she" if wanted == "f" else "he",
        )

    def organisation(self, pos: int, noun: str | None = None, plural: bool = False) -> Who | None:
        """What "it"/"they"/"the company" at pos refers to (see `_salient`): organisations
        first for "it" (one whose name has the noun, if any does), any group for "they"."""
        before = [w for w in self.recent(pos) if self._organisation_like(w)]
        if noun:
            before = [w for w in before if noun in w.canonical.lower()] or before
        if plural:
            return self._salient(before, pos)
        for labels in ({"ORG", "PERSON"}, {"GPE"}, {"NORP"}):
            found = self._salient([w for w in before if w.label in labels], pos)
            if found is not None:
                return found
        return None

    def _organisation_like(self, who: Who) -> bool:
        """Organisations, places and groups; also a one-word "person" with no title or
        first name that speaks or leads a sentence somewhere (brands like "Novartis" are
        often read as people; "Prozac" in "its product Prozac" is not an organisation)."""
        if not who.person:
            return who.label in SPEAKER_LABELS
        return (
            who.label == "PERSON"
            and " " not in who.canonical
            and not who.gender
            and who.canonical in self.active
        )

    def last_spokesperson(self, pos: int) -> Who | None:
        """The last spokesperson named before pos ("the spokesman said")."""
        found = [w for w in self.recent(pos) if w.spokesperson]
        return found[-1] if found else None

    def last_person(self, pos: int) -> Who | None:
        """The last person named before pos ("the chancellor" refers back to them)."""
        people = [w for w in self.recent(pos) if w.person]
        return people[-1] if people else None

    def _salient(self, candidates: list[Who], pos: int, pronoun: str = "") -> Who | None:
        """The likeliest referent at pos among candidates (text order): in pos's own
        sentence only a speaker ("X said") or subject; else, sentence by sentence back, a
        sentence's speaker, else its subject, else (unless the sentence is led by the same
        pronoun, which carries the chain further back) the last one it names."""
        candidates = [w for w in candidates if w.start not in self.modifiers]
        if not candidates:
            return None
        sentence = max(bisect_right(self.bounds, pos) - 1, 0)
        visited = 0
        while sentence >= 0 and visited <= SENTENCES_BACK:
            lo = self.bounds[sentence]
            hi = self.bounds[sentence + 1] if sentence + 1 < len(self.bounds) else pos + 1
            here = [w for w in candidates if lo <= w.start < min(hi, pos)]
            for ranked in (self.speakers, self.subjects):
                found = next((w for w in here if w.start in ranked), None)
                if found is not None:
                    return found
            own = lo <= pos < hi
            chained = pronoun and self.led_by.get(lo) == pronoun
            if here and not own and not chained:
                return here[-1]
            visited += 1 if here or chained else 0
            sentence -= 1
        return candidates[-1]

    def role_holder(self, pos: int, role: str) -> Who | None:
        """The last person before pos named with a role ("Chancellor Gordon Brown", "Lib
        Dem spokesman Vince Cable", "Tony Blair, the prime minister"); `role` lower case."""
        before = re.compile(r"\b" + re.escape(role) + r"\s+$")
        after = re.compile(r",\s+(?:the\s+)?" + re.escape(role) + r"\b")
        for w in reversed(self.recent(pos)):
            if w.person and not w.spokesperson:
                head = self.masked[max(0, w.start - len(role) - 2) : w.start].lower()
                tail = self.masked[w.end : w.end + len(role) + 8].lower()
                if before.search(head) or after.match(tail):
                    return w
        return None


class _Spans:
    """Non-overlapping candidate spans in text order; an overlapping addition is dropped."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.spans: list[Who] = []

    def add(self, who: Who, fuller: bool = False) -> None:
        """Keep `who` unless it overlaps a span already kept; with `fuller`, a kept one-word
        name that `who`'s name contains takes `who`'s name ("John" -> "John Bourn")."""
        i = bisect_right(self.starts, who.start)
        if i > 0 and self.spans[i - 1].end > who.start:
            kept = self.spans[i - 1]
            if fuller and " " not in kept.canonical and kept.canonical in who.canonical.split():
                self.spans[i - 1] = Who(kept.start, kept.end, who.canonical, who.label)
            return
        if i < len(self.spans) and self.spans[i].start < who.end:
            return
        self.starts.insert(i, who.start)
        self.spans.insert(i, who)

    def items(self) -> list[Who]:
        """The spans in text order."""
        return list(self.spans)


def _modifies(masked: str, who: Who) -> bool:
    """True when a name only modifies the noun after it ("Lib Dem leader", "BBC correspondent")."""
    after = re.match(r"(?:['’]s)?\s+([a-z]+)", masked[who.end : who.end + 40])
    return bool(after and after[1] in MODIFIED_HEADS)


def _full_names(found: list[Who]) -> dict[str, set[str]]:
    """Multi-word names by their last word, and by their first word (keyed "^first")."""
    full: dict[str, set[str]] = {}
    for w in found:
        words = w.canonical.split()
        if len(words) > 1 and w.label == "PERSON":
            full.setdefault(words[-1], set()).add(w.canonical)
            full.setdefault("^" + words[0], set()).add(w.canonical)
    return full


def _fuller_names(people: list[Who]) -> list[Who]:
    """Organisations named in part and in full ("Lilly", "Eli Lilly") under the full name."""
    names = {w.canonical for w in people if not w.person}
    fuller = {}
    for name in names:
        longer = [n for n in names if n != name and n.endswith(" " + name)]
        if len(longer) == 1:
            fuller[name] = longer[0]
    return [
        Who(w.start, w.end, fuller[w.canonical], w.label, w.person, w.gender, w.spokesperson)
        if w.canonical in fuller
        else w
        for w in people
    ]
