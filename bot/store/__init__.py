"""The store: the one place that holds SQL, and the records it hands out."""

from __future__ import annotations

from bot.store.records.articles import Outcome, Stored
from bot.store.records.digests import MAX_SCHEDULES_PER_GUILD, Run, Schedule, ScheduleDraft
from bot.store.records.entities import StoredAnalysis, StoredMention, entity_key
from bot.store.records.feeds import Feed, PendingAnnouncement, SeenItem, StoryMember, Subscription
from bot.store.records.follows import Follow, PendingNotification
from bot.store.records.insights import CoMentionLinks, DailyCount
from bot.store.records.search import SearchFilters
from bot.store.sqlite import SqliteStore as Store

__all__ = [
    "MAX_SCHEDULES_PER_GUILD",
    "CoMentionLinks",
    "DailyCount",
    "Feed",
    "Follow",
    "Outcome",
    "PendingAnnouncement",
    "PendingNotification",
    "Run",
    "Schedule",
    "ScheduleDraft",
    "SearchFilters",
    "SeenItem",
    "Store",
    "Stored",
    "StoredAnalysis",
    "StoredMention",
    "StoryMember",
    "Subscription",
    "entity_key",
]
