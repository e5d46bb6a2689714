"""Small string helpers shared by the NLP core and the store: name normalisation (the key
entities are stored under), word counting, and control characters taken out of outside text."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_POSSESSIVE = re.compile(r"(?:'s|')$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Control characters that act like spaces become one; the rest (NUL, escape, bell, DEL, C1)
# are dropped. Tab and line feed stay; a carriage return is a line feed.
_CONTROLS: dict[int, str | None] = {
    c: None for c in (*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0xA0))
}
_CONTROLS.update({c: " " for c in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x85)})
_CONTROLS[0x0D] = "\n"
_ANY_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_EDGE_PUNCT = " \t\n\"'“”‘’«»()[]{},.;:!?-–—"


def fold(text: str) -> str:
    """Casefold and strip diacritics so "Erdoğan" and "erdogan" compare equal."""
    if text.isascii():
        return text.lower()  # no diacritics to strip, and ASCII casefolds as it lowers
    return _fold_any(text)


def _fold_any(text: str) -> str:
    """`fold` for text of any script (a word at a time, a long report's comparisons spent a
    third of their time here when every word took this way)."""
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


def strip_controls(text: str) -> str:
    """Text without control characters (tab and line breaks kept, CR LF as LF): what no
    article needs and what stops snippets (NUL), databases (PostgreSQL refuses NUL) or drives
    a terminal (escape sequences). Text without any is returned as it is (the same object)."""
    if not _ANY_CONTROL.search(text):
        return text
    return text.replace("\r\n", "\n").translate(_CONTROLS)


def plural(count: int, noun: str) -> str:
    """ "1 article", "2,345 articles": a count with its noun (every surface words counts so)."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
