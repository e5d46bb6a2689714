"""Restoring a server backup into a server: every part checked first (plan.py: feed addresses,
filters, templates, identities, selectors, digest schedules, follows, mutes, pacing, the prefix
and timezone, each id mapped onto this server), then what passed written in one transaction —
all of it, or nothing. Only this server's rows are ever written."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.backup.plan import Mapper, Plan, Planner, RestoreReport, TemplateCheck, same_ids
from bot.backup.schema import Backup
from bot.clock import Clock, SystemClock, utc_iso
from bot.feeds.fetcher import FetchPolicy
from bot.feeds.moving import MAX_FEEDS_PER_GUILD
from bot.feeds.pacing import PacingError, set_pacing
from bot.feeds.subscriptions import DEFAULT_INTERVAL_SECONDS
from bot.insights.follows import MAX_CHANNEL_FOLLOWS
from bot.mutes.manage import MAX_MUTES_PER_GUILD
from bot.store import MAX_SCHEDULES_PER_GUILD, ScheduleDraft, Store

__all__ = ["Mapper", "RestoreReport", "restore_backup", "same_ids"]


async def restore_backup(
    store: Store,
    backup: Backup,
    *,
    guild_id: int,
    created_by: int,
    channel: Mapper,
    role: Mapper,
    policy: FetchPolicy | None = None,
    check_template: TemplateCheck | None = None,
    clock: Clock | None = None,
) -> RestoreReport:
    """Check every part of `backup` against this guild, then write what passed in one
    transaction (a failure there leaves nothing). Parts already set up are left as they are."""
    now = (clock or SystemClock()).now()
    planner = Planner(backup, channel, role, policy or FetchPolicy(), check_template)
    planner.settings()
    existing_feeds = await store.guild_subscriptions(guild_id)
    here = {(f.url, s.channel_id) for s, f in existing_feeds}
    for feed in backup.feeds:
        planner.feed(feed, MAX_FEEDS_PER_GUILD - len(existing_feeds), here)
    schedules = await store.digest_schedules(guild_id)
    for digest in backup.digests:
        planner.digest(digest, guild_id, created_by, now, len(schedules))
    for follow in backup.follows:
        planner.follow(follow)
    for pacing in backup.pacing:
        planner.pacing(pacing)
    for mute in backup.mutes:
        planner.mute(mute)
    report, plan = planner.report, planner.plan
    plan.digests = _new_digests(plan.digests, schedules, report)
    async with store.transaction():
        await _write(store, plan, guild_id, created_by, now, report)
    return report


def _new_digests(
    planned: list[tuple[ScheduleDraft, bool]], schedules: list[ScheduleDraft], report: RestoreReport
) -> list[tuple[ScheduleDraft, bool]]:
    """Leave out the digests this server already has (same channel, time and recurrence)."""

    def shape(s: ScheduleDraft) -> tuple[object, ...]:
        return (s.channel_id, s.local_time, s.timezone, s.every, s.weekday, s.cron, s.filter)

    have = {shape(s) for s in schedules}
    new = [(draft, paused) for draft, paused in planned if shape(draft) not in have]
    if len(new) < len(planned):
        report.already["digests"] = len(planned) - len(new)
    if len(schedules) + len(new) > MAX_SCHEDULES_PER_GUILD:
        report.refused.append(("digests", f"over {MAX_SCHEDULES_PER_GUILD} per server"))
        new = new[: max(0, MAX_SCHEDULES_PER_GUILD - len(schedules))]
    return new


async def _write(
    store: Store, plan: Plan, guild_id: int, by: int, now: datetime, report: RestoreReport
) -> None:
    when = utc_iso(now)
    for key, value in plan.settings.items():
        await store.set_guild_setting(guild_id, key, value)
    report.restored["settings"] = len(plan.settings)
    for feed, channel, role in plan.feeds:
        stored = await store.add_feed(feed.url, when, DEFAULT_INTERVAL_SECONDS)
        if not stored.title and feed.title:
            await store.save_feed(dataclasses.replace(stored, title=feed.title))
        subscription, _ = await store.add_subscription(
            guild_id=guild_id,
            channel_id=channel,
            feed_id=stored.id,
            filter_text=feed.filter,
            role_id=role,
            created_by=by,
            now=when,
        )
        await store.set_feed_options(
            guild_id,
            subscription.id,
            identity_name=feed.identity_name,
            avatar_url=feed.avatar_url,
            selector=feed.selector,
        )
        if feed.template or feed.max_age_hours or feed.paused:
            await store.update_subscription(
                guild_id,
                subscription.id,
                template=feed.template,
                max_age_hours=feed.max_age_hours,
                paused=feed.paused,
            )
    report.restored["feeds"] = len(plan.feeds)
    for draft, paused in plan.digests:
        schedule = await store.add_digest_schedule(draft, now)
        if paused:
            await store.pause_digest_schedule(guild_id, schedule.id, "paused in the backup", now)
    report.restored["digests"] = len(plan.digests)
    await _write_follows(store, plan, guild_id, by, when, report)
    await _write_pacing(store, plan, guild_id, report)
    await _write_mutes(store, plan, guild_id, by, when, report)


async def _write_mutes(
    store: Store, plan: Plan, guild_id: int, by: int, when: str, report: RestoreReport
) -> None:
    added = already = 0
    for rule in plan.mutes:
        if await store.count_mutes(guild_id) >= MAX_MUTES_PER_GUILD:
            report.refused.append((f"mute of {rule.kind} “{rule.value}”", "the list is full"))
            continue
        _, created = await store.add_mute(
            guild_id=guild_id,
            kind=rule.kind,
            value=rule.value,
            rule_key=rule.rule_key,
            entity_key=rule.entity_key,
            entity_label=rule.entity_label,
            created_by=by,
            now=when,
        )
        added, already = added + created, already + (not created)
    report.restored["mutes"] = added
    if already:
        report.already["mutes"] = already


async def _write_pacing(store: Store, plan: Plan, guild_id: int, report: RestoreReport) -> None:
    done = 0
    for pacing, channel, name in plan.pacing:
        try:
            async with store.transaction():  # a savepoint: a refused pacing undoes only itself
                await set_pacing(
                    store,
                    guild_id,
                    channel,
                    posts=pacing.max_posts,
                    minutes=pacing.window_minutes,
                    quiet_from=pacing.quiet_start,
                    quiet_until=pacing.quiet_end,
                )
        except PacingError as exc:
            report.refused.append((f"pacing of #{name}", str(exc)))
            continue
        done += 1
    report.restored["pacing"] = done


async def _write_follows(
    store: Store, plan: Plan, guild_id: int, by: int, when: str, report: RestoreReport
) -> None:
    added = already = 0
    for follow, channel, target_key, key in plan.follows:
        if await store.count_follows(guild_id, channel_id=channel) >= MAX_CHANNEL_FOLLOWS:
            report.refused.append((f"follow of {follow.target}", "the channel follows enough"))
            continue
        _, created = await store.add_follow(
            guild_id=guild_id,
            user_id=None,
            channel_id=channel,
            kind=follow.kind,
            target=follow.target,
            target_key=target_key,
            entity_key=key,
            entity_label=follow.entity_label if key else None,
            created_by=by,
            now=when,
        )
        added, already = added + created, already + (not created)
    report.restored["follows"] = added
    if already:
        report.already["follows"] = already
