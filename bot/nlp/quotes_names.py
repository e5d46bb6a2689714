"""What a pronoun, a role or "the company" most likely refers to among an article's speaker
candidates: the speaker or subject of the nearest sentence naming one, a chain of "he … he …"
followed back to a name, and definite roles ("the Lib Dem spokesman") that stand for the
person named earlier with that role."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from bot.models.analysis import Analysis
from bot.nlp.quotes_candidates import (
    SPEAKER_LABELS,
    VERBS,
    Who,
    candidates,
    is_committee,
    merge,
)
from bot.nlp.quotes_words import (
    CONJUNCTIONS,
    DETERMINERS,
    MODIFIED_HEADS,
    PERSON_ROLES,
    PREPOSITIONS,
    SPOKESPEOPLE,
)

#: How many names back a pronoun or "the company" may reach (bounded work per quote).
LOOK_BACK = 40
#: How many sentences back a pronoun looks for a speaker or subject before settling.
SENTENCES_BACK = 3
# An opening phrase ("For the Lib Dems,", "In a statement,") is at most this many tokens.
_OPENING_TOKENS = 12
TOKEN = re.compile(r"[\w'’&.-]*\w|[,;:—–()-]")
# "the Lib Dem spokesman", "the prime minister": a person named earlier with that role.
_DEFINITE_ROLE = re.compile(
    r"\b[Tt]he\s+(?P<role>(?:[\w'’-]+\s+){0,3}?(?:"
    + "|".join(sorted(PERSON_ROLES | SPOKESPEOPLE))
    + r"))\b"
)
_RECIPIENT = re.compile(
    r"\b(?:told|telling|tells|to|interview\s+with)\s+(?:the\s+)?(?:[A-Z][\w'’&.-]*\s+){0,3}$"
)
# What follows a name that only modifies a noun: "'s Holyrood leader", " correspondent".
_MODIFIED = re.compile(r"(?:['’]s)?(?:\s+[A-Z][\w-]*){0,2}\s+([a-z]+)")
_NOMINATIVE = frozenset({"he", "she", "they", "we", "i"})
_TITLE_WORDS = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Lord", "Lady", "Dame"})
# Words after which "the" still belongs to a prepositional phrase ("in the", "of the
# Treasury and the Bank").
_JOINING = PREPOSITIONS | CONJUNCTIONS | DETERMINERS
_SPEAKS = re.compile(
    # "X said", "X, who chairs the committee, said"
    r"(?:,[^,;:.()\x00]{1,80},)?"
    r"\s+(?:has\s+|have\s+|had\s+|also\s+|later\s+)?(?:" + VERBS + r")\b"
)


class Names:
    """The speaker candidates of one text, in text order, with the lookups attribution uses.

    `bounds` are the text's sentence starts; `masked` the text with quotations hidden.
    """

    def __init__(self, text: str, masked: str, bounds: list[int], analysis: Analysis) -> None:
        self.masked = masked
        self.bounds = bounds
        self.people = candidates(text, masked, analysis)
        self.starts = [w.start for w in self.people]
        self._add_role_holders()
        self.committees = [w for w in self.people if is_committee(w)]
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
            self.people = merge(added, self.people)
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
            elif lower == "the" and before and before.lower() not in _JOINING:
                guarded = False  # "In January the MPs …": the preposition had its object
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
            if who is None or who.start in self.modifiers:
                continue
            if person is None or who.person == person:
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

    def salient_person(self, pos: int) -> Who | None:
        """The person a passage at pos is about (see `_salient`), of either gender."""
        return self._salient([w for w in self.recent(pos) if w.person], pos)

    def organisation(self, pos: int, noun: str | None = None, plural: bool = False) -> Who | None:
        """What "it"/"they"/"the company" at pos refers to (see `_salient`): organisations
        first for "it" (one whose name has the noun, if any does), any group for "they"."""
        # A body told something, or the paper or programme it was said in, is no antecedent.
        before = [
            w
            for w in self.recent(pos)
            if self._organisation_like(w)
            and not _RECIPIENT.search(self.masked, max(0, w.start - 60), w.start)
        ]
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

    def next_person(self, pos: int) -> Who | None:
        """The first person named after pos's sentence, in the sentence after it."""
        i = bisect_right(self.bounds, pos)
        lo = self.bounds[i] if i < len(self.bounds) else len(self.masked)
        hi = self.bounds[i + 1] if i + 1 < len(self.bounds) else len(self.masked)
        return next((w for w in self.between(lo, hi) if w.person), None)

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


def _modifies(masked: str, who: Who) -> bool:
    """True when a name only modifies the noun after it ("Lib Dem leader", "BBC correspondent")."""
    # "the Scottish National Party's Holyrood leader": a name before the head is allowed.
    after = _MODIFIED.match(masked, who.end, who.end + 60)
    return bool(after and after[1] in MODIFIED_HEADS)
