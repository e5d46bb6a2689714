"""Digest schedules and runs as the store keeps them, and their row decoders (both backends)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NotRequired, TypedDict

from bot.store.records import Row

# What each digest schedule row holds, in order (plus `last_slot` for the scheduler).
SCHEDULE_COLUMNS = (
    "s.id, s.guild_id, s.channel_id, s.target, s.local_time, s.timezone, s.every, s.weekday,"
    " s.cron, s.filter, s.max_items, s.nothing_new, s.paused, s.paused_reason, s.created_by,"
    " s.created_at, s.active_from, s.last_success_at"
)
RUN_COLUMNS = (
    "r.id, r.schedule_id, r.guild_id, r.slot, r.manual, r.late, r.missed, r.status,"
    " r.attempts, r.owner, r.lease_until, r.next_attempt_at, r.claimed_at, r.finished_at,"
    " r.window_start, r.window_end, r.message_ids, r.error"
)
# A guild can hold this many schedules: enough for a newsroom, few enough to list in one reply.
MAX_SCHEDULES_PER_GUILD = 25


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class ScheduleDraft:
    """A digest schedule as an admin asked for it, before it is stored."""

    guild_id: int
    channel_id: int
    local_time: str
    timezone: str
    every: str
    created_by: int
    target: str = "text"
    weekday: int | None = None
    cron: str | None = None
    filter: str = ""
    max_items: int = 5
    nothing_new: str = "skip"


@dataclass(frozen=True)
class Schedule(ScheduleDraft):
    """A stored digest schedule with its bookkeeping times (aware UTC datetimes)."""

    id: int = 0
    paused: bool = False
    paused_reason: str = ""
    created_at: datetime | None = None
    active_from: datetime | None = None
    last_success_at: datetime | None = None
    # The latest scheduled (not manual) slot ever claimed; the scheduler counts on from it.
    last_slot: datetime | None = None


@dataclass(frozen=True)
class Run:
    """One claimed slot of a schedule and what became of it."""

    id: int
    schedule_id: int
    guild_id: int
    slot: datetime
    manual: bool
    late: bool
    missed: int
    status: str  # claimed | posted | skipped | failed
    attempts: int
    owner: str
    lease_until: datetime
    next_attempt_at: datetime
    claimed_at: datetime
    finished_at: datetime | None
    window_start: datetime | None
    window_end: datetime | None
    message_ids: tuple[int, ...]
    error: str


def schedule_values(draft: ScheduleDraft) -> tuple[object, ...]:
    """A draft's values in the order of both backends' INSERT (guild_id ... created_by)."""
    return (
        draft.guild_id,
        draft.channel_id,
        draft.target,
        draft.local_time,
        draft.timezone,
        draft.every,
        draft.weekday,
        draft.cron,
        draft.filter,
        draft.max_items,
        draft.nothing_new,
        draft.created_by,
    )


def schedule_from_row(row: Row) -> Schedule:
    """A schedule from a row of SCHEDULE_COLUMNS (and `last_slot`, when selected)."""
    keys = row.keys()
    return Schedule(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        target=row["target"],
        local_time=row["local_time"],
        timezone=row["timezone"],
        every=row["every"],
        weekday=row["weekday"],
        cron=row["cron"],
        filter=row["filter"],
        max_items=row["max_items"],
        nothing_new=row["nothing_new"],
        paused=bool(row["paused"]),
        paused_reason=row["paused_reason"],
        created_by=row["created_by"],
        created_at=_when(row["created_at"]),
        active_from=_when(row["active_from"]),
        last_success_at=_when(row["last_success_at"]),
        last_slot=_when(row["last_slot"]) if "last_slot" in keys else None,
    )


def run_from_row(row: Row) -> Run:
    """A run from a row of RUN_COLUMNS."""
    return Run(
        id=row["id"],
        schedule_id=row["schedule_id"],
        guild_id=row["guild_id"],
        slot=datetime.fromisoformat(row["slot"]),
        manual=bool(row["manual"]),
        late=bool(row["late"]),
        missed=row["missed"],
        status=row["status"],
        attempts=row["attempts"],
        owner=row["owner"],
        lease_until=datetime.fromisoformat(row["lease_until"]),
        next_attempt_at=datetime.fromisoformat(row["next_attempt_at"]),
        claimed_at=datetime.fromisoformat(row["claimed_at"]),
        finished_at=_when(row["finished_at"]),
        window_start=_when(row["window_start"]),
        window_end=_when(row["window_end"]),
        message_ids=tuple(json.loads(row["message_ids"])),
        error=row["error"],
    )


class RunClaim(TypedDict):
    """What `claim_digest_run` takes besides the schedule and slot (keyword arguments)."""

    owner: str  # the process claiming it
    now: datetime
    lease: timedelta  # how long the claim is the owner's without a heartbeat
    manual: NotRequired[bool]  # asked for by a command, not due by the schedule (False)
    late: NotRequired[bool]  # claimed after its time (False)
    missed: NotRequired[int]  # scheduled slots skipped before this one (0)


class RunOutcome(TypedDict):
    """What `finish_digest_run` takes besides the run and its status (keyword arguments)."""

    owner: str
    now: datetime
    window: tuple[datetime, datetime]  # the articles' [since, until) the digest covered
    message_ids: NotRequired[Sequence[int]]  # what was posted (none)


class RunRetry(TypedDict):
    """What `retry_digest_run` takes besides the run (keyword arguments)."""

    owner: str
    now: datetime
    next_attempt_at: datetime
    error: str  # why this attempt failed, for `/digest list`
