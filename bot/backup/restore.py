"""Restoring a server backup into a server: every part checked as if an admin had typed it (feed
addresses, filters, templates, identities, selectors, digest schedules, follows, pacing, the
prefix and timezone), each id of
the exporting server mapped onto this one (a channel or role with the same id here, else the
same name, else that part is refused with the reason), then written in one transaction — all
of it, or nothing. Only this server's rows are ever written."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.backup.schema import Backup, DigestBackup, FeedBackup, FollowBackup, PacingBackup
from bot.clock import Clock, SystemClock, utc_iso
from bot.config import PREFIX_KEY, prefix_problem
from bot.digest.manage import ROLE_KEY, draft_schedule
from bot.digest.schedule import resolve_zone
from bot.errors import NewsdeskError
from bot.feeds.fetcher import FetchPolicy, address_refusal
from bot.feeds.identity import check_avatar, check_name
from bot.feeds.moving import MAX_FEEDS_PER_GUILD
from bot.feeds.pacing import TIMEZONE_KEY, PacingError, set_pacing
from bot.feeds.selectors import check_selector
from bot.feeds.subscriptions import DEFAULT_INTERVAL_SECONDS, check_filter, normalise_feed_url
from bot.feeds.templates import SERVER_TEMPLATE_KEY, MessageTemplate, template_from_json
from bot.ingest.urls import canonical_url
from bot.insights.follows import MAX_CHANNEL_FOLLOWS, MAX_QUERY_CHARS, query_key
from bot.search.query import parse_query
from bot.store import MAX_SCHEDULES_PER_GUILD, ScheduleDraft, Store, entity_key

# Maps an id of the exporting server (with its name there) to one of this server, or None.
Mapper = Callable[[int, str], int | None]
# Refuses a template that could exceed a Discord limit (bot.render.feed_posts.check_template).
TemplateCheck = Callable[[MessageTemplate], None]


@dataclass
class RestoreReport:
    """What a restore wrote (per kind), found already there, and refused with why."""

    restored: dict[str, int] = field(default_factory=dict)
    already: dict[str, int] = field(default_factory=dict)
    refused: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Plan:
    """The writes a restore will make, once everything is checked."""

    settings: dict[str, str] = field(default_factory=dict)
    feeds: list[tuple[FeedBackup, int, int | None]] = field(default_factory=list)
    digests: list[tuple[ScheduleDraft, bool]] = field(default_factory=list)
    follows: list[tuple[FollowBackup, int, str, str | None]] = field(default_factory=list)
    pacing: list[tuple[PacingBackup, int, str]] = field(default_factory=list)


def same_ids(source_guild: int, target_guild: int, mapping: dict[int, int]) -> Mapper:
    """A mapper for the command line: the given `old=new` pairs, and, when restoring into the
    server the backup came from, every other id as it is."""

    def mapped(old: int, name: str) -> int | None:
        if old in mapping:
            return mapping[old]
        return old if source_guild == target_guild else None

    return mapped


class _Planner:
    """Checks each part of a backup against this server and plans its writes."""

    def __init__(
        self,
        backup: Backup,
        channel: Mapper,
        role: Mapper,
        policy: FetchPolicy,
        check_template: TemplateCheck | None,
    ) -> None:
        self.backup = backup
        self.channel_of = channel
        self.role_of = role
        self.policy = policy
        self.check_template = check_template
        self.report = RestoreReport()
        self.plan = _Plan()

    def refuse(self, what: str, why: str) -> None:
        self.report.refused.append((what, why))

    def channel(self, raw: str, what: str) -> int | None:
        name = self.backup.channels.get(raw, "")
        found = self.channel_of(int(raw), name)
        if found is None:
            self.refuse(what, f"no channel {('#' + name) if name else raw} in this server")
        return found

    def role(self, raw: str | None) -> int | None:
        if raw is None:
            return None
        return self.role_of(int(raw), self.backup.roles.get(raw, ""))

    def template(self, stored: str) -> str:
        """A template read again and checked ('' for none); TemplateError if unusable."""
        if not stored:
            return ""
        template = template_from_json(stored)
        if self.check_template is not None:
            self.check_template(template)
        return template.to_json()

    def settings(self) -> None:
        wanted = self.backup.settings
        for key, value, check in (
            (TIMEZONE_KEY, wanted.timezone, lambda v: resolve_zone(v).key),
            (SERVER_TEMPLATE_KEY, wanted.feed_template, self.template),
        ):
            if value:
                try:
                    self.plan.settings[key] = check(value)
                except NewsdeskError as exc:
                    self.refuse(f"the server's {key.replace('_', ' ')}", str(exc))
        if wanted.prefix is not None:
            problem = prefix_problem(wanted.prefix)
            if problem:
                self.refuse("the prefix", problem)
            else:
                self.plan.settings[PREFIX_KEY] = wanted.prefix
        if wanted.digest_role is not None:
            role = self.role(wanted.digest_role)
            if role is None:
                self.refuse("the digest role", "no such role in this server")
            else:
                self.plan.settings[ROLE_KEY] = str(role)

    def feed(self, feed: FeedBackup, room: int, here: set[tuple[str, int]]) -> None:
        what = f"feed {feed.title or feed.url}"
        channel = self.channel(feed.channel, what)
        if channel is None:
            return
        try:
            url = canonical_url(normalise_feed_url(feed.url))
            refused = address_refusal(url, self.policy)
            if refused:
                raise NewsdeskError(refused)
            checked = feed.model_copy(
                update={
                    "url": url,
                    "filter": check_filter(feed.filter, entities_available=True),
                    # '' in a backup is "none": checked only when set.
                    "identity_name": feed.identity_name and check_name(feed.identity_name),
                    "avatar_url": feed.avatar_url and check_avatar(feed.avatar_url),
                    "selector": feed.selector and check_selector(feed.selector),
                    "template": self.template(feed.template),
                }
            )
        except (NewsdeskError, ValueError) as exc:
            self.refuse(what, str(exc) or "not usable")
            return
        if (url, channel) in here or (url, channel) in {(f.url, c) for f, c, _ in self.plan.feeds}:
            self.report.already["feeds"] = self.report.already.get("feeds", 0) + 1
            return
        if len(self.plan.feeds) >= room:
            self.refuse(what, f"over the server's limit of {MAX_FEEDS_PER_GUILD} feeds")
            return
        role = self.role(feed.role)
        if feed.role is not None and role is None:
            self.refuse(f"{what}: its role ping", "no such role in this server; restored without")
        self.plan.feeds.append((checked, channel, role))

    def digest(self, digest: DigestBackup, guild_id: int, by: int, now: datetime, n: int) -> None:
        what = f"digest at {digest.time} ({digest.every})"
        channel = self.channel(digest.channel, what)
        if channel is None:
            return
        try:
            draft = draft_schedule(
                guild_id=guild_id,
                channel_id=channel,
                target=digest.target,
                time=digest.time,
                timezone=digest.timezone,
                every=digest.every,
                filter=digest.filter,
                max_items=digest.max_items,
                nothing_new=digest.nothing_new,
                created_by=by,
                now=now,
                existing=n + len(self.plan.digests),
            )
        except NewsdeskError as exc:
            self.refuse(what, str(exc))
            return
        self.plan.digests.append((draft, digest.paused))

    def pacing(self, pacing: PacingBackup) -> None:
        name = self.backup.channels.get(pacing.channel, "") or pacing.channel
        channel = self.channel(pacing.channel, f"pacing of #{name}")
        if channel is not None:
            self.plan.pacing.append((pacing, channel, name))

    def follow(self, follow: FollowBackup) -> None:
        what = f"follow of {follow.target}"
        channel = self.channel(follow.channel, what)
        if channel is None:
            return
        try:
            if follow.kind == "query":
                text = " ".join(follow.target.split())
                if not text or len(text) > MAX_QUERY_CHARS:
                    raise NewsdeskError(f"a followed search is 1-{MAX_QUERY_CHARS} characters")
                parse_query(text)
                self.plan.follows.append((follow, channel, query_key(text), None))
                return
            label = follow.entity_label or ""
            if not label.isalnum() or not follow.target.strip():
                raise NewsdeskError("an entity follow needs the entity's name and type")
            key = entity_key(follow.target, label)
            self.plan.follows.append((follow, channel, f"{label}:{key}", key))
        except NewsdeskError as exc:
            self.refuse(what, str(exc))


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
    planner = _Planner(backup, channel, role, policy or FetchPolicy(), check_template)
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
    store: Store, plan: _Plan, guild_id: int, by: int, now: datetime, report: RestoreReport
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


async def _write_pacing(store: Store, plan: _Plan, guild_id: int, report: RestoreReport) -> None:
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
    store: Store, plan: _Plan, guild_id: int, by: int, when: str, report: RestoreReport
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
