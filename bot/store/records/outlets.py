"""Outlets as the store counts them over a period: how many articles each reported, the
stories one outlet carried (when the story was first reported, when this outlet was), the
stories its peers carried without it, and the entities it and its peers named."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from bot.models.entity import KnownEntity


@dataclass(frozen=True)
class OutletCount:
    """An outlet and how many of its articles were reported in a period."""

    outlet: str
    articles: int


@dataclass(frozen=True)
class CarriedStory:
    """A story an outlet carried: when anyone first reported it and when this outlet first
    did (ISO times, published else ingested), and how many outlets carried it in all."""

    story_id: int
    first_at: str
    outlet_at: str
    outlets: int


@dataclass(frozen=True)
class MissedStory:
    """A story other outlets carried and one outlet did not: how many of them carried it."""

    story_id: int
    outlets: int


@dataclass(frozen=True)
class NamedByOutlet:
    """An entity and how many of one outlet's articles in a period name it (`mine`), and how
    many of its peers' articles do (`others`)."""

    entity: KnownEntity
    mine: int
    others: int


@dataclass(frozen=True)
class OutletNames:
    """The entities one outlet names most in a period, with its peers' counts of the same,
    and the totals both sides' counts are shares of: every (article, named entity) pair of
    the outlet's articles (`mine_total`) and of its peers' (`others_total`)."""

    named: list[NamedByOutlet]
    mine_total: int
    others_total: int


def hour_range(since: datetime, until: datetime) -> tuple[int, int]:
    """A period as report hours counted from 1970, [low, high): the hours it touches."""
    return math.floor(since.timestamp() / 3600), math.ceil(until.timestamp() / 3600)
