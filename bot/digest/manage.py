"""What server admins ask for, checked: who may manage digests, `/digest schedule` options
into a ScheduleDraft, the recurrence choices offered while typing, and when a stored schedule
posts next."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.digest.composer import parse_filter
from bot.digest.errors import NotDigestEditor, ScheduleError
from bot.digest.schedule import DAY_NAMES, next_slot, parse_recurrence, resolve_zone
from bot.digest.scheduler import recurrence_of
from bot.search.cost import check_search
from bot.store import MAX_SCHEDULES_PER_GUILD, Schedule, ScheduleDraft, Store

# The guild setting naming the role that may manage digests besides Manage Server.
ROLE_KEY = "digest_role"

NOTHING_NEW = ("skip", "note")
EVERY_CHOICES = (
    "daily",
    "weekdays",
    *(f"weekly {day}" for day in DAY_NAMES),
    "cron 0 8 * * 1-5",
    "cron 0 7,19 * * *",
)


async def check_digest_editor(
    store: Store, guild_id: int, *, manages_guild: bool, role_ids: Iterable[int]
) -> None:
    """Let a member with Manage Server, or with the guild's digest role (`/digest role`),
    manage digests; raise NotDigestEditor for anyone else."""
    if manages_guild:
        return
    role_id = await store.guild_setting(guild_id, ROLE_KEY)
    if role_id and any(str(role) == role_id for role in role_ids):
        return
    raise NotDigestEditor("Managing digests needs the Manage Server permission or the digest role.")


async def check_filter_cost(store: Store, text: str) -> None:
    """Refuse (TooBroad, one line) a filter whose search would cost more than a search may:
    it runs on every digest."""
    query = parse_filter(text).query
    if query is not None:
        await check_search(store, query)


async def set_digest_role(store: Store, guild_id: int, role_id: int | None) -> None:
    """Let members with `role_id` manage the guild's digests (None: Manage Server only)."""
    async with store.transaction():
        await store.set_guild_setting(guild_id, ROLE_KEY, str(role_id) if role_id else None)


def draft_schedule(
    *,
    guild_id: int,
    channel_id: int,
    target: str,
    time: str,
    timezone: str,
    every: str = "daily",
    filter: str = "",
    max_items: int = 5,
    nothing_new: str = "skip",
    created_by: int,
    now: datetime,
    existing: int = 0,
) -> ScheduleDraft:
    """Validate every option (friendly ScheduleError otherwise); `weekly` without a day means
    today's weekday in the schedule's zone; `existing` is how many the guild already has."""
    if existing >= MAX_SCHEDULES_PER_GUILD:
        raise ScheduleError(f"A server can have {MAX_SCHEDULES_PER_GUILD} digests at most.")
    if nothing_new not in NOTHING_NEW:
        raise ScheduleError("`nothing_new` is `skip` or `note`.")
    if not 1 <= max_items <= 20:
        raise ScheduleError("`max_items` is between 1 and 20.")
    zone = resolve_zone(timezone)
    rule = parse_recurrence(every, time, weekday=now.astimezone(zone).weekday())
    return ScheduleDraft(
        guild_id=guild_id,
        channel_id=channel_id,
        target=target,
        local_time=rule.at.strftime("%H:%M"),
        timezone=zone.key,
        every=rule.every,
        weekday=rule.weekday,
        cron=rule.cron,
        filter=parse_filter(filter).text,
        max_items=max_items,
        nothing_new=nothing_new,
        created_by=created_by,
    )


def next_post(schedule: Schedule, now: datetime) -> datetime:
    """The schedule's next slot after `now` (as an aware UTC datetime)."""
    return next_slot(recurrence_of(schedule), ZoneInfo(schedule.timezone), now)


def next_posts(schedule: Schedule | ScheduleDraft, now: datetime, count: int = 5) -> list[datetime]:
    """The schedule's next `count` slots after `now`, in its own timezone (at most 20)."""
    rule, zone = recurrence_of(schedule), ZoneInfo(schedule.timezone)
    slots: list[datetime] = []
    after = now
    for _ in range(min(count, 20)):
        after = next_slot(rule, zone, after)
        slots.append(after.astimezone(zone))
    return slots


async def add_schedule(store: Store, now: datetime, **options: Any) -> Schedule:
    """Check `options` as `draft_schedule` does (with how many the guild has) and what its
    filter would cost on every digest (TooBroad), and store it."""
    existing = len(await store.digest_schedules(options["guild_id"]))
    draft = draft_schedule(now=now, existing=existing, **options)
    await check_filter_cost(store, draft.filter)
    return await store.add_digest_schedule(draft, now)


async def pause_schedule(
    store: Store, guild_id: int, schedule_id: int, by: str, now: datetime
) -> Schedule:
    """Pause one of the guild's digests ("paused by NAME"); ScheduleError if there is none."""
    paused = await store.pause_digest_schedule(guild_id, schedule_id, f"paused by {by}", now)
    if paused is None:
        raise ScheduleError(f"There is no digest #{schedule_id} in this server.")
    return paused


async def resume_schedule(store: Store, guild_id: int, schedule_id: int, now: datetime) -> Schedule:
    """Resume one of the guild's digests from its next slot (missed ones are not posted)."""
    resumed = await store.resume_digest_schedule(guild_id, schedule_id, now)
    if resumed is None:
        raise ScheduleError(f"There is no digest #{schedule_id} in this server.")
    return resumed


async def remove_schedule(store: Store, guild_id: int, schedule_id: int) -> None:
    """Delete one of the guild's digests; ScheduleError if there is none."""
    if not await store.remove_digest_schedule(guild_id, schedule_id):
        raise ScheduleError(f"There is no digest #{schedule_id} in this server.")


async def guild_schedule(store: Store, guild_id: int, schedule_id: int) -> Schedule:
    """One of the guild's digests (never another guild's); ScheduleError if there is none."""
    found = await store.digest_schedule(guild_id, schedule_id)
    if found is None:
        raise ScheduleError(f"There is no digest #{schedule_id} in this server.")
    return found


def describe(schedule: Schedule) -> str:
    """E.g. "weekdays at 08:00" or "cron `0 7,19 * * *`"."""
    return recurrence_of(schedule).describe()


def every_choices(typed: str) -> list[str]:
    """Recurrences matching what is typed, with the typed text itself first (a cron line)."""
    typed = " ".join(typed.split())[:100]
    found = [e for e in EVERY_CHOICES if typed.lower() in e]
    if typed and typed not in found:
        found.insert(0, typed)
    return found[:25]
