"""Small string helpers shared by the NLP core and the store: name normalisation (the key
entities are stored under) and word counting."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_POSSESSIVE = re.compile(r"(?:'s|')$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n\"'“”‘’«»()[]{},.;:!?-–—"


def fold(text: str) -> str:
    """Casefold and strip diacritics so "Erdoğan" and "erdogan" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def strip_possessive(name: str) -> str:
    """Drop a trailing possessive, typographic apostrophes included ("Hamas’s" -> "Hamas")."""
    plain = name.translate(_APOSTROPHES).rstrip()
    stripped = _POSSESSIVE.sub("", plain) if plain.endswith("'s") or plain.endswith("s'") else plain
    # Keep the caller's original characters: only cut the same number of chars off the end.
    return name.rstrip()[: len(stripped)]


def normalise_name(name: str) -> str:
    """Key for comparing entity names: no possessive, no leading "the", folded, single spaces."""
    name = strip_possessive(name.strip(_EDGE_PUNCT)).strip(_EDGE_PUNCT)
    key = _SPACES.sub(" ", fold(name.translate(_APOSTROPHES)))
    if key.startswith("the "):
        key = key[4:]
    return key.replace("-", " ")


def word_count(text: str) -> int:
    """Number of whitespace-separated words, the unit of summary budgets."""
    return len(text.split())
