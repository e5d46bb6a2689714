"""Words of a news sentence as story comparisons see them: tokens with offsets, content-word
stems (Porter2 via snowballstemmer, spaCy's stop words) and the proper names written in it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer
from spacy.lang.en.stop_words import STOP_WORDS

from bot.models.text import fold

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*|\d[\d,.:]*\d|\d", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("english")
# Capitalised words that start sentences or stand for a role, never a name on their own.
_NOT_NAMES = frozenset(
    {"mr", "mrs", "ms", "dr", "sir", "lord", "lady", "mp", "president", "minister", "prime"}
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"january", "february", "march", "april", "june", "july", "august", "september"}
    | {"october", "november", "december", "but", "however", "meanwhile", "earlier", "later"}
)
# Name words too common to tell two names apart ("West Bank" vs "Deutsche Bank").
GENERIC_NAME_WORDS = frozenset(
    {"bank", "union", "party", "group", "united", "new", "national", "the", "of", "and", "for"}
    | {"de", "al", "el", "state", "states", "council", "company", "corporation", "association"}
    | {"office", "house", "court", "government", "mr", "mrs", "ms", "dr", "sir", "lord", "lady"}
)


class Token(NamedTuple):
    """A word or number with its offsets and lowercase form. (A named tuple: three long
    reports' comparisons make about 57,000, and frozen dataclasses took a fifth longer.)"""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        """The folded (casefolded, accent-free) form."""
        return fold(self.text).replace("’", "'")


def tokens(text: str) -> list[Token]:
    """Words (with inner apostrophes and hyphens) and numbers, in order."""
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter2 stem of a folded word, possessive dropped: "talks"/"talked" -> "talk"."""
    word = word.removesuffix("'s").removesuffix("'")
    return str(_STEMMER.stemWord(word))


def is_content(word: str) -> bool:
    """A word that carries meaning: not a stop word, not a bare number, two letters or more."""
    return len(word) > 1 and word not in STOP_WORDS and not word[0].isdigit()


def content_stems(text: str) -> list[str]:
    """Stems of the content words of `text`, in order (repeats kept)."""
    return [stem(t.lower) for t in tokens(text) if is_content(t.lower)]


@lru_cache(maxsize=4096)
def proper_names(text: str) -> tuple[tuple[int, int, str], ...]:
    """Runs of capitalised words — (start, end, name) — except a lone sentence-initial word
    ("Police said"), titles, months and weekdays; "Bank of England" keeps its inner "of",
    "Queensland and Victoria" are two names. (Remembered by sentence: a story's figures and
    what is new in it both read each sentence's names.)"""
    return tuple(_names(text))


def _names(text: str) -> Iterator[tuple[int, int, str]]:
    words = tokens(text)
    run: list[Token] = []
    for i, token in enumerate([*words, Token("", len(text), len(text))]):
        word = token.lower
        if token.text[:1].isupper() and word not in _NOT_NAMES and (run or word not in STOP_WORDS):
            run.append(token)
            continue
        following = words[i + 1].text[:1] if i + 1 < len(words) else ""
        if run and word == "of" and following.isupper():
            run.append(token)
            continue
        # A lone capitalised first word is mostly an ordinary word ("Police said"), unless it
        # is possessive ("Unison's 800,000 workers").
        lone_first = len(run) == 1 and run[0] is words[0] and not run[0].lower.endswith("'s")
        if run and not lone_first:
            yield run[0].start, run[-1].end, text[run[0].start : run[-1].end]
        run = []


def name_words(name: str) -> frozenset[str]:
    """The distinctive words of a name, for telling whether two names may be the same."""
    words = {stem(w.lower) for w in tokens(name)}
    return frozenset(w for w in words if w not in GENERIC_NAME_WORDS and len(w) > 1)


def same_name(a: str, b: str) -> bool:
    """Whether two names may name one entity: the distinctive words of one are all in the
    other ("Prescott" and "John Prescott"; not "Western Australia" and "South Australia")."""
    wa, wb = name_words(a), name_words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def names_meet(names_a: Sequence[str], names_b: Sequence[str]) -> bool:
    """Whether any name of one list may be a name of the other."""
    return any(same_name(a, b) for a in names_a for b in names_b)
