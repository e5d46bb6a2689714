"""Handing queued announcements to the `announce` callback, per channel, each story once, at
the channel's pace (flood control, quiet hours), and writing what became of each into the
delivery log: the message that carried it, or why it failed or waits."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock, SystemClock, utc_iso
from bot.digest.manage import next_post
from bot.feeds.announcements import (
    Announcement,
    AnnouncementUndeliverable,
    Announcer,
    NewArticle,
    Summarizer,
    lead,
)
from bot.feeds.pacing import HoldReason, pacing_for, plan
from bot.feeds.templates import template_for
from bot.models import Article
from bot.models.delivery import Failure, FailureKind, NotDelivered, PostedMessage
from bot.models.story import Report
from bot.mutes import describe, muted_articles
from bot.store import (
    DeliveryOutcome,
    Feed,
    LogUpdate,
    NewLogEntry,
    PendingAnnouncement,
    Schedule,
    Store,
    Subscription,
)

log = logging.getLogger(__name__)

# After this many failed attempts (channel gone, no permission) an announcement is dropped.
MAX_ATTEMPTS = 5
# Names shown for {entities}: the most mentioned few.
ENTITIES_SHOWN = 5
# Failures no retry can mend: the channel is gone or takes no posts.
_FINAL = (FailureKind.MISSING_CHANNEL, FailureKind.CANNOT_POST)


def failure_detail(failure: Failure | None, error: str = "") -> str:
    """A failure for the delivery log: what Discord said, with its HTTP status and code."""
    if failure is None:
        return error or "the post failed"
    if failure.kind is FailureKind.HTTP_ERROR and failure.status is None:
        return failure.detail or "the post failed"  # not Discord's answer: the bot's own
    said = failure.describe()
    if failure.status and failure.kind is not FailureKind.HTTP_ERROR:
        code = f", code {failure.code}" if failure.code else ""
        said += f" (HTTP {failure.status}{code})"
    return said


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


class Delivery:
    """Posts what the poller queued; marks it posted only after the callback succeeded."""

    def __init__(
        self,
        store: Store,
        announce: Announcer | None,
        *,
        clock: Clock | None = None,
        lock: asyncio.Lock | None = None,
        summarize: Summarizer | None = None,
        zone: ZoneInfo | None = None,
    ) -> None:
        self.store = store
        self.announce = announce
        self.clock = clock or SystemClock()
        self.lock = lock or asyncio.Lock()
        self.summarize = summarize
        # Quiet hours are read in the server's timezone; this one when a server set none.
        self.zone = zone or ZoneInfo("UTC")

    # -- the queue, channel by channel ------------------------------------------------------

    async def deliver(self) -> int:
        """Announce what is pending and release what was held and is due, channel by channel
        at each channel's pace; return how many articles were posted."""
        if self.announce is None:
            return 0
        channels: dict[int, tuple[list[PendingAnnouncement], list[PendingAnnouncement]]] = {}
        for pending in await self.store.pending_announcements():
            channels.setdefault(pending.channel_id, ([], []))[0].append(pending)
        for held in await self.store.held_announcements():
            channels.setdefault(held.channel_id, ([], []))[1].append(held)
        posted = 0
        for channel_id, (fresh, waiting) in channels.items():
            posted += await self._deliver_channel(channel_id, fresh, waiting)
        return posted

    async def _deliver_channel(
        self, channel_id: int, fresh: list[PendingAnnouncement], waiting: list[PendingAnnouncement]
    ) -> int:
        subscriptions: dict[int, Subscription] = {}
        for item in [*fresh, *waiting]:
            if item.subscription_id not in subscriptions:
                found = await self.store.subscription_by_id(item.subscription_id)
                if found is not None:  # else removed meanwhile: the cascade dropped its queue
                    subscriptions[found.id] = found
        fresh = [i for i in fresh if i.subscription_id in subscriptions]
        waiting = [i for i in waiting if i.subscription_id in subscriptions]
        if not subscriptions:
            return 0
        posted = 0
        # Posts an earlier attempt left half done go out first, as they were allowed then (a
        # packed card again as a packed card, which is how the channel is searched for it).
        resumed = [i for i in fresh if i.resumed and not i.hold_reason]
        for subscription_id, items in _by_subscription(resumed).items():
            posted += await self._post(subscriptions[subscription_id], items)
        repack = [i for i in fresh if i.resumed and i.hold_reason]
        if repack:
            reason: HoldReason = (
                "quiet" if any(i.hold_reason == "quiet" for i in repack) else "flood"
            )
            first = subscriptions[repack[0].subscription_id]
            posted += await self._post(first, repack, packed=reason)
        fresh = [i for i in fresh if not i.resumed]
        guild_id = next(iter(subscriptions.values())).guild_id
        # A rule muted since an item was queued (held for quiet hours, say) still hides it.
        hidden = await self._drop_muted(guild_id, [*fresh, *waiting])
        fresh = [i for i in fresh if i.id not in hidden]
        waiting = [i for i in waiting if i.id not in hidden]
        now = self.clock.now()
        pacing = await pacing_for(self.store, guild_id, channel_id, self.zone)
        used = await self.store.channel_posts_since(channel_id, utc_iso(now - pacing.window))
        digest = await self._digest_in(guild_id, channel_id) if fresh else None
        decided = plan(pacing, now, fresh, waiting, used, digest=digest is not None)
        if decided.release:
            first = subscriptions[decided.release[0].subscription_id]
            posted += await self._post(first, decided.release, packed=decided.released_after)
        for subscription_id, items in _by_subscription(decided.post).items():
            posted += await self._post(subscriptions[subscription_id], items)
        if decided.hold and decided.until is not None:
            await self._hold(decided.hold, decided.reason, decided.until, pacing.max_posts)
        if decided.digest and digest is not None:
            await self._leave_to_digest(decided.digest, digest, now)
        return posted

    async def _drop_muted(self, guild_id: int, items: Sequence[PendingAnnouncement]) -> set[int]:
        """Drop the queued items the server's mute list hides now, each logged as muted with
        its rule; return their ids."""
        if not items:
            return set()
        muted = await muted_articles(self.store, guild_id, [i.article for i in items])
        dropped = [i for i in items if i.article.id in muted]
        if not dropped:
            return set()
        updates = [
            LogUpdate(
                i.id,
                DeliveryOutcome.MUTED,
                f"hidden by the server's mute list before it went out: "
                f"{describe(muted[i.article.id])}",
            )
            for i in dropped
        ]
        async with self.lock, self.store.transaction():
            await self.store.settle_announcements([i.id for i in dropped], "dropped")
            await self.store.update_delivery_log(updates, utc_iso(self.clock.now()))
        return {i.id for i in dropped}

    async def _digest_in(self, guild_id: int, channel_id: int) -> Schedule | None:
        """The channel's active digest, which flood overflow is rolled into."""
        for schedule in await self.store.digest_schedules(guild_id):
            if schedule.channel_id == channel_id and not schedule.paused:
                return schedule
        return None

    async def _hold(
        self, items: Sequence[PendingAnnouncement], reason: HoldReason, until: datetime, most: int
    ) -> None:
        ids = [i.id for i in items]
        if reason == "quiet":
            outcome, why = DeliveryOutcome.QUIET, f"quiet hours until {_when(until)}"
        else:
            outcome = DeliveryOutcome.FLOOD
            why = f"over this channel's {most} posts per window; packed with the rest"
        detail = f"{why}: goes out in one packed post at {_when(until)}"
        async with self.lock, self.store.transaction():
            await self.store.hold_announcements(ids, reason, utc_iso(until))
            updates = [LogUpdate(i, outcome, detail) for i in ids]
            await self.store.update_delivery_log(updates, utc_iso(self.clock.now()))

    async def _leave_to_digest(
        self, items: Sequence[PendingAnnouncement], schedule: Schedule, now: datetime
    ) -> None:
        ids = [i.id for i in items]
        detail = (
            f"over this channel's posts per window: rolled into digest #{schedule.id} "
            f"(next at {_when(next_post(schedule, now))})"
        )
        async with self.lock, self.store.transaction():
            await self.store.settle_announcements(ids, "digest")
            updates = [LogUpdate(i, DeliveryOutcome.DIGEST, detail) for i in ids]
            await self.store.update_delivery_log(updates, utc_iso(now))

    # -- posting ----------------------------------------------------------------------------

    async def _post(
        self,
        subscription: Subscription,
        items: Sequence[PendingAnnouncement],
        *,
        packed: HoldReason | None = None,
    ) -> int:
        """Post `items` for a subscription (in one packed card when `packed`), then record the
        message of each or the failure."""
        feed = await self.store.feed(subscription.feed_id)
        if feed is None:
            return 0
        ids = [item.id for item in items]
        articles = [await self.new_article(i.id, i.article, i.story_id) for i in items]
        async with self.lock:
            await self.store.announcements_posting(ids)
        announcement = Announcement(
            subscription,
            feed,
            tuple(articles),
            resumed=any(item.resumed for item in items),
            packed=packed,
            key=("pack",) if packed else ("feed",),
            template=await template_for(self.store, subscription),
        )
        result = await self._announce(announcement)
        done = {i: result.posted[i] for i in ids if i in result.posted}
        left = [i for i in ids if i not in done]
        attempts = max(item.attempts for item in items) + 1
        give_up = result.failure is not None and (
            result.failure.kind in _FINAL or attempts >= MAX_ATTEMPTS
        )
        posted = (
            f"in one packed card after {'quiet hours' if packed == 'quiet' else 'flood control'}"
        )
        updates = [
            LogUpdate(i, DeliveryOutcome.POSTED, posted if packed else "", m.link if m else None)
            for i, m in done.items()
        ]
        if left:
            retry = "gave up" if give_up else f"will retry (attempt {attempts} of {MAX_ATTEMPTS})"
            why = f"{failure_detail(result.failure)}; {retry}"
            updates += [LogUpdate(i, DeliveryOutcome.FAILED, why) for i in left]
        now = utc_iso(self.clock.now())
        async with self.lock, self.store.transaction():
            await self.store.mark_announced(done, now, packed=packed is not None)
            if left:
                await self.store.announcement_failed(left, give_up=give_up)
            await self.store.update_delivery_log(updates, now)
        return len(done)

    async def _announce(self, announcement: Announcement) -> _Outcome:
        """Call the announcer; what it raises becomes a failure (retried unless final)."""
        assert self.announce is not None
        ids = [item.announcement_id for item in announcement.articles]
        channel = announcement.subscription.channel_id
        try:
            result = await self.announce(announcement)
        except AnnouncementUndeliverable as exc:
            log.warning("dropping %d announcement(s) for channel %s: %s", len(ids), channel, exc)
            final = exc.failure or Failure(FailureKind.MISSING_CHANNEL, detail=str(exc))
            return _Outcome({}, final)
        except NotDelivered as exc:
            log.warning("announcing to channel %s failed: %s", channel, exc)
            return _Outcome({}, exc.failure)
        except Exception as exc:
            log.exception("announcing to channel %s failed", channel)
            return _Outcome({}, Failure(FailureKind.HTTP_ERROR, detail=f"internal error: {exc}"))
        if result is None:
            return _Outcome({i: None for i in ids}, None)
        if result.failure is not None and result.posted:
            log.warning(
                "announcing in channel %s stopped midway: %s", channel, result.failure.describe()
            )
        return _Outcome(dict(result.posted), result.failure)

    # -- articles, and posting one now ------------------------------------------------------

    async def new_article(
        self, announcement_id: int, article: Article, story_id: int
    ) -> NewArticle:
        """An article as a post shows it: its summary, the other outlets that carried its
        story and the names it mentions most (the preview of a template reads the same)."""
        story = await self.store.story(story_id)
        own = Report.of(article).outlet
        others = tuple(s for s in (story.sources if story else ()) if s != own)
        names = await self.store.article_entities(article.id, ENTITIES_SHOWN)
        entities = tuple(e.entity.name for e in names)
        summary = await self._summary(article)
        return NewArticle(announcement_id, article, story_id, others, summary, entities)

    async def preview(
        self, subscription: Subscription, feed: Feed, article: Article, *, announcement_id: int = 0
    ) -> Announcement:
        """The announcement of one article for a subscription, exactly as it would be posted
        (what a template preview shows: the same article, template and render)."""
        story = (await self.store.stories_of([article.id])).get(article.id, article.id)
        item = await self.new_article(announcement_id, article, story)
        template = await template_for(self.store, subscription)
        return Announcement(subscription, feed, (item,), template=template)

    async def send_now(
        self, subscription: Subscription, feed: Feed, article: Article, *, why: str
    ) -> NewLogEntry:
        """Post one article for a subscription at once, paced or not, posted before or not
        (an admin asked: /feeds send-latest, a backfill); log it and return its log line."""
        assert self.announce is not None
        now = self.clock.now()
        story = (await self.store.stories_of([article.id])).get(article.id, article.id)
        async with self.lock, self.store.transaction():
            queued = await self.store.queue_announcement(
                subscription, story, article.id, utc_iso(now)
            )
        sent = await self.preview(subscription, feed, article, announcement_id=queued or 0)
        [item] = sent.articles
        result = await self._announce(dataclasses.replace(sent, key=("sent", int(now.timestamp()))))
        message = result.posted.get(item.announcement_id)
        line = NewLogEntry(
            subscription.id,
            article.title,
            article.url,
            DeliveryOutcome.POSTED
            if item.announcement_id in result.posted
            else DeliveryOutcome.FAILED,
            why if result.failure is None else failure_detail(result.failure),
            link=message.link if message else None,
            article_id=article.id,
        )
        async with self.lock, self.store.transaction():
            if queued is not None and line.outcome is DeliveryOutcome.POSTED:
                await self.store.mark_announced({queued: message}, utc_iso(now))
            elif queued is not None:
                await self.store.announcement_failed([queued], give_up=True)
            await self.store.log_deliveries([line], utc_iso(now))
        return line

    async def _summary(self, article: Article) -> str:
        if self.summarize is not None:
            try:
                better = await self.summarize(article)
            except Exception:
                log.exception("summary of article %d failed; using its lead", article.id)
                better = None
            if better:
                return better
        return lead(article)


class _Outcome:
    """What one call of the announcer did, by announcement id (None: posted, message unknown)."""

    def __init__(self, posted: Mapping[int, PostedMessage | None], failure: Failure | None) -> None:
        self.posted = posted
        self.failure = failure


def _by_subscription(
    items: Sequence[PendingAnnouncement],
) -> dict[int, list[PendingAnnouncement]]:
    groups: dict[int, list[PendingAnnouncement]] = {}
    for item in items:
        groups.setdefault(item.subscription_id, []).append(item)
    return groups
