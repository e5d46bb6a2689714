"""Taking a server's backup: everything it set up, read from the store (one guild only)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.backup.schema import (
    VERSION,
    Backup,
    DigestBackup,
    FeedBackup,
    FollowBackup,
    MuteBackup,
    PacingBackup,
    PairMember,
    ServerRef,
    SettingsBackup,
)
from bot.clock import Clock, SystemClock, utc_iso
from bot.config import PREFIX_KEY
from bot.digest.manage import ROLE_KEY
from bot.digest.schedule import DAY_NAMES
from bot.feeds.pacing import TIMEZONE_KEY
from bot.feeds.templates import SERVER_TEMPLATE_KEY
from bot.insights.follows import PAIR_JOIN
from bot.insights.rising import pair_keys
from bot.servers import known_places
from bot.store import Follow, Schedule, Store, entity_key


def _name(names: Mapping[int, str], snowflake: int) -> str:
    return names.get(snowflake, "")[:300]


def _every(schedule: Schedule) -> str:
    """A schedule's recurrence as `/digest schedule every:` takes it again."""
    if schedule.every == "cron" and schedule.cron:
        return f"cron {schedule.cron}"
    if schedule.every == "weekly" and schedule.weekday is not None:
        return f"weekly {DAY_NAMES[schedule.weekday]}"
    return schedule.every


def _follow(follow: Follow) -> FollowBackup | None:
    """A channel's follow as the backup holds it (None for a pair whose names no longer match
    its key, which a restore could not rebuild)."""
    pair = None
    if follow.kind == "pair":
        pair = _pair_members(follow)
        if pair is None:
            return None
    return FollowBackup(
        channel=str(follow.channel_id),
        kind=follow.kind,
        target=follow.target[:300],
        entity_label=follow.entity_label,
        pair=pair,
    )


def _pair_members(follow: Follow) -> list[PairMember] | None:
    """A pair follow's two entities with their names ("A × B") and labels (from its key)."""
    keys = pair_keys(follow.target_key)
    names = follow.target.split(PAIR_JOIN)
    if keys is None or len(names) != 2:
        return None
    members = []
    for name in names:
        label = next((lab for lab, key in keys if entity_key(name, lab) == key), None)
        if label is None:
            return None
        members.append(PairMember(name=name[:300], label=label[:40]))
    return members


async def _feed_backups(store: Store, guild_id: int) -> list[FeedBackup]:
    """Each of the guild's feeds with its subscription's settings and own options."""
    options = {o.subscription_id: o for o in await store.guild_feed_options(guild_id)}
    feeds = []
    for subscription, feed in await store.guild_subscriptions(guild_id):
        own = options.get(subscription.id)
        feeds.append(
            FeedBackup(
                url=feed.url,
                title=feed.title[:300],
                channel=str(subscription.channel_id),
                filter=subscription.filter,
                role=str(subscription.role_id) if subscription.role_id else None,
                identity_name=own.identity_name if own else "",
                avatar_url=own.avatar_url if own else "",
                selector=own.selector if own else "",
                template=subscription.template,
                max_age_hours=subscription.max_age_hours,
                paused=subscription.paused,
                updates=subscription.updates,  # type: ignore[arg-type]  # one of UPDATE_MODES
            )
        )
    return feeds


async def _digest_backups(store: Store, guild_id: int) -> list[DigestBackup]:
    """Each of the guild's digest schedules."""
    return [
        DigestBackup(
            channel=str(s.channel_id),
            target=s.target,
            time=s.local_time,
            timezone=s.timezone,
            every=_every(s),
            filter=s.filter,
            max_items=s.max_items,
            nothing_new=s.nothing_new,
            paused=s.paused,
        )
        for s in await store.digest_schedules(guild_id)
    ]


async def _pacing_backups(store: Store, guild_id: int) -> list[PacingBackup]:
    """Each of the guild's channel pacings (flood control, quiet hours)."""
    return [
        PacingBackup(
            channel=str(p.channel_id),
            max_posts=p.max_posts,
            window_minutes=p.window_minutes,
            quiet_start=p.quiet_start,
            quiet_end=p.quiet_end,
        )
        for p in await store.guild_pacings(guild_id)
    ]


async def export_backup(
    store: Store,
    guild_id: int,
    *,
    guild_name: str = "",
    channels: Mapping[int, str] | None = None,
    roles: Mapping[int, str] | None = None,
    clock: Clock | None = None,
) -> Backup:
    """The guild's backup; `channels` and `roles` name its ids (Discord knows the names), so a
    restore into another server can find them by name."""
    channel_names, role_names = channels or {}, roles or {}
    feeds = await _feed_backups(store, guild_id)
    digests = await _digest_backups(store, guild_id)
    follows = [
        backup
        for f in await store.channel_follows(guild_id)
        if f.channel_id is not None and (backup := _follow(f)) is not None
    ]
    role = await store.guild_setting(guild_id, ROLE_KEY)
    settings = SettingsBackup(
        prefix=await store.guild_setting(guild_id, PREFIX_KEY),
        digest_role=role,
        timezone=await store.guild_setting(guild_id, TIMEZONE_KEY),
        feed_template=await store.guild_setting(guild_id, SERVER_TEMPLATE_KEY),
    )
    pacing = await _pacing_backups(store, guild_id)
    used_channels = {int(x.channel) for x in [*feeds, *digests, *follows, *pacing]}
    used_roles = {int(f.role) for f in feeds if f.role} | ({int(role)} if role else set())
    return Backup(
        newsdesk_backup=VERSION,
        exported_at=utc_iso((clock or SystemClock()).now()),
        server=ServerRef(id=str(guild_id), name=guild_name[:300]),
        channels={str(c): _name(channel_names, c) for c in sorted(used_channels)},
        roles={str(r): _name(role_names, r) for r in sorted(used_roles)},
        settings=settings,
        feeds=feeds,
        digests=digests,
        follows=follows,
        pacing=pacing,
        mutes=[
            MuteBackup(kind=m.kind, value=m.value, entity_label=m.entity_label)
            for m in await store.guild_mutes(guild_id)
        ],
    )


async def export_recorded(
    store: Store, guild_id: int, *, guild_name: str = "", clock: Clock | None = None
) -> Backup:
    """The guild's backup taken without a gateway (the web, the command line): its channels and
    roles named as the bot last recorded them (bot/servers.py), as `/settings export` names
    them from Discord."""
    places = await known_places(store, guild_id)
    return await export_backup(
        store,
        guild_id,
        guild_name=guild_name,
        channels={c.id: c.name for c in places.channels},
        roles={r.id: r.name for r in places.roles},
        clock=clock,
    )
