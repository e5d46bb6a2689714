"""Who can be a speaker in an article: the NLP step's names around its quotations, plus the
names it missed where speakers stand (after a title, before a verb of saying, a
spokesperson's organisation), each a `Who` in text order."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from bot.models.analysis import Analysis, Mention
from bot.nlp.given_names import fuller_names
from bot.nlp.quotes_words import (
    FEMALE_TITLES,
    MALE_TITLES,
    MEMBERS,
    NAME_ROLES,
    NOT_NAMES,
    SPEECH_VERBS,
    TITLE_NAME,
)

_PRONOUNS = frozenset({"i", "he", "she", "it", "we", "they", "his", "her", "its", "their"})
SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: Stands in for quoted text in the masked copy of a text, so words there are not read.
HIDDEN = "\x00"
VERBS = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_NOT_NAMES = "|".join(w.capitalize() for w in NOT_NAMES)
# "Theresa May, shadow secretary …" / "Jim Parton said": a name where speakers stand.
_BARE_NAME = re.compile(
    r"\b(?P<name>(?!(?:" + _NOT_NAMES + r")\b)[A-Z][a-z]+(?:[ ][A-Z][a-z'’-]+){1,2})"
    r"(?=,[ ][a-z]|[ ](?:" + VERBS + r")\b)"
)
# "a Vodafone spokesman", "A spokeswoman for the Department for Constitutional Affairs" (no
# word before the head ends a sentence: "… a valid business. A Home Office spokesman").
_SPOKESPERSON = re.compile(
    r"\b(?:[Aa]n?|[Oo]ne)\s+(?P<before>(?:[\w&'’-]+(?:\.[\w&'’-]+)*\s+){0,5}?)"
    r"(?P<head>spokes(?:man|woman|person))\b(?P<after>\s+for\s+(?:the\s+)?[A-Z][^,.;:\x00]{1,60})?"
)
# "Nortel added:" — a one-word name right before a verb of saying.
_BEFORE_VERB = re.compile(
    r"\b(?P<name>[A-Z][\w&-]+)(?=\s+(?:has\s+|have\s+|also\s+)?(?:" + VERBS + r")\b)"
)
# "the Commons education select committee", "Joint Committee on Human Rights": a committee
# the model may have missed (lower-case words inside), from its first capitalised word.
_COMMITTEE = re.compile(
    r"\b(?!(?:The|A|An|This|That|Its|Their)\b)[A-Z][\w&'’-]*(?:\s+[\w&'’-]+){0,4}?\s+"
    r"[Cc]ommittee\b(?:\s+(?:on|for)\s+[A-Z][\w&'’-]*(?:\s+(?:and\s+)?[A-Z][\w&'’-]*)*)?"
)
# "Department for Work and Pensions": capitalised words, small joining words between.
_ORGANISATION = re.compile(r"[A-Z][\w&'’.-]*(?:\s+(?:(?:for|of|and|the|&)\s+)*[A-Z][\w&'’.-]*)*")


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


def candidates(text: str, masked: str, analysis: Analysis) -> list[Who]:
    """Speaker candidates of a text in text order (`masked` hides its quotations): a name
    after a title is a person's, and so is its full form elsewhere ("Mr Cable" makes "Vince
    Cable" a person, whatever the model called it)."""
    mentions = sorted(
        (
            m
            for m in analysis.mentions
            if m.section == "body" and m.label in SPEAKER_LABELS and m.end <= len(text)
        ),
        key=lambda m: m.start,
    )
    found = _Spans()
    _add_spokespeople(found, masked, mentions)
    for m in mentions:
        if masked[m.start] != HIDDEN:
            title = TITLE_NAME.search(text, max(0, m.start - 12), m.end)
            named = title and title.start("name") <= m.start < title.end("name")
            found.add(Who(m.start, m.end, m.canonical, "PERSON" if named else m.label))
    titled = _add_titled(found, masked)
    for match in _BARE_NAME.finditer(masked):
        found.add(Who(*match.span("name"), match["name"], "PERSON"))
    _add_known_before_verbs(found, masked)
    for match in _COMMITTEE.finditer(masked):
        if _names_a_committee(match.group()):
            found.add(Who(*match.span(), match.group(), "ORG"))
    people = []
    for w in found.items():
        surname = w.canonical.split()[-1] if w.canonical else ""
        if w.spokesperson:
            pass
        elif surname in titled:
            w = Who(w.start, w.end, _without_role(w.canonical), "PERSON", True, titled[surname])
        elif w.label == "PERSON":
            w = Who(w.start, w.end, _without_role(w.canonical), "PERSON", True)
        people.append(w)
    return _members_as_committee(_fuller_names(_shared_surnames(_given_names(text, people))))


def _names_a_committee(phrase: str) -> bool:
    """True when a phrase ending in "committee" is a committee's name: it opens with a name
    and its lower-case words describe ("education select"), not a clause ("He added his")."""
    first, *rest = phrase.split()
    lower = [w for w in rest if w.islower()]
    return first.lower() not in NOT_NAMES | _PRONOUNS and not any(
        w in NOT_NAMES or w in _PRONOUNS or w in SPEECH_VERBS for w in lower
    )


def _without_role(name: str) -> str:
    """A person's name without the occupation the model read as part of it ("Farmer Geoff
    Brooks" -> "Geoff Brooks"); two words at least are kept."""
    words = name.split()
    while len(words) > 2 and words[0].lower() in NAME_ROLES:
        words.pop(0)
    return " ".join(words)


def is_committee(who: Who) -> bool:
    """True for a committee's name ("Environmental Audit Committee")."""
    return not who.person and "committee" in who.canonical.lower()


def committee_near(committees: list[Who], pos: int) -> Who | None:
    """Of the committees named in a text (in text order), the one named last before pos,
    else the first named after it."""
    i = bisect_left([w.start for w in committees], pos)
    return committees[i - 1] if i > 0 else (committees[0] if committees else None)


def _members_as_committee(people: list[Who]) -> list[Who]:
    """ "MPs" named as speakers stand for the committee the article names (the MPs of a
    committee's report), and for no one when it names none."""
    out = []
    committees = [w for w in people if is_committee(w)]
    for w in people:
        if w.canonical.lower() in MEMBERS:
            committee = committee_near(committees, w.start)
            if committee is None:
                continue
            w = Who(w.start, w.end, committee.canonical, committee.label)
        out.append(w)
    return out


def _given_names(text: str, people: list[Who]) -> list[Who]:
    """People named by one word only ("Mr Morris") under the fuller name the text gives
    them ("New Yorker Dick Morris"), as the NLP core does for the names it tagged."""
    others = {word.lower() for w in people if not w.person for word in w.canonical.split()}
    forms = {w.canonical for w in people if w.person and " " not in w.canonical}
    fuller = fuller_names([text], forms, others) if forms else {}
    return [_named(w, fuller[w.canonical]) if w.canonical in fuller else w for w in people]


def _shared_surnames(people: list[Who]) -> list[Who]:
    """A surname several people in the text share ("Mr Blair" with Tony and Ian Blair
    named) stands for the one named last before it, else the first named after it."""
    full: dict[str, set[str]] = {}
    for w in people:
        if w.person and " " in w.canonical:
            full.setdefault(w.canonical.split()[-1], set()).add(w.canonical)
    shared = {surname for surname, names in full.items() if len(names) > 1}
    if not shared:
        return people
    before: list[str | None] = []
    last: dict[str, str] = {}
    for w in people:
        if w.person and " " in w.canonical and w.canonical.split()[-1] in shared:
            last[w.canonical.split()[-1]] = w.canonical
        before.append(last.get(w.canonical) if w.person and w.canonical in shared else None)
    after: dict[str, str] = {}
    out = list(people)
    for i in range(len(people) - 1, -1, -1):
        w = people[i]
        if w.person and " " in w.canonical and w.canonical.split()[-1] in shared:
            after[w.canonical.split()[-1]] = w.canonical
        elif w.person and w.canonical in shared:
            name = before[i] or after.get(w.canonical)
            out[i] = _named(w, name) if name else w
    return out


def _named(who: Who, canonical: str) -> Who:
    """`who` under another name."""
    return Who(who.start, who.end, canonical, who.label, who.person, who.gender, who.spokesperson)


def _add_spokespeople(found: _Spans, masked: str, mentions: list[Mention]) -> None:
    """Spokesperson phrases naming whom they speak for, as person-like candidates that speak
    as that body or person (a body the model missed gets its capitalised name)."""
    starts = [m.start for m in mentions]
    for match in _SPOKESPERSON.finditer(masked):
        near = mentions[bisect_left(starts, match.start()) : bisect_left(starts, match.end())]
        owner = next((m for m in near if m.start < match.start("head")), None)
        owner = owner or next((m for m in near if m.start >= match.end("head")), None)
        named = (owner.canonical, owner.label) if owner is not None else None
        unnamed = _ORGANISATION.fullmatch(match["before"].strip())
        if named is None and unnamed is not None:
            named = (unnamed.group(), "ORG")
        gender = {"spokesman": "m", "spokeswoman": "f"}.get(match["head"], "")
        # An unnamed spokesperson is kept too (no name, no label), so that "he added" after
        # "a spokesman said" is that spokesperson's, not the last person named.
        found.add(Who(*match.span(), *(named or ("", "")), True, gender, True))


def _add_titled(found: _Spans, masked: str) -> dict[str, str]:
    """Names after a title ("Mr Blair" -> "Tony Blair", "Sir John" -> "John Bourn"); returns
    the gender the titles give each surname ("" when the title says none)."""
    full: dict[str, set[str]] = {}
    for w in found.items():
        words = w.canonical.split()
        if len(words) > 1 and w.label == "PERSON":
            full.setdefault(words[-1], set()).add(w.canonical)
            full.setdefault("^" + words[0], set()).add(w.canonical)
    titled: dict[str, str] = {}
    for match in TITLE_NAME.finditer(masked):
        name = re.sub(r"['’]s$", "", match["name"])
        title = match["title"].lower()
        key = name.split()[0] if title in {"sir", "dame"} and " " not in name else name
        options = full.get(key.split()[-1], set()) | full.get("^" + key, set())
        canonical = next(iter(options)) if len(options) == 1 else name
        found.add(Who(*match.span("name"), canonical, "PERSON"), fuller=True)
        gender = "f" if title in FEMALE_TITLES else "m" if title in MALE_TITLES else ""
        titled.setdefault(canonical.split()[-1], gender)
    return titled


def _add_known_before_verbs(found: _Spans, masked: str) -> None:
    """A one-word name before a verb of saying that the model found elsewhere but missed
    here ("Nortel added:")."""
    known: dict[str, set[tuple[str, str]]] = {}
    for w in found.items():
        for word in {w.canonical, w.canonical.split()[-1] if w.canonical else ""}:
            known.setdefault(word, set()).add((w.canonical, w.label))
    for match in _BEFORE_VERB.finditer(masked):
        options = known.get(match["name"], set())
        if len(options) == 1:
            canonical, label = next(iter(options))
            found.add(Who(*match.span("name"), canonical, label))


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


def merge(first: list[Who], then: list[Who]) -> list[Who]:
    """`first` and the spans of `then` that overlap none of them, in text order."""
    spans = _Spans()
    for w in [*first, *then]:
        spans.add(w)
    return spans.items()


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
