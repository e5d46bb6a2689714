"""Entity insights as the store hands them out: daily mention counts, co-mention links, and
pairs of entities named together (for rising names)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models.entity import CoMention, KnownEntity
from bot.store.records import Row


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


@dataclass(frozen=True)
class PairCount:
    """Two named entities (the lower id first) and in how many articles both are named."""

    first: KnownEntity
    second: KnownEntity
    articles: int


@dataclass(frozen=True)
class PairCounts:
    """The pairs named together most in a period's articles: those shown (`pairs`), how many
    pairs reached the floor asked for (`tested`), and how many of the articles read name any
    person, organisation or place (`articles`)."""

    pairs: list[PairCount]
    tested: int
    articles: int


@dataclass(frozen=True)
class PairMentions:
    """In how many articles of a period a pair is named together, and the newest of them."""

    articles: int
    latest_article_id: int | None


def _side(prefix: str, row: Row) -> KnownEntity:
    return KnownEntity(
        id=row[f"{prefix}_id"],
        name=row[f"{prefix}_name"],
        label=row[f"{prefix}_label"],
        mention_count=row[f"{prefix}_mentions"],
        article_count=row[f"{prefix}_articles"],
    )


# Both entities of a pair (joined as e1 and e2) and its count `n`, decoded by `pair_from_row`.
PAIR_COLUMNS = ", ".join(
    f"{alias}.{column} AS {side}_{name}"
    for alias, side in (("e1", "a"), ("e2", "b"))
    for column, name in (
        ("id", "id"),
        ("name", "name"),
        ("label", "label"),
        ("mention_count", "mentions"),
        ("article_count", "articles"),
    )
)


def pair_from_row(row: Row) -> PairCount:
    """A pair from a row of PAIR_COLUMNS and `n`."""
    return PairCount(_side("a", row), _side("b", row), row["n"])
