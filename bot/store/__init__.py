"""The store: the one place that holds SQL. Callers see one typed interface, `Store`
(bot/store/interface/), the records it hands out (bot/store/records/), and `open_store`,
which picks the backend (bot/store/sqlite/ or bot/store/postgres/) from the URL."""

from __future__ import annotations

from bot.store.backend import open_cluster_store, open_store
from bot.store.interface import ClusterStore, Store
from bot.store.records.articles import Outcome, Stored
from bot.store.records.digests import MAX_SCHEDULES_PER_GUILD, Run, Schedule, ScheduleDraft
from bot.store.records.entities import StoredAnalysis, StoredMention, entity_key
from bot.store.records.feed_delivery import (
    ChannelPacing,
    DeliveryOutcome,
    LogEntry,
    LogUpdate,
    NewLogEntry,
)
from bot.store.records.feeds import (
    Feed,
    PendingAnnouncement,
    SeenItem,
    Subscription,
    SubscriptionChanges,
)
from bot.store.records.follows import Follow, PendingNotification
from bot.store.records.insights import CoMentionLinks, DailyCount
from bot.store.records.jobs import Job
from bot.store.records.quotes import StoredQuote
from bot.store.records.stories import STORY_REPORTS_CAP, StoryMember, StoryProbe

__all__ = [
    "MAX_SCHEDULES_PER_GUILD",
    "STORY_REPORTS_CAP",
    "ChannelPacing",
    "ClusterStore",
    "CoMentionLinks",
    "DailyCount",
    "DeliveryOutcome",
    "Feed",
    "Follow",
    "Job",
    "LogEntry",
    "LogUpdate",
    "NewLogEntry",
    "Outcome",
    "PendingAnnouncement",
    "PendingNotification",
    "Run",
    "Schedule",
    "ScheduleDraft",
    "SeenItem",
    "Store",
    "Stored",
    "StoredAnalysis",
    "StoredMention",
    "StoredQuote",
    "StoryMember",
    "StoryProbe",
    "Subscription",
    "SubscriptionChanges",
    "entity_key",
    "open_cluster_store",
    "open_store",
]
