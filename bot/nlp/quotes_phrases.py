"""The phrases quote attribution looks for around a quotation: verbs of saying and
thinking, "quoted X as saying", passives, the end of a noun phrase, `"…" was X's verdict`,
and tests on the words between a quote and its verb."""

from __future__ import annotations

import re

from bot.nlp.quotes_candidates import VERBS
from bot.nlp.quotes_names import TOKEN
from bot.nlp.quotes_words import (
    ANONYMOUS,
    CONJUNCTIONS,
    DOCUMENTS,
    OFFICES,
    SKIPPABLE,
    SPOKESPEOPLE,
    THOUGHT_VERBS,
)

# Not after a hyphen: "so-called" is no verb of saying.
VERB = re.compile(r"\baccording\s+to\b|(?<!-)\b(?:" + VERBS + r")\b", re.IGNORECASE)
THOUGHT = re.compile(r"\b(?:" + "|".join(sorted(THOUGHT_VERBS)) + r")\b", re.IGNORECASE)
QUOTED_AS = re.compile(r"\bquoted\s+(?P<who>[^\x00.;:]{1,80}?)\s+as\s+saying\b", re.IGNORECASE)
PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
PROGRESSIVE = re.compile(r"\b(?:is|are|was|were|be|been|as)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
# The noun phrase after an inverted verb ends here ("said Mr. Jones, the chairman, …").
NP_END = re.compile(
    r"[,;:()\x00]|(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMrs)(?<!\bGov)"
    r"(?<!\bSen)(?<!\bRep)(?<!\bGen)\.(?!\w)|\b(?:who|which|after|when|adding|but|in|on|at)\b"
)
# `"…" was Mr Marr's assessment`.
VERDICT = re.compile(
    r"[\s,]*(?:was|is)\s+(?:the\s+)?(?P<who>[A-Z][\w.'’ -]{1,60}?)['’]s?\s+"
    r"(?:verdict|assessment|view|reaction|response|reply|comment|words|answer)\b"
)
PERCENT = re.compile(r"\s*(?:%|per\s*cent\b|percent\b)")
AGENT = re.compile(r"[\s,]*by\s+(?=(?:the\s+)?[A-Z])")
ENDS_SENTENCE = re.compile(r"[,.!?…]['’)\]]*$")
FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|my|me)\b")


def unnamed_source(tokens: list[tuple[str, int]], i: int) -> bool:
    """True when tokens[i] ends a phrase after an unnamed source ("a source at the club",
    "one trader in London"): the place or body says where the source is, not who."""
    for j in range(i - 1, max(0, i - 5), -1):
        word = tokens[j][0].lower()
        if word in {"at", "in", "within", "inside", "close"}:
            head = tokens[j - 1][0].lower()
            return head in ANONYMOUS and head not in OFFICES | DOCUMENTS
        if word in {"for", "of"}:  # "a spokesman for the supporters' club": no name
            return tokens[j - 1][0].lower() in SPOKESPEOPLE
        if not re.match(r"\w", word):
            return False
    return False


def only_joins(text: str) -> bool:
    """True when text between a quote and a verb only joins clauses (", but", "and")."""
    words = [w.lower() for w in TOKEN.findall(text) if re.match(r"\w", w)]
    return all(w in CONJUNCTIONS or w in SKIPPABLE for w in words)
