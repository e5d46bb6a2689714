"""What a pronoun, role or anonymous source that heads a speaker's phrase refers to: "he",
"it", "the chancellor", "a Vodafone spokesman", "the prime minister's office", "MPs" of a
committee's report, "analysts" (no one in particular)."""

from __future__ import annotations

import re

from bot.nlp.quotes_candidates import NOBODY, Who, committee_near
from bot.nlp.quotes_names import Names
from bot.nlp.quotes_words import (
    ANONYMOUS,
    DETERMINERS,
    MEMBERS,
    OFFICES,
    ORG_NOUNS,
    PERSON_ROLES,
    SPOKESPEOPLE,
)


def reference(names: Names, tokens: list[tuple[str, int]], i: int) -> Who | None:
    """A pronoun, role or anonymous source ending at tokens[i] (the phrase's head)."""
    word, at = tokens[i]
    lower = word.lower()
    if lower in {"he", "she", "his", "her"}:
        return names.person(at, lower)
    if lower in {"it", "they", "we"}:
        found = names.organisation(at, plural=lower != "it")
        return found or (None if lower == "it" else NOBODY)
    phrase, det = [], ""
    for w, p in reversed(tokens[max(0, i - 5) : i]):
        if w.lower() in DETERMINERS or not re.match(r"\w", w):
            det = w.lower()
            break
        phrase.append(p)
    owner = next((m for p in phrase if (m := names.at(p)) is not None), None)
    if owner is not None and lower in OFFICES:
        return owner  # "the prime minister's office", "the Investment Ministry's office"
    if det == "the" and (lower in SPOKESPEOPLE or lower in PERSON_ROLES):
        role = " ".join(w.lower() for w, _ in tokens[i - len(phrase) : i + 1])
        holder = names.role_holder(at, role) or names.role_holder(at, lower)
        if holder is not None:
            return holder  # "the Lib Dem spokesman" -> "Lib Dem spokesman Vince Cable"
    if lower in SPOKESPEOPLE:
        return owner or (names.last_spokesperson(at) if det == "the" else None) or NOBODY
    if det in {"its", "their"} and (lower in ANONYMOUS or lower in ORG_NOUNS):
        return names.organisation(at)  # "says its report"
    if lower in MEMBERS and owner is None:  # "MPs said" of a committee's report
        return committee_near(names.committees, at) or NOBODY
    if lower in ANONYMOUS:
        # "House of Commons authorities"; a place says where, not whose ("one Bombay
        # trader"), but for an official ("a US official").
        local = owner is not None and owner.label in {"GPE", "NORP"}
        return (None if local and lower not in OFFICES else owner) or NOBODY
    if lower in PERSON_ROLES and (det == "the" or (owner is not None and not owner.person)):
        # "the chancellor", "the Tory leader will argue": the person the passage is about
        # (the speaker or subject of the nearest sentence naming one, not a person named in
        # passing), else (a story's opening line) the person the next sentence names.
        return names.salient_person(at) or names.next_person(at)
    if lower in ORG_NOUNS and det in {"the", "its", "our"}:
        return names.organisation(at, lower)
    return None
