"""The search query language, parsed into a `Query` (bot/models/query.py) for the store.

Users type: words (all must match), "exact phrases", -excluded words or -"phrases",
`a OR b` (either), prefix* (words starting with it), field-scoped terms `title:WORD`,
`author:"Jane Doe"`, `category:sport` (each may be excluded, quoted, a prefix, or an
alternative), and filters `source:NAME`, `after:YYYY-MM-DD` (inclusive),
`before:YYYY-MM-DD` (exclusive), `entity:NAME`. Only words (runs of letters and digits)
become terms, so no input can reach a backend's query syntax; each backend compiles the Query
to its own dialect. At most MAX_TERMS words are used, counted in reading order over every
alternative, phrase word, exclusion, prefix and field-scoped term.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from bot.errors import QueryError
from bot.models.query import FIELDS, Field, Query, SearchFilters, Term

MAX_QUERY_CHARS = 1000
MAX_TERMS = 16

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))')
_FILTERS = {"source", "after", "before", "entity"}
_FIELDS: dict[str, Field] = {name: name for name in FIELDS}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")

_EXAMPLES: dict[Field, str] = {"title": "storm", "author": "Jane Doe", "category": "Sport"}

# Characters that change how text looks without being words: zero-width and bidi controls.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


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


def parse_query(text: str, options: SearchFilters | None = None) -> Query:
    """Parse user text into a Query; a command's own filter `options` replace the source and
    dates typed in the text and add to its entities. Raise QueryError with a friendly message
    when it cannot search."""
    notes: list[str] = []
    cleaned = clean(text)
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = cleaned[:MAX_QUERY_CHARS]
        notes.append(f"only the first {MAX_QUERY_CHARS} characters were used")
    reader = _Reader()
    for match in _TOKEN.finditer(cleaned):
        reader.read(*match.groups())
    if reader.typed_words > MAX_TERMS:
        notes.append(f"only the first {MAX_TERMS} of {reader.typed_words} words were used")
    typed = reader.filters()
    filters = typed if options is None else typed.overridden_by(options)
    if not reader.groups:
        if reader.excluded:
            raise QueryError("Add at least one word to look for; `-word` only excludes.")
        if typed != SearchFilters():
            raise QueryError("Add a word to search for alongside the filters.")
        raise QueryError("Type some words to search for, e.g. `ceasefire Qatar`.")
    if filters.after and filters.before and filters.after >= filters.before:
        raise QueryError("`after:` must be earlier than `before:`.")
    return Query(
        groups=tuple(tuple(group) for group in reader.groups),
        excluded=tuple(reader.excluded),
        filters=filters,
        text=text,
        notes=tuple(notes),
    )


class _Reader:
    """The terms and filters of one query, read token by token."""

    def __init__(self) -> None:
        self.groups: list[list[Term]] = []
        self.excluded: list[Term] = []
        self.sources: list[str] = []
        self.entities: list[str] = []
        self.after: str | None = None
        self.before: str | None = None
        self.pending_or = False
        # Every word counts towards MAX_TERMS, in reading order: each OR alternative, each
        # word of a phrase, each exclusion and prefix. What comes after the limit is left out.
        self.typed_words = 0

    def read(self, minus: str, key: str | None, quoted: str | None, bare: str | None) -> None:
        """Take one token: a filter, `OR`, or a (maybe excluded, maybe prefix) word or phrase."""
        is_phrase = quoted is not None
        raw = (quoted if is_phrase else bare) or ""
        if not key and raw.endswith(":") and raw[:-1].lower() in _FIELDS:
            bare_field = _FIELDS[raw[:-1].lower()]
            raise QueryError(
                f'`{bare_field}:` needs a word, e.g. {bare_field}:"{_EXAMPLES[bare_field]}"'
            )
        if key and key.lower() in _FILTERS and not minus:
            self._filter(key.lower(), raw.strip())
            return
        field = _FIELDS.get(key.lower()) if key else None
        if key and field is None and not _words(raw):
            # "word:*" or "word:!" is the word itself, with what follows (a prefix's star).
            raw, is_phrase = key + raw, False
        elif key and field is None:
            # "word:thing" that is neither a filter nor a field is two words, searched as
            # "word thing" would be (each on its own, not as a phrase); a following "OR" there
            # is a word too.
            self._add(minus, key, is_phrase=False)
        elif not is_phrase and raw == "OR" and not minus and field is None:
            self.pending_or = bool(self.groups)
            return
        self._add(minus, raw, is_phrase=is_phrase, field=field)

    def _add(self, minus: str, raw: str, *, is_phrase: bool, field: Field | None = None) -> None:
        """Add a word or phrase (of `field`, if any) as a term, unless the word limit is
        reached."""
        words = _words(raw)
        if not words:
            if field is not None:
                raise QueryError(f'`{field}:` needs a word, e.g. {field}:"{_EXAMPLES[field]}"')
            return
        prefix = not is_phrase and raw.endswith("*")
        room = MAX_TERMS - min(self.typed_words, MAX_TERMS)
        self.typed_words += len(words)
        pending_or, self.pending_or = self.pending_or, False
        if not room:
            return
        if len(words) > room:
            words, prefix = words[:room], False  # its last words (and the prefix) are cut
        term = Term(words, prefix=prefix, field=field)
        if minus:
            self.excluded.append(term)
        elif pending_or and self.groups:
            if self.groups[-1][0].is_label != term.is_label:
                raise QueryError(
                    "`OR` joins words with words, and `author:` or `category:` terms with each"
                    " other; search for the two sides separately."
                )
            self.groups[-1].append(term)
        else:
            self.groups.append([term])

    def _filter(self, kind: str, value: str) -> None:
        if not value:
            raise QueryError(f"`{kind}:` needs a value, e.g. {kind}:Reuters")
        if kind == "source":
            self.sources.append(value)
        elif kind == "entity":
            self.entities.append(value)
        elif kind == "after":
            self.after = parse_date(value, "after").isoformat()
        else:
            self.before = parse_date(value, "before").isoformat()

    def filters(self) -> SearchFilters:
        """The filters typed in the text."""
        return SearchFilters(
            sources=tuple(self.sources),
            after=self.after,
            before=self.before,
            entities=tuple(self.entities),
        )


def prefix_query(text: str) -> Query | None:
    """Type-ahead: every word typed must match, the last one as a prefix; None for no words."""
    words = _words(clean(text)[:200])[:8]
    if not words:
        return None
    terms = [Term((word,)) for word in words[:-1]] + [Term((words[-1],), prefix=True)]
    return Query(groups=tuple((term,) for term in terms), text=text)


def any_word_query(words: Sequence[str], label: str = "") -> Query:
    """A query for articles holding any of these words (a message's key terms)."""
    terms = [Term(found) for word in words if (found := _words(clean(word)))]
    if not terms:
        raise QueryError("Type some words to search for, e.g. `ceasefire Qatar`.")
    return Query(groups=(tuple(terms[:MAX_TERMS]),), text=label or " OR ".join(words))


def entity_as_phrase(query: Query | None, name: str) -> Query:
    """Without an entity index, the closest plain search for an entity filter: its name as an
    exact phrase, in place of the filter (added to `query`, if any)."""
    words = _words(clean(name))[:MAX_TERMS]
    if not words:
        raise QueryError(f"`entity:{name[:40]}` has no words to search for.")
    phrase = (Term(words),)
    if query is None:
        return Query(groups=(phrase,), text=name)
    others = tuple(other for other in query.filters.entities if other != name)
    filters = dataclasses.replace(query.filters, entities=others)
    return dataclasses.replace(query, groups=(*query.groups, phrase), filters=filters)
