"""What an entity was quoted as saying: its latest quotations, newest first, the same words
carried by several outlets listed once with the others that carried them. `/quotes`, the
`quotes` command and the web's entity page all read them here.

    said = await entity_quotes(store, entity, days=30)     # a KnownEntity (or quotes_named)
    for group in said.groups:  group.quote.quote, group.also_in

Bounded: at most MAX_READ quotations are read (the newest), over at most MAX_DAYS days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, SystemClock, utc_iso
from bot.models.entity import KnownEntity
from bot.nlp.lookup import resolve_entity
from bot.store import Store, StoredQuote

# The newest quotations read for one answer, and the longest period asked about.
MAX_READ = 200
MAX_DAYS = 365
# Two different wordings are one quotation when most of the shorter one's words (this share,
# and at least NEAR_MIN_WORDS of them) are the longer one's: outlets trim quotes differently.
NEAR_SHARE = 0.9
NEAR_MIN_WORDS = 5


@dataclass(frozen=True)
class QuoteGroup:
    """One quotation as listed: the newest report carrying it (`quote`) and the older reports
    that carried the same words (`others`)."""

    quote: StoredQuote
    others: tuple[StoredQuote, ...] = ()

    @property
    def also_in(self) -> tuple[str, ...]:
        """The other outlets that carried it, first seen first: each source once, never the
        shown report's own; a report without a source counts as its own outlet."""
        shown = _outlet(self.quote)
        found: dict[str, None] = {}
        for other in sorted(self.others, key=lambda q: (q.when, q.article_id)):
            outlet = _outlet(other)
            if outlet != shown:
                found.setdefault(outlet, None)
        return tuple(found)

    def as_json(self) -> dict[str, object]:
        """The group as plain data (the web page's JSON twin, the CLI's --json)."""
        return {**_quote_json(self.quote), "also_in": list(self.also_in)}


@dataclass(frozen=True)
class EntityQuotes:
    """An entity's quotations over a period, grouped; `capped` when more were said than the
    MAX_READ newest that were read."""

    entity: KnownEntity
    groups: list[QuoteGroup]
    days: int | None
    capped: bool = False

    def as_json(self) -> dict[str, object]:
        """The answer as plain data."""
        return {
            "entity": {"id": self.entity.id, "name": self.entity.name, "type": self.entity.kind},
            "days": self.days,
            "capped": self.capped,
            "quotes": [group.as_json() for group in self.groups],
        }


def _outlet(quote: StoredQuote) -> str:
    return quote.source or f"#{quote.article_id}"


def _quote_json(quote: StoredQuote) -> dict[str, object]:
    return {
        "quote": quote.quote,
        "speaker": quote.speaker,
        "article": quote.article_id,
        "title": quote.title,
        "url": quote.url,
        "source": quote.source,
        "when": quote.when,
    }


def group_quotes(quotes: Sequence[StoredQuote]) -> list[QuoteGroup]:
    """Quotations (newest first) grouped: the same folded words, or a near-duplicate wording
    (see NEAR_SHARE), are one group, placed where its newest report is."""
    heads: list[StoredQuote] = []
    members: list[list[StoredQuote]] = []
    words: list[frozenset[str]] = []
    by_key: dict[str, int] = {}
    for quote in quotes:
        index = by_key.get(quote.key)
        mine = frozenset(quote.key.split())
        if index is None:
            index = _near(mine, words)
        if index is None:
            index = len(heads)
            heads.append(quote)
            members.append([])
            words.append(mine)
        else:
            members[index].append(quote)
        by_key.setdefault(quote.key, index)
    return [QuoteGroup(head, tuple(more)) for head, more in zip(heads, members, strict=True)]


def _near(mine: frozenset[str], groups: list[frozenset[str]]) -> int | None:
    """The first group whose words and these overlap as one quotation's do, if any."""
    if len(mine) < NEAR_MIN_WORDS:
        return None
    for index, theirs in enumerate(groups):
        shorter = min(len(mine), len(theirs))
        if shorter >= NEAR_MIN_WORDS and len(mine & theirs) >= NEAR_SHARE * shorter:
            return index
    return None


async def entity_quotes(
    store: Store,
    entity: KnownEntity,
    *,
    days: int | None = None,
    clock: Clock | None = None,
) -> EntityQuotes:
    """What `entity` was quoted as saying, newest first, grouped across outlets: over the
    last `days` days (at most MAX_DAYS) or all time, from its MAX_READ newest quotations."""
    since = None
    if days is not None:
        days = max(1, min(days, MAX_DAYS))
        since = utc_iso((clock or SystemClock()).now() - timedelta(days=days))
    found = await store.entity_quotes(entity.id, since=since, limit=MAX_READ + 1)
    return EntityQuotes(entity, group_quotes(found[:MAX_READ]), days, capped=len(found) > MAX_READ)


async def quotes_named(
    store: Store, name: str, *, days: int | None = None, clock: Clock | None = None
) -> EntityQuotes:
    """`entity_quotes` of the entity `name` means (EntityNotFound, AmbiguousEntity: see
    `bot.nlp.lookup.resolve_entity`)."""
    return await entity_quotes(store, await resolve_entity(store, name), days=days, clock=clock)
