"""Entity insights as the store hands them out: daily mention counts and co-mention links."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models.entity import CoMention


@dataclass(frozen=True)
class DailyCount:
    """How often one entity was mentioned on one UTC day, and in how many articles."""

    entity_id: int
    day: str  # YYYY-MM-DD
    mentions: int
    articles: int


@dataclass(frozen=True)
class CoMentionLinks:
    """An entity's most frequent companions and how often those companions share articles.

    `hub_articles` is how many of the entity's articles were looked at; `links` holds
    (entity id, entity id, shared articles) for pairs of companions, lower id first.
    """

    hub_articles: int
    neighbours: list[CoMention]
    links: list[tuple[int, int, int]]
