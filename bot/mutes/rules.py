"""What an admin types, read into a mute rule: a word, a phrase, a source or an entity, each
with the key that makes two rules the same, and the way a rule reads back."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import NewsdeskError
from bot.models.query import Term
from bot.models.text import fold
from bot.nlp.lookup import resolve_entity
from bot.search.query import clean
from bot.store import Mute, MuteKind, Store, entity_key

MAX_RULE_CHARS = 100
MAX_PHRASE_WORDS = 8


class MuteError(NewsdeskError):
    """A mute rule cannot be added or removed (no words, too long, the list is full...)."""


@dataclass(frozen=True)
class Rule:
    """A rule as read, before it is stored."""

    kind: MuteKind
    value: str
    rule_key: str
    entity_key: str | None = None
    entity_label: str | None = None


def words_of(text: str) -> tuple[str, ...]:
    """The words of a text as the search index reads them (runs of letters and digits)."""
    return tuple("".join(c if c.isalnum() else " " for c in text).split())


def _text(text: str, kind: str) -> str:
    value = " ".join(clean(text).split())
    if not value:
        raise MuteError(f"Give the {kind} to mute.")
    if len(value) > MAX_RULE_CHARS:
        raise MuteError(f"Keep a muted {kind} under {MAX_RULE_CHARS} characters.")
    return value


def word_rule(text: str) -> Rule:
    """A single word, muted wherever it stands in an article (any case, any accents)."""
    value = _text(text, "word")
    found = words_of(value)
    if len(found) != 1:
        raise MuteError(
            f"`word:` takes one word (letters and digits); for “{value}” use `phrase:`."
            if found
            else "A muted word needs letters or digits."
        )
    return Rule("word", value, fold(found[0]))


def phrase_rule(text: str) -> Rule:
    """Words that must stand together, in this order (one word is a word rule)."""
    value = _text(text.replace('"', " "), "phrase")
    found = words_of(value)
    if not found:
        raise MuteError("A muted phrase needs letters or digits.")
    if len(found) > MAX_PHRASE_WORDS:
        raise MuteError(f"A muted phrase has at most {MAX_PHRASE_WORDS} words.")
    kind: MuteKind = "phrase" if len(found) > 1 else "word"
    return Rule(kind, value, " ".join(fold(word) for word in found))


def source_key(source: str) -> str:
    """What two source names must share to be the same outlet: case and spacing folded."""
    return " ".join(source.split()).casefold()


def source_rule(text: str) -> Rule:
    """An outlet, by the name its articles carry (any case)."""
    value = _text(text, "source")
    return Rule("source", value, source_key(value))


async def entity_rule(store: Store, text: str) -> Rule:
    """A known person, organisation or place, by name or autocomplete pick (`#12`); every
    article naming it, whatever name it goes by there."""
    value = _text(text, "entity")
    entity = await resolve_entity(store, value)  # EntityNotFound, AmbiguousEntity
    key = entity_key(entity.name, entity.label)
    return Rule("entity", entity.name, f"{entity.label}:{key}", key, entity.label)


def term_of(mute: Mute) -> Term | None:
    """A word or phrase rule as a search term (the store matches it as it matches searches);
    None for other rules."""
    if mute.kind not in ("word", "phrase"):
        return None
    return Term(tuple(mute.rule_key.split()))


def describe(mute: Mute) -> str:
    """How a rule reads in lists and the delivery log: `#3 word “ferry”`."""
    return f"#{mute.id} {mute.kind} “{mute.value}”"
