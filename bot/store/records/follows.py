"""Follows and their notifications as the store keeps them, and their row decoders (both
backends)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TypedDict

from bot.store.records import Row


@dataclass(frozen=True)
class Follow:
    """A member (`user_id`) or a channel (`channel_id`) following an entity, what it is quoted
    saying, a search, or a pair of entities (told when the pair rises, bot/insights/rising.py;
    its `target_key` holds both entities' label and name key)."""

    id: int
    guild_id: int
    user_id: int | None
    channel_id: int | None
    kind: str  # "entity" | "quotes" (what the entity is quoted saying) | "query" | "pair"
    target: str  # what readers see: the entity's name, the search as typed, "A × B"
    target_key: str
    entity_key: str | None
    entity_label: str | None
    created_by: int
    created_at: str
    after_article_id: int


class NewFollow(TypedDict):
    """What `add_follow` takes (keyword arguments): who follows what, where, and when."""

    guild_id: int
    user_id: int | None  # a member's follow, or
    channel_id: int | None  # a channel's
    kind: str  # "entity" | "quotes" | "query" | "pair" (two entities rising together)
    target: str  # what readers see: the entity's name, the search as typed, "A × B"
    target_key: str
    entity_key: str | None
    entity_label: str | None
    created_by: int
    now: str  # ISO UTC; the follow counts articles stored from now on


def new_follow_values(follow: NewFollow) -> tuple[object, ...]:
    """A new follow's values in the order of both backends' INSERT (`now` is created_at)."""
    return (
        follow["guild_id"],
        follow["user_id"],
        follow["channel_id"],
        follow["kind"],
        follow["target"],
        follow["target_key"],
        follow["entity_key"],
        follow["entity_label"],
        follow["created_by"],
        follow["now"],
    )


@dataclass(frozen=True)
class PendingNotification:
    """An article a follow matched that has not been delivered yet."""

    id: int
    follow: Follow
    article_id: int
    attempts: int


FOLLOW_FIELDS = [f.name for f in dataclasses.fields(Follow)]
FOLLOW_COLUMNS = ", ".join(f"f.{name}" for name in FOLLOW_FIELDS)


# What `pending_notifications` selects (either backend), decoded by `pending_notification_from_row`.
PENDING_NOTIFICATION_COLUMNS = f"n.id AS nid, n.article_id AS aid, n.attempts, {FOLLOW_COLUMNS}"
# The notification counts a follow reports, in this order.
NOTIFICATION_STATUSES = ("pending", "sent", "failed")


def follow_from_row(row: Row) -> Follow:
    """A follow from a row of FOLLOW_COLUMNS."""
    return Follow(**{name: row[name] for name in FOLLOW_FIELDS})


def pending_notification_from_row(row: Row) -> PendingNotification:
    """A notification to deliver from a row of PENDING_NOTIFICATION_COLUMNS."""
    return PendingNotification(row["nid"], follow_from_row(row), row["aid"], row["attempts"])
