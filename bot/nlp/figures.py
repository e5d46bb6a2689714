"""Figures in a news sentence and what each one counts: "12 people were killed in Kabul" is a
count of 12 (11.5–12.5) of people, event death, owned by Kabul; "Altria rising 5% and Reynolds
4.5%" gives Altria 5% and Reynolds 4.5%; "on Monday" in a report of 4 March 2026 is 2 March.

The counted thing is read from the words around the figure — the noun after it, the event
words of its clause (killed, injured, rose …), the names in its clause and the dates and times
of day that place it — not from a parser, so it runs on stored sentences with no model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache
from itertools import pairwise

from bot.models.figure import Figure
from bot.nlp.amounts import AmountSpan, amounts_in
from bot.nlp.dates import DateSpan, dates_in
from bot.nlp.wording import is_content, proper_names, stem, tokens

# Event words, by what they count; compared as classes ("killed" = "died" = "dead").
_EVENT_WORDS = {
    "death": "killed killing kill kills died die dies dead death deaths fatalities fatality "
    "toll lives fatal",
    "injury": "injured injuring injuries injury wounded wounding wounds hurt",
    "shot": "shot shooting",
    "arrest": "arrested arrest arrests detained",
    "evacuation": "evacuated evacuation evacuate fled displaced",
    "destruction": "destroyed destroy ruined damaged burned razed lost",
    "rise": "rose rise rising rises up gained gain gains increased increase higher climbed "
    "jumped grew growth",
    "fall": "fell fall falling falls down dropped drop declined decline slid slipped lower",
    "price": "bid bids offer valued value worth deal price paid buyout takeover sold bought "
    "cost costs",
}
EVENTS = {stem(w): kind for kind, words in _EVENT_WORDS.items() for w in words.split()}
# Counted nouns meaning people, so "10 Israelis" and "10 people" count the same thing.
_PEOPLE = "people persons person men women children civilians residents victims israelis "
_PEOPLE += "palestinians settlers protesters passengers individuals adults detainees prisoners "
_PEOPLE += "hostages refugees migrants soldiers troops deaths death fatalities casualties"
PEOPLE = frozenset(stem(w) for w in _PEOPLE.split())
# "four more people died": an addition to a count, not the count itself.
_INCREMENT = re.compile(r"\s+(?:more|other|further|additional|extra|new)\b", re.IGNORECASE)
# A name right before one of these is the speaker, not the owner, of a figure.
_SPEECH_WORDS = "said says told tells vowed warned claimed insisted added announced reported"
_SPEECH = frozenset(stem(w) for w in f"{_SPEECH_WORDS} estimated believes according".split())
OWNER_WINDOW = 5  # words between a figure and a name that owns it
# A figure for the whole ("the nation's road toll") is owned by no region: marked so.
NATIONAL = "(national)"
_NATIONAL = re.compile(
    r"\b(?:nation(?:al|ally|wide|'s)?|country's|countrywide|overall|in total)\b", re.IGNORECASE
)
# Time of day: two figures placed at different times of one day are different quantities.
_TIME_OF_DAY = {
    "noon": "noon", "midday": "noon", "morning": "morning", "afternoon": "afternoon",
    "evening": "evening", "night": "night", "overnight": "night", "closed": "close",
    "close": "close", "closing": "close", "opened": "open", "opening": "open",
}  # fmt: skip
# Where a figure's clause ends: it owns the names and words up to these.
_CLAUSE = re.compile(
    r"[,;:()\[\]]|\s[-–—]\s|\b(?:but|while|whereas|after|before|following|although|which|"
    r"that|who|when|and|with)\b"
)
_CAPITAL_AROUND = re.compile(r"[A-Z][\w'’-]*\s+(?:and|with)\s+[A-Z]")
# "10 of the 26 deaths", "seven of the detainees": a part of a set, not a count of its own.
_PART_OF = re.compile(r"\s+of\s+(?:(?:the|its|their|these|those)\s+|(?=[\d$£€]))", re.IGNORECASE)
_CONVERSION = re.compile(r"[(;]\s*$")
_MONEY = frozenset({"USD", "GBP", "EUR", "JPY", "GBX", "USC"})
_AGE_BEFORE = re.compile(r"[A-Z][\w'’-]+,\s*$")
MAX_FIGURES = 40  # per sentence: a table pasted as prose is not reported figures
# Sentences whose figures are remembered (`figures_in`): a few hundred stories' reports.
FIGURES_KEPT = 8192


def _clauses(text: str, protected: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentence cut into clauses (start, end) at punctuation and joining words, never
    inside a figure ("between 4,000 and 5,000") or a name ("Queensland and Victoria")."""
    cuts = [0]
    for match in _CLAUSE.finditer(text):
        at = match.start()
        if any(a < at < b for a, b in protected) or not re.search(r"\w", text[cuts[-1] : at]):
            continue
        if match.group(0) in ("and", "with"):
            around = _CAPITAL_AROUND.search(text, max(0, at - 40), min(len(text), at + 40))
            if around and around.start() < at < around.end():
                continue
        cuts.append(at)
    cuts.append(len(text))
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def _clause_of(clauses: list[tuple[int, int]], start: int) -> int:
    return next((i for i, c in enumerate(clauses) if c[0] <= start < c[1]), 0)


def _counted_noun(text: str, end: int) -> str | None:
    """The head noun right after a figure: "800,000 local government workers" -> worker,
    "Thousands of firefighters remain" -> firefight, "12 people died" -> people."""
    of = re.match(r"\s+of\s+(?:the\s+)?", text[end:])
    offset = end + (of.end() if of else 0)
    head = None
    for i, token in enumerate(tokens(text[offset : offset + 60])[:4]):
        word = token.lower
        key = stem(word)
        verb_like = key not in PEOPLE and (key in EVENTS or (i and word.endswith(("ed", "ing"))))
        if not is_content(word) or word in _TIME_OF_DAY or verb_like:
            break
        head = key
        if (
            key in PEOPLE
            or word.endswith("s")
            or text[offset + token.end : offset + token.end + 1] in ",.;:)"
        ):
            break
    if head is None:
        return None
    return "people" if head in PEOPLE else head


def _owners(
    text: str,
    names: Sequence[tuple[int, int, str]],
    clauses: list[tuple[int, int]],
    index: int,
    span: tuple[int, int],
) -> tuple[str, ...]:
    """Names that own a figure: in its clause within a few words of it and not speaking
    ("Altria rising 5%", "five in Victoria"), else those of the clause before ("Ben Emmerson
    QC, representing seven of the detainees")."""
    clause = clauses[index]
    own = []
    for start, end, name in names:
        if not clause[0] <= start < clause[1]:
            continue
        if start >= span[1] and re.fullmatch(r"\s*(?:of\s+)?", text[span[1] : start]):
            continue  # the counted noun itself ("four Israelis")
        between = text[end : span[0]] if end <= span[0] else text[span[1] : start]
        following = tokens(text[end : end + 30])[:1]
        if following and stem(following[0].lower) in _SPEECH:
            continue
        if len(tokens(between)) <= OWNER_WINDOW:
            own.append(name)
    if own or index == 0:
        return tuple(own)
    before = clauses[index - 1]
    return tuple(n for s, _, n in names if before[0] <= s < before[1])


def _without(sentence: str, clause: tuple[int, int], spans: Sequence[AmountSpan | DateSpan]) -> str:
    """The clause's words with every figure in it blanked ("up to $9bn" is not a rise)."""
    chars = list(sentence[clause[0] : clause[1]])
    for span in spans:
        for i in range(max(span.start, clause[0]), min(span.end, clause[1])):
            chars[i - clause[0]] = " "
    return "".join(chars)


def _events(text: str) -> set[str]:
    """Event classes named in a clause ("killed" -> death, "up" -> rise)."""
    return {EVENTS[key] for t in tokens(text) if (key := stem(t.lower)) in EVENTS}


def _when(
    text: str, clause: tuple[int, int], dates: Sequence[DateSpan], own: int
) -> tuple[str, ...]:
    """Day and time-of-day markers of a clause ("d:<ordinal>", "w:<weekday>", "t:close"),
    leaving out the figure itself (at `own`) when it is a date."""
    out = []
    for d in dates:
        if d.start == own:
            continue
        if clause[0] <= d.start < clause[1] and d.amount.unit in ("date", "weekday"):
            out.append(("d:" if d.amount.unit == "date" else "w:") + str(int(d.amount.low)))
        elif clause[0] <= d.start < clause[1] and d.amount.unit == "time":
            out.append("t:" + str(int(d.amount.low) // 60))
    for token in tokens(text[clause[0] : clause[1]]):
        if token.lower in _TIME_OF_DAY:
            out.append("t:" + _TIME_OF_DAY[token.lower])
    return tuple(dict.fromkeys(out))


def _conversion(text: str, span: AmountSpan | DateSpan, previous: Figure | None) -> bool:
    """The same value in another currency or time zone: "$280bn (£155bn)", "3:14pm (7:14am)"."""
    if previous is None or not _CONVERSION.search(text, 0, span.start):
        return False
    units = {previous.amount.unit, span.amount.unit}
    return units <= _MONEY or units == {"time"}


def _is_age(text: str, span: AmountSpan | DateSpan) -> bool:
    """ "Mr Sullivan, 42, has…", "aged 72": a person's age, not a count."""
    if not span.text.isdigit() or not 0 < int(span.text) < 120:
        return False
    if re.search(r"\baged\s+$", text[: span.start]):
        return True
    return bool(_AGE_BEFORE.search(text, 0, span.start)) and text[span.end : span.end + 1] == ","


def _keep(text: str, span: AmountSpan, dates: Sequence[DateSpan], previous: Figure | None) -> bool:
    """Whether an amount is a reported quantity (not a year, a part, a currency conversion,
    one side of a score, or the inside of a date)."""
    a = span.amount
    if span.ratio or any(d.start < span.end and span.start < d.end for d in dates):
        return False
    if not a.unit and re.fullmatch(r"(?:19|20)\d\d", span.text):
        return False  # a year ("2004's average") the date patterns did not claim
    if (_PART_OF.match(text, span.end) or _INCREMENT.match(text, span.end)) and not a.unit:
        return False  # "10 of the 26 deaths", "four more people": a part or an addition
    return not _conversion(text, span, previous)


def figures_in(sentence: str, published: date | datetime | None = None) -> list[Figure]:
    """The figures of one sentence, left to right, with what each counts."""
    return list(_figures_in(sentence, published))


@lru_cache(maxsize=FIGURES_KEPT)
def _figures_in(sentence: str, published: date | datetime | None) -> tuple[Figure, ...]:
    """`figures_in`, remembered: a story's sentences are read for its figures and again for
    what each report added (bot/nlp/storyline.py), the same sentences each time (a /catchup
    meeting three huge reports read each one's 130 sentences three times: 400 ms of CPU)."""
    dates = dates_in(sentence, published)
    spans: list[AmountSpan | DateSpan] = sorted(
        [*amounts_in(sentence), *dates], key=lambda s: s.start
    )
    if not spans:
        return ()  # no figure: its clauses and names are not needed
    clauses = _clauses(sentence, [(s.start, s.end) for s in spans])
    names = list(proper_names(sentence))
    all_names = tuple(dict.fromkeys(n for _, _, n in names))
    figures: list[Figure] = []
    for span in spans[:MAX_FIGURES]:
        previous = figures[-1] if figures else None
        if isinstance(span, AmountSpan) and not _keep(sentence, span, dates, previous):
            continue
        if isinstance(span, DateSpan) and _conversion(sentence, span, previous):
            continue
        amount = span.amount
        if not amount.unit and _is_age(sentence, span):
            amount = replace(amount, unit="age")
        index = _clause_of(clauses, span.start)
        clause = clauses[index]
        text = _without(sentence, clause, spans)
        counts = [f"event:{e}" for e in sorted(_events(text))]
        noun = _counted_noun(sentence, span.end) if isinstance(span, AmountSpan) else None
        if noun:
            counts.insert(0, f"noun:{noun}")
        if not counts and previous is not None and previous.amount.unit == amount.unit:
            counts = list(previous.counts)  # "seven in Queensland, five in Victoria"
        figures.append(
            Figure(
                text=span.text,
                start=span.start,
                end=span.end,
                amount=amount,
                counts=tuple(counts),
                owners=((NATIONAL,) if _NATIONAL.search(text) else ())
                + _owners(sentence, names, clauses, index, (span.start, span.end)),
                when=_when(sentence, clause, dates, span.start),
                context=tuple(stem(t.lower) for t in tokens(text) if is_content(t.lower)),
                names=all_names,
            )
        )
    return tuple(_weak_names(figures))


def _weak_names(figures: list[Figure]) -> list[Figure]:
    """Each figure's `names`: the sentence's names less those owning another figure of the
    same unit there ("Reynolds shares up 4.5% and Altria shares up 5.11%": Altria is not a
    name of the 4.5%)."""
    out = []
    for figure in figures:
        taken = {
            n
            for other in figures
            if other is not figure and other.amount.unit == figure.amount.unit
            for n in other.owners
            if n not in figure.owners
        }
        out.append(replace(figure, names=tuple(n for n in figure.names if n not in taken)))
    return out
