"""A guild's mute list as the store keeps it: each rule (a word, a phrase, a source or an
entity the server does not want to hear about), and the row decoder both backends use."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal, TypedDict, get_args

from bot.store.records import Row

MuteKind = Literal["word", "phrase", "source", "entity"]
MUTE_KINDS: tuple[MuteKind, ...] = get_args(MuteKind)


@dataclass(frozen=True)
class Mute:
    """One rule of a guild's mute list."""

    id: int
    guild_id: int
    kind: MuteKind
    value: str  # as shown: the word or phrase as typed, the source, the entity's name
    rule_key: str  # what makes two rules the same: folded words, a source, label:entity key
    entity_key: str | None  # entity rules: entities.name_key
    entity_label: str | None  # entity rules: entities.label
    created_by: int
    created_at: str


class NewMute(TypedDict):
    """What `add_mute` takes (keyword arguments): the guild, the rule, who added it and when."""

    guild_id: int
    kind: MuteKind
    value: str
    rule_key: str
    entity_key: str | None
    entity_label: str | None
    created_by: int
    now: str  # ISO UTC


def new_mute_values(mute: NewMute) -> tuple[object, ...]:
    """A new rule's values in the order of both backends' INSERT (`now` is created_at)."""
    return (
        mute["guild_id"],
        mute["kind"],
        mute["value"],
        mute["rule_key"],
        mute["entity_key"],
        mute["entity_label"],
        mute["created_by"],
        mute["now"],
    )


MUTE_FIELDS = [f.name for f in dataclasses.fields(Mute)]
MUTE_COLUMNS = ", ".join(MUTE_FIELDS)


def mute_from_row(row: Row) -> Mute:
    """A rule from a row of MUTE_COLUMNS."""
    return Mute(**{name: row[name] for name in MUTE_FIELDS})
