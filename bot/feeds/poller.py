"""The feed poller: one background task that polls feeds when due (claiming each poll, so
several bots share a database), sleeps until the next is due or a change wakes it, and
delivers what is queued; one feed's poll is bot/feeds/polling.py."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, SystemClock, utc_iso
from bot.feeds.announcements import Announcer, Summarizer
from bot.feeds.claims import LEASE, new_owner
from bot.feeds.delivery import Delivery
from bot.feeds.fetcher import Fetcher
from bot.feeds.pages import EntryPages, Extractor
from bot.feeds.parse import parse_feed
from bot.feeds.polling import FeedParser, FeedPolls, Notifier, PollResult
from bot.feeds.subscriptions import EntityResolver
from bot.feeds.triage import MuteCheck, Router
from bot.feeds.updates import FollowerSender, UpdatePoster
from bot.ingest import Enricher
from bot.metrics import Metrics
from bot.store import Feed, Store
from bot.tasks import BackgroundTasks, first_of

log = logging.getLogger(__name__)

CONCURRENT_FEEDS = 4
# The longest the poller sleeps with nothing due (pending deliveries are retried this often).
IDLE = timedelta(minutes=5)
# After a cycle that crashed, pause at least this long so a bug cannot spin the loop.
MIN_PAUSE = timedelta(seconds=5)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


class FeedPoller(FeedPolls):
    """Polls due feeds (state in the store, time from the clock), stores articles, announces:
    when to poll is here, what one poll does in bot/feeds/polling.py."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        *,
        clock: Clock | None = None,
        announce: Announcer | None = None,
        notify: Notifier | None = None,
        enrich: Enricher | None = None,
        entity_articles: EntityResolver | None = None,
        summarize: Summarizer | None = None,
        parse: FeedParser = parse_feed,
        rng: random.Random | None = None,
        owner: str | None = None,
        zone: ZoneInfo | None = None,
        muted: MuteCheck | None = None,
        post_update: UpdatePoster | None = None,
        tell_follower: FollowerSender | None = None,
        extract: Extractor | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.metrics = metrics
        # Who holds this bot's poll claims: unique per running bot (see bot.feeds.claims).
        self.owner = owner or new_owner()
        self.fetcher = fetcher
        self.clock = clock or SystemClock()
        self.notify = notify
        self.enrich = enrich
        self.entity_articles = entity_articles
        self.router = Router(store, entity_articles=entity_articles, muted=muted)
        self.parse = parse
        self.rng = rng or random.Random()
        self._write = asyncio.Lock()  # one writer: the store's connection has one transaction
        self.delivery = Delivery(
            store,
            announce,
            clock=self.clock,
            lock=self._write,
            summarize=summarize,
            zone=zone,
            post_update=post_update,
            tell_follower=tell_follower,
        )
        self._wake = asyncio.Event()
        # The wake is only to look at the schedule again (`replan`), not a round of its own.
        self._replan_only = False
        self._tasks = BackgroundTasks("feed-poller")
        self._task: asyncio.Task[None] | None = None
        self._asleep = False
        self._asleep_until: datetime | None = None
        self._progress = asyncio.Event()
        self.pages = EntryPages(store, fetcher, extract)

    # -- the background task ----------------------------------------------------------------

    def start(self) -> None:
        """Start the one polling task (idempotent)."""
        if self._task is None or self._task.done():
            self._task = self._tasks.spawn(self._run(), name="loop")

    async def stop(self) -> None:
        """Stop the polling task and wait for it to end."""
        self._task = None
        await self._tasks.cancel_all()
        # Give our poll claims back so another bot (or our restart) polls at once.
        with contextlib.suppress(Exception):
            await self.store.release_feed_polls(self.owner)

    def writing(self) -> asyncio.Lock:
        """The poller's write lock: hold it for other writes to the same store connection.

        One aiosqlite connection has one transaction at a time; a BEGIN while the poller is
        inside one fails ("cannot start a transaction within a transaction").
        """
        return self._write

    def wake(self) -> None:
        """Re-plan now (a feed was added or removed)."""
        self._replan_only = False
        self._wake.set()

    def replan(self) -> None:
        """Look at the schedule again (a feed changed elsewhere: the web, another process): a
        feed due before the planned round is polled then; nothing else moves (queued
        deliveries keep their retry rounds)."""
        if not self._wake.is_set():
            self._replan_only = True
            self._wake.set()

    async def _run(self) -> None:
        while True:
            pause = timedelta(0)
            try:
                await self.run_due()
            except Exception:
                log.exception("feed poll cycle failed; trying again shortly")
                pause = MIN_PAUSE
            try:
                due = await self.store.next_feed_due()
                # Held posts (flood control, quiet hours) go out on time, not at the next poll.
                release = await self.store.next_hold_release()
            except Exception:
                log.exception("cannot read the feed schedule; trying again shortly")
                due, release, pause = None, None, MIN_PAUSE
            now = self.clock.now()
            when = min(_at(due) if due else now + IDLE, now + IDLE)
            if release is not None:
                when = min(when, _at(release))
            await self._sleep_until(max(when, now + pause))

    async def _sleep_until(self, when: datetime) -> None:
        self._asleep, self._asleep_until = True, when
        self._notify()
        try:
            while True:
                await first_of(self.clock.sleep_until(when), self._wake.wait())
                if not (self._wake.is_set() and self._replan_only):
                    return
                self._wake.clear()
                self._replan_only = False
                try:
                    due = await self.store.next_feed_due()
                except Exception:
                    log.exception("cannot read the feed schedule; polling now instead")
                    return
                if due is not None and _at(due) < when:
                    when = max(_at(due), self.clock.now())
                    self._asleep_until = when
                self._notify()
        finally:
            self._asleep = False
            self._wake.clear()

    def _notify(self) -> None:
        self._progress.set()
        self._progress = asyncio.Event()

    def idle(self) -> bool:
        """True when the task sleeps with nothing due: every due feed has been polled."""
        return (
            self._asleep
            and not self._wake.is_set()
            and (self._asleep_until is None or self.clock.now() < self._asleep_until)
        )

    async def wait_idle(self, wait_seconds: float = 10.0) -> None:
        """Wait until `idle()` (e.g. after moving a FakeClock or adding a feed)."""
        async with asyncio.timeout(wait_seconds):
            while not self.idle():
                await self._progress.wait()

    # -- one cycle --------------------------------------------------------------------------

    async def run_due(self) -> list[PollResult]:
        """Poll every subscribed feed that is due and that this bot claims (another bot on the
        same database polls the rest), then deliver what is queued."""
        due = await self.store.feeds_due(utc_iso(self.clock.now()))
        limit = asyncio.Semaphore(CONCURRENT_FEEDS)

        async def one(feed: Feed) -> PollResult | None:
            async with limit:
                claimed = await self.store.claim_feed_poll(
                    feed.id,
                    owner=self.owner,
                    now=self.clock.now(),
                    lease=LEASE,
                    due=feed.next_poll_at,
                )
                if claimed is None:
                    return None  # another bot polls it, or has already polled it for this time
                return await self._claimed_poll(claimed, None)

        try:
            polled = await asyncio.gather(*(one(feed) for feed in due))
            results = [result for result in polled if result is not None]
        finally:
            self.pages.forget()  # pages are shared within a cycle, fetched anew after
        async with self._write:
            await self.router.backfill(self.clock.now())
        await self.delivery.deliver()
        return results
