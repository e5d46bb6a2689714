"""What the entity insights chart, as plain data: a trend of daily mentions and a
co-mention network (pickled to the chart renderer's process, so kept free of the model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.models.entity import CoMention, KnownEntity


@dataclass(frozen=True)
class TrendSeries:
    """One entity's mentions and articles per day, one number per day of the trend."""

    entity: KnownEntity
    mentions: tuple[int, ...]
    articles: tuple[int, ...]

    @property
    def total(self) -> int:
        """Mentions over the whole period."""
        return sum(self.mentions)

    @property
    def peak(self) -> int:
        """The index of the day with the most mentions (the earliest on ties)."""
        return max(range(len(self.mentions)), key=lambda i: (self.mentions[i], -i))


@dataclass(frozen=True)
class Trend:
    """Daily mentions of some entities over consecutive UTC days, oldest day first."""

    days: tuple[date, ...]
    series: tuple[TrendSeries, ...]


@dataclass(frozen=True)
class EntityNetwork:
    """An entity, its most frequent companions and how often the companions meet each other.

    `hub_articles` is how many of the entity's articles were counted (its latest thousand,
    within `days` if given); `links` are (entity id, entity id, shared articles).
    """

    center: KnownEntity
    neighbours: tuple[CoMention, ...]
    links: tuple[tuple[int, int, int], ...]
    hub_articles: int
    days: int | None = None
