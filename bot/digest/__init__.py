"""Scheduled digests (Discord-free): when they are due, what they hold, and posting each once."""

from bot.digest.composer import (
    Digest,
    DigestComposer,
    DigestFilter,
    DigestItem,
    DominantEntity,
    parse_filter,
)
from bot.digest.errors import DeliveryGone, ScheduleError, SinceError
from bot.digest.facts import NoFacts, StoredFacts, StoryFacts, default_facts
from bot.digest.schedule import (
    Recurrence,
    latest_slot,
    next_slot,
    parse_clock_time,
    parse_recurrence,
    resolve_zone,
    timezone_choices,
)
from bot.digest.scheduler import Delivery, DigestScheduler, recurrence_of, window_start
from bot.digest.since import parse_since

__all__ = [
    "Delivery",
    "DeliveryGone",
    "Digest",
    "DigestComposer",
    "DigestFilter",
    "DigestItem",
    "DigestScheduler",
    "DominantEntity",
    "NoFacts",
    "Recurrence",
    "ScheduleError",
    "SinceError",
    "StoredFacts",
    "StoryFacts",
    "default_facts",
    "latest_slot",
    "next_slot",
    "parse_clock_time",
    "parse_filter",
    "parse_recurrence",
    "parse_since",
    "recurrence_of",
    "resolve_zone",
    "timezone_choices",
    "window_start",
]
