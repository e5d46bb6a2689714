"""A server's mute list: words, phrases, sources and entities its feeds, digests and follows
leave out. `rules` reads what an admin types into a rule, `manage` keeps the list (capped,
guild-scoped), `check` says which articles a server's rules hide and by which rule.

No rule is a pattern: a word or phrase is matched by the store's own full-text search (the
words of the rule, quoted), a source by its folded name, an entity through the stored
mentions, so nothing an admin types can make matching slow."""

from __future__ import annotations

from bot.mutes.check import muted_articles, muted_source
from bot.mutes.manage import MAX_MUTES_PER_GUILD, add_mute, remove_mute
from bot.mutes.rules import MuteError, describe

__all__ = [
    "MAX_MUTES_PER_GUILD",
    "MuteError",
    "add_mute",
    "describe",
    "muted_articles",
    "muted_source",
    "remove_mute",
]
