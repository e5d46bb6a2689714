"""The search query language, parsed into a safe FTS5 expression plus filters.

Users type: words (all must match), "exact phrases", -excluded words or -"phrases",
`a OR b` (either), prefix* (words starting with it), and filters `source:NAME`,
`after:YYYY-MM-DD` (inclusive), `before:YYYY-MM-DD` (exclusive), `entity:NAME`.
Every word is re-quoted as an FTS5 string, so no input can reach FTS5 syntax. At most
MAX_TERMS words are used, counted in reading order over every alternative, phrase word,
exclusion and prefix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from bot.errors import QueryError

MAX_QUERY_CHARS = 1000
MAX_TERMS = 16

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))')
_FILTERS = {"source", "after", "before", "entity"}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")

# Characters that change how text looks without being words: zero-width and bidi controls.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


@dataclass(frozen=True)
class Term:
    """One searchable unit: a word or phrase (its words), maybe a prefix, maybe excluded."""

    words: tuple[str, ...]
    prefix: bool = False
    excluded: bool = False

    def fts(self) -> str:
        """Render as an FTS5 string literal: words double-quoted, never raw syntax."""
        phrase = '"' + " ".join(self.words).replace('"', '""') + '"'
        return phrase + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    """A parsed query: groups of alternatives (ANDed), exclusions and filters."""

    text: str
    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()
    sources: tuple[str, ...] = ()
    after: str | None = None
    before: str | None = None
    entities: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def match_expression(self) -> str:
        """The FTS5 MATCH expression (to be bound as a parameter, never interpolated)."""
        positive = " AND ".join("(" + " OR ".join(t.fts() for t in g) + ")" for g in self.groups)
        negative = "".join(f" NOT {t.fts()}" for t in self.excluded)
        return f"({positive}){negative}" if negative else positive

    def highlight_words(self) -> list[str]:
        """The words a reader would expect to see marked in results."""
        return [w for g in self.groups for t in g for w in t.words]


def clean(text: str) -> str:
    """Drop control, zero-width and bidi-override characters; normalise to NFKC."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def parse_date(value: str, name: str) -> date:
    """Read YYYY, YYYY-MM or YYYY-MM-DD as the first day it names; raise QueryError otherwise."""
    match = _DATE.match(value.strip())
    try:
        if not match:
            raise ValueError
        return date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        raise QueryError(f"`{name}:` needs a date like 2024-05-31, not {value[:40]!r}") from None


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text))


def parse_query(text: str) -> Query:
    """Parse user text into a Query; raise QueryError with a friendly message if it can't search."""
    notes: list[str] = []
    original = text
    text = clean(text)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"only the first {MAX_QUERY_CHARS} characters were used")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    sources: list[str] = []
    entities: list[str] = []
    after = before = None
    pending_or = False
    # Every word counts towards MAX_TERMS, in reading order: each OR alternative, each word
    # of a phrase, each exclusion and prefix. What comes after the limit is left out.
    typed_words = 0
    for match in _TOKEN.finditer(text):
        minus, key, quoted, bare = match.groups()
        is_phrase = quoted is not None
        raw = quoted if is_phrase else bare
        if key and key.lower() in _FILTERS and not minus:
            value = (raw or "").strip()
            if not value:
                raise QueryError(f"`{key.lower()}:` needs a value, e.g. {key.lower()}:Reuters")
            kind = key.lower()
            if kind == "source":
                sources.append(value)
            elif kind == "entity":
                entities.append(value)
            elif kind == "after":
                after = parse_date(value, "after").isoformat()
            else:
                before = parse_date(value, "before").isoformat()
            continue
        if key:
            # "word:thing" that is not a filter is just two words.
            raw = f"{key} {raw or ''}"
        if not is_phrase and raw == "OR" and not minus:
            pending_or = bool(groups)
            continue
        words = _words(raw or "")
        if not words:
            continue
        prefix = not is_phrase and (raw or "").endswith("*")
        room = MAX_TERMS - min(typed_words, MAX_TERMS)
        typed_words += len(words)
        if not room:
            pending_or = False
            continue
        if len(words) > room:
            words, prefix = words[:room], False  # its last words (and the prefix) are cut
        term = Term(words, prefix=prefix, excluded=bool(minus))
        if term.excluded:
            excluded.append(term)
        elif pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    if typed_words > MAX_TERMS:
        notes.append(f"only the first {MAX_TERMS} of {typed_words} words were used")
    if not groups:
        if excluded:
            raise QueryError("Add at least one word to look for; `-word` only excludes.")
        if sources or after or before or entities:
            raise QueryError("Add a word to search for alongside the filters.")
        raise QueryError("Type some words to search for, e.g. `ceasefire Qatar`.")
    if after and before and after >= before:
        raise QueryError("`after:` must be earlier than `before:`.")
    return Query(
        text=original,
        groups=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        sources=tuple(sources),
        after=after,
        before=before,
        entities=tuple(entities),
        notes=tuple(notes),
    )


def prefix_expression(text: str) -> str | None:
    """An FTS5 expression for type-ahead: every word must match, the last one as a prefix."""
    words = _words(clean(text)[:200])[:8]
    if not words:
        return None
    terms = [Term((w,)) for w in words[:-1]] + [Term((words[-1],), prefix=True)]
    return " AND ".join(t.fts() for t in terms)
