"""The store: the one place that holds SQL. Callers see one typed interface, `Store`
(bot/store/interface/), the records it hands out (bot/store/records/), and `open_store`,
which picks the backend (bot/store/sqlite/ or bot/store/postgres/) from the URL."""

from __future__ import annotations

from bot.store.backend import open_cluster_store, open_store
from bot.store.interface import ChangeMarks, ClusterStore, Store
from bot.store.records.articles import Outcome, Stored
from bot.store.records.digests import MAX_SCHEDULES_PER_GUILD, Run, Schedule, ScheduleDraft
from bot.store.records.entities import AnalysedText, StoredAnalysis, StoredMention, entity_key
from bot.store.records.feed_delivery import (
    ChannelPacing,
    DeliveryOutcome,
    LogEntry,
    LogUpdate,
    NewLogEntry,
)
from bot.store.records.feed_options import (
    ChannelWebhook,
    FeedOptionChanges,
    FeedOptions,
    WebhookPost,
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
from bot.store.records.mutes import MUTE_KINDS, Mute, MuteKind
from bot.store.records.outlets import (
    CarriedStory,
    MissedStory,
    NamedByOutlet,
    OutletCount,
    OutletNames,
)
from bot.store.records.quotes import StoredQuote
from bot.store.records.sessions import BotGuild, MemberGuild, SignIn, WebSession
from bot.store.records.stories import STORY_REPORTS_CAP, StoryMember, StoryProbe
from bot.store.records.story_updates import (
    UPDATE_MODES,
    UPDATES_FOLLOWERS,
    UPDATES_OFF,
    UPDATES_THREAD,
    PendingUpdate,
    StoryFollow,
    StoryNotice,
    StoryPost,
    UpdateRecord,
)

__all__ = [
    "MAX_SCHEDULES_PER_GUILD",
    "MUTE_KINDS",
    "STORY_REPORTS_CAP",
    "UPDATES_FOLLOWERS",
    "UPDATES_OFF",
    "UPDATES_THREAD",
    "UPDATE_MODES",
    "AnalysedText",
    "BotGuild",
    "CarriedStory",
    "ChangeMarks",
    "ChannelPacing",
    "ChannelWebhook",
    "ClusterStore",
    "CoMentionLinks",
    "DailyCount",
    "DeliveryOutcome",
    "Feed",
    "FeedOptionChanges",
    "FeedOptions",
    "Follow",
    "Job",
    "LogEntry",
    "LogUpdate",
    "MemberGuild",
    "MissedStory",
    "Mute",
    "MuteKind",
    "NamedByOutlet",
    "NewLogEntry",
    "Outcome",
    "OutletCount",
    "OutletNames",
    "PendingAnnouncement",
    "PendingNotification",
    "PendingUpdate",
    "Run",
    "Schedule",
    "ScheduleDraft",
    "SeenItem",
    "SignIn",
    "Store",
    "Stored",
    "StoredAnalysis",
    "StoredMention",
    "StoredQuote",
    "StoryFollow",
    "StoryMember",
    "StoryNotice",
    "StoryPost",
    "StoryProbe",
    "Subscription",
    "SubscriptionChanges",
    "UpdateRecord",
    "WebSession",
    "WebhookPost",
    "entity_key",
    "open_cluster_store",
    "open_store",
]
