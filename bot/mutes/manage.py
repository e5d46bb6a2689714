"""Keeping a server's mute list: add a rule (at most MAX_MUTES_PER_GUILD), remove one by its
number, always within the server that asks (another server's numbers are unknown here)."""

from __future__ import annotations

from bot.clock import Clock, SystemClock, utc_iso
from bot.mutes.rules import MuteError, Rule, entity_rule, phrase_rule, source_rule, word_rule
from bot.store import Mute, MuteKind, Store

MAX_MUTES_PER_GUILD = 100
# A rule's number as typed or picked: "3", "#3".
MAX_ID_DIGITS = 18


async def read_rule(store: Store, kind: MuteKind, text: str) -> Rule:
    """The rule `text` means as a `kind` rule; MuteError (or the entity lookup's own errors)
    when it can't be one."""
    if kind == "word":
        return word_rule(text)
    if kind == "phrase":
        return phrase_rule(text)
    if kind == "source":
        return source_rule(text)
    return await entity_rule(store, text)


async def add_mute(
    store: Store,
    guild_id: int,
    kind: MuteKind,
    text: str,
    *,
    created_by: int,
    clock: Clock | None = None,
) -> tuple[Mute, bool]:
    """Add a rule to the guild's mute list; return it and whether it is new. MuteError when
    the list is full or the text is no rule."""
    rule = await read_rule(store, kind, text)
    now = utc_iso((clock or SystemClock()).now())
    async with store.transaction():
        mute, created = await store.add_mute(
            guild_id=guild_id,
            kind=rule.kind,
            value=rule.value,
            rule_key=rule.rule_key,
            entity_key=rule.entity_key,
            entity_label=rule.entity_label,
            created_by=created_by,
            now=now,
        )
        # Counted after the insert, in the same transaction: two racing adds can't both slip
        # under the cap. Raising rolls the insert back.
        if created and await store.count_mutes(guild_id) > MAX_MUTES_PER_GUILD:
            raise MuteError(
                f"This server mutes {MAX_MUTES_PER_GUILD} things already, the most allowed."
                " `/mute remove` one first."
            )
    return mute, created


def rule_number(typed: str) -> int:
    """A rule's number from "3" or "#3" (what autocomplete offers); MuteError otherwise."""
    number = typed.strip().lstrip("#")
    if not number.isdigit() or len(number) > MAX_ID_DIGITS:
        raise MuteError("Pick a rule from the list, or give its number from `/mute list`.")
    return int(number)


async def remove_mute(store: Store, guild_id: int, typed: str) -> Mute:
    """Remove one rule of this guild's mute list, named by its number; another guild's
    number, or one that does not exist, is reported as unknown."""
    number = rule_number(typed)
    mute = await store.guild_mute(guild_id, number)
    if mute is None:
        raise MuteError(f"This server has no mute rule #{number}; `/mute list` shows them.")
    async with store.transaction():
        await store.remove_mute(guild_id, number)
    return mute
