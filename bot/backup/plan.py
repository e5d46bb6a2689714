"""Checking a server backup against the server it is restored into, before anything is written:
each part as if an admin had typed it, each id of the exporting server mapped onto this one (a
channel or role with the same id, else the same name, else that part is refused with the
reason). `restore.py` writes what this plans."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.backup.schema import (
    Backup,
    DigestBackup,
    FeedBackup,
    FollowBackup,
    MuteBackup,
    PacingBackup,
)
from bot.config import PREFIX_KEY, prefix_problem
from bot.digest.manage import ROLE_KEY, draft_schedule
from bot.digest.schedule import resolve_zone
from bot.errors import NewsdeskError
from bot.feeds.fetcher import FetchPolicy, address_refusal
from bot.feeds.identity import check_avatar, check_name
from bot.feeds.moving import MAX_FEEDS_PER_GUILD
from bot.feeds.pacing import TIMEZONE_KEY
from bot.feeds.selectors import check_selector
from bot.feeds.subscriptions import check_filter, normalise_feed_url
from bot.feeds.templates import SERVER_TEMPLATE_KEY, MessageTemplate, template_from_json
from bot.ingest.urls import canonical_url
from bot.insights.follows import MAX_QUERY_CHARS, pair_target, query_key
from bot.mutes.rules import Rule, phrase_rule, source_rule, word_rule
from bot.search.query import parse_query
from bot.store import ScheduleDraft, entity_key

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
class Plan:
    """The writes a restore will make, once everything is checked."""

    settings: dict[str, str] = field(default_factory=dict)
    feeds: list[tuple[FeedBackup, int, int | None]] = field(default_factory=list)
    digests: list[tuple[ScheduleDraft, bool]] = field(default_factory=list)
    follows: list[tuple[FollowBackup, int, str, str | None]] = field(default_factory=list)
    pacing: list[tuple[PacingBackup, int, str]] = field(default_factory=list)
    mutes: list[Rule] = field(default_factory=list)


def same_ids(source_guild: int, target_guild: int, mapping: dict[int, int]) -> Mapper:
    """A mapper for the command line: the given `old=new` pairs, and, when restoring into the
    server the backup came from, every other id as it is."""

    def mapped(old: int, name: str) -> int | None:
        if old in mapping:
            return mapping[old]
        return old if source_guild == target_guild else None

    return mapped


class Planner:
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
        self.plan = Plan()

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

    def mute(self, mute: MuteBackup) -> None:
        what = f"mute of {mute.kind} “{mute.value}”"
        try:
            if mute.kind == "entity":
                # As /mute add names it, without needing the entity in this database yet.
                label = mute.entity_label or ""
                if not label.isalnum() or not mute.value.strip():
                    raise NewsdeskError("an entity rule needs the entity's name and type")
                key = entity_key(mute.value, label)
                rule = Rule("entity", mute.value, f"{label}:{key}", key, label)
            else:
                read = {"word": word_rule, "phrase": phrase_rule, "source": source_rule}
                rule = read[mute.kind](mute.value)
        except NewsdeskError as exc:
            self.refuse(what, str(exc))
            return
        self.plan.mutes.append(rule)

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
            if follow.kind == "pair":
                pair, target_key = _pair(follow)
                self.plan.follows.append((pair, channel, target_key, None))
                return
            label = follow.entity_label or ""
            if not label.isalnum() or not follow.target.strip():
                raise NewsdeskError("an entity follow needs the entity's name and type")
            key = entity_key(follow.target, label)
            self.plan.follows.append((follow, channel, f"{label}:{key}", key))
        except NewsdeskError as exc:
            self.refuse(what, str(exc))


def _pair(follow: FollowBackup) -> tuple[FollowBackup, str]:
    """A pair follow as `/follow pair` makes it: its target rebuilt from the two entities
    (never believed from the file) and its key; NewsdeskError when it names no real pair."""
    members = follow.pair or []
    if len(members) != 2 or any(not m.label.isalnum() or not m.name.strip() for m in members):
        raise NewsdeskError("a pair follow needs both entities' names and types")
    first, second = ((m.name.strip(), m.label) for m in members)
    if (first[1], entity_key(*first)) == (second[1], entity_key(*second)):
        raise NewsdeskError("a pair follow needs two different entities")
    target, target_key = pair_target(first, second)
    return follow.model_copy(update={"target": target}), target_key
