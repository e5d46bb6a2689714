"""One poll of one feed: fetch it (conditionally), parse it off the loop, take its new entries
(pages read, articles stored, items recorded, announcements queued) under the poll's claim,
and save the feed's state and health, telling its channels of a new problem once."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import Clock, utc_iso
from bot.feeds.claims import LEASE, ClaimLost, while_claimed
from bot.feeds.fetcher import Fetched, Fetcher, FetchError, describe
from bot.feeds.health import FeedAlert, alert_for, next_rhythm
from bot.feeds.pages import EntryPages
from bot.feeds.parse import FeedEntry, FeedFormatError, ParsedFeed
from bot.feeds.schedule import after_failure, after_success, poll_interval
from bot.feeds.triage import Router
from bot.ingest import Enricher, ingest_drafts
from bot.metrics import Metrics
from bot.store import Feed, SeenItem, Store
from bot.stories import story_ids

log = logging.getLogger(__name__)

# New items handled per poll; the rest wait for the next poll (a feed's first poll keeps only
# this many newest as articles and records the older ones as already seen).
MAX_ITEMS_PER_POLL = 30

Notifier = Callable[[FeedAlert], Awaitable[None]]
FeedParser = Callable[[bytes, str, str | None], ParsedFeed]


@dataclass
class PollResult:
    """What one poll of one feed did."""

    feed: Feed
    status: str
    new_items: int = 0
    added: list[int] = field(default_factory=list)  # articles stored for the first time
    queued: int = 0  # announcements queued
    skipped_items: int = 0  # over the per-poll cap, left for the next poll
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the feed answered usefully (including 304 Not Modified)."""
        return self.error is None


class FeedPolls:
    """Polling one feed; mixed into `FeedPoller` (bot/feeds/poller.py), which sets these up."""

    store: Store
    fetcher: Fetcher
    clock: Clock
    owner: str
    rng: random.Random
    parse: FeedParser
    pages: EntryPages
    router: Router
    notify: Notifier | None
    enrich: Enricher | None
    metrics: Metrics | None
    _write: asyncio.Lock

    async def poll_feed(self, feed: Feed, *, fetched: Fetched | None = None) -> PollResult:
        """Poll one feed now, due or not (or take a response already fetched); failures
        become its status. Refused while another bot is polling the feed."""
        claimed = await self.store.claim_feed_poll(
            feed.id, owner=self.owner, now=self.clock.now(), lease=LEASE
        )
        if claimed is None:
            return PollResult(feed, "polled elsewhere", error="another bot is polling this feed")
        return await self._claimed_poll(claimed, fetched)

    async def _claimed_poll(self, feed: Feed, fetched: Fetched | None) -> PollResult:
        """Poll a feed whose poll we claimed, keeping the claim until the result is saved."""
        try:
            return await while_claimed(
                self.store, feed.id, self.owner, self.clock, self._poll_safely(feed, fetched)
            )
        except ClaimLost:
            # We stalled past the lease and another bot polled the feed: its result stands.
            log.warning("feed %s: poll taken over by another bot; result dropped", feed.url)
            return PollResult(feed, "taken over", error="another bot took this poll over")

    async def _poll_safely(self, feed: Feed, fetched: Fetched | None) -> PollResult:
        try:
            return await self._poll(feed, fetched)
        except ClaimLost:
            raise
        except Exception as exc:  # a bug or a database error: keep the other feeds going
            log.exception("polling %s failed", feed.url)
            return await self._failed(feed, "error", None, f"internal error: {exc}", None)

    async def _poll(self, feed: Feed, fetched: Fetched | None) -> PollResult:
        if fetched is None:
            try:
                fetched = await self.fetcher.get(
                    feed.url, etag=feed.etag, last_modified=feed.last_modified
                )
            except FetchError as exc:
                status, error = describe(exc), str(exc)
                return await self._failed(feed, status, exc.status, error, exc.retry_after)
        if fetched.not_modified:
            feed = self._succeeded(feed, fetched, "not modified")
            return await self._finish(PollResult(feed, "not modified"))
        content_type = fetched.headers.get("content-type")
        try:
            parsed = await asyncio.to_thread(self.parse, fetched.body, fetched.url, content_type)
        except FeedFormatError as exc:
            status = "not a feed" if str(exc).startswith("not a feed") else "malformed"
            return await self._failed(feed, status, fetched.status, str(exc), None)
        return await self._take(feed, fetched, parsed)

    async def _take(self, feed: Feed, fetched: Fetched, parsed: ParsedFeed) -> PollResult:
        priming = feed.last_success_at is None
        listed = list(dict.fromkeys(e.guid for e in parsed.entries))
        by_guid = {e.guid: e for e in reversed(parsed.entries)}  # the first listing wins
        seen = await self.store.seen_guids(feed.id, listed)
        # Feeds list newest first; handle oldest first so announcements read in order.
        new = [by_guid[g] for g in reversed(listed) if g not in seen]
        older: list[FeedEntry] = []
        if priming:
            older, new = new[:-MAX_ITEMS_PER_POLL], new[-MAX_ITEMS_PER_POLL:]
        later = new[MAX_ITEMS_PER_POLL:]
        new = new[:MAX_ITEMS_PER_POLL]
        source = parsed.title or feed.title or feed.url
        # A subscription's CSS selector picks the text on the pages (the oldest one's wins).
        selector = next(iter(await self.store.feed_selectors(feed.id)), "") if new else ""
        prepared = await asyncio.gather(
            *(self.pages.prepare(entry, source, selector) for entry in new)
        )
        status = "ok" if parsed.warning is None else "ok, XML repaired"
        feed = self._succeeded(feed, fetched, status)
        feed = dataclasses.replace(
            feed,
            title=parsed.title or feed.title,
            site_url=parsed.site_url or feed.site_url,
            interval_seconds=poll_interval(feed, parsed),
            last_error=parsed.warning,
            pages_extracted=feed.pages_extracted + sum(1 for *_, ok in prepared if ok),
            pages_failed=feed.pages_failed + sum(1 for *_, ok in prepared if ok is False),
        )
        result = PollResult(feed, status, new_items=len(new), skipped_items=len(later))
        async with self._write:
            drafts = [draft for _, draft, _ in prepared if draft is not None]
            report = await ingest_drafts(self.store, drafts, clock=self.clock, enrich=self.enrich)
            result.added = list(report.added)
            items = [await self.pages.seen_item(entry, draft) for entry, draft, _ in prepared]
            articles = await self.store.articles([i.article_id for i in items if i.article_id])
            stories = await story_ids(self.store, [a.id for a in articles], clock=self.clock)
            by_id = {article.id: article for article in articles}
            now = utc_iso(self.clock.now())
            if new and not priming:
                rhythm, samples = next_rhythm(feed, self.clock.now())
                feed = dataclasses.replace(
                    feed, last_new_item_at=now, rhythm_seconds=rhythm, rhythm_samples=samples
                )
            elif priming and feed.last_new_item_at is None and parsed.entries:
                feed = dataclasses.replace(feed, last_new_item_at=now)
            result.feed = feed
            async with self.store.transaction():
                old = [SeenItem(e.guid, e.link, None) for e in older]
                await self.store.add_feed_items(feed.id, old, backlog=True, now=now)
                added = await self.store.add_feed_items(feed.id, items, backlog=priming, now=now)
                if not priming:
                    now_at = self.clock.now()
                    result.queued = await self.router.queue(feed, added, by_id, stories, now_at)
                if not await self.store.save_feed(feed, owner=self.owner):
                    raise ClaimLost(feed.url)  # rolls the items and announcements back
        return await self._finish(result)

    # -- feed state -------------------------------------------------------------------------

    def _succeeded(self, feed: Feed, fetched: Fetched, status: str) -> Feed:
        return after_success(feed, fetched, status, self.clock.now(), self.rng)

    async def _failed(
        self,
        feed: Feed,
        status: str,
        http_status: int | None,
        error: str,
        retry_after: timedelta | None,
    ) -> PollResult:
        now = self.clock.now()
        feed = after_failure(feed, status, http_status, error, retry_after, now, self.rng)
        log.info("feed %s: %s (%s); next poll %s", feed.url, status, error, feed.next_poll_at)
        return await self._finish(PollResult(feed, status, error=error))

    async def _finish(self, result: PollResult) -> PollResult:
        """Save the state and tell the feed's channels about a new health problem, once."""
        feed = result.feed
        alert = alert_for(feed, self.clock.now())
        if alert is None and feed.alert is not None:
            feed = dataclasses.replace(feed, alert=None)  # recovered: a new problem is news again
        elif alert is not None and alert.kind != feed.alert and self.notify is not None:
            # Tell the channels only while the poll is still ours (its owner reports, once).
            if not await self.store.renew_feed_poll(
                feed.id, owner=self.owner, now=self.clock.now(), lease=LEASE
            ):
                raise ClaimLost(feed.url)
            try:
                await self.notify(alert)
            except Exception:
                # Not told: the alert stays unrecorded, so the next poll tries again.
                log.exception("could not report %s for %s", alert.kind, feed.url)
            else:
                feed = dataclasses.replace(feed, alert=alert.kind)
        async with self._write:
            if not await self.store.save_feed(feed, owner=self.owner, release=True):
                raise ClaimLost(feed.url)
        result.feed = feed
        if self.metrics is not None:
            self.metrics.feed_polled(result.status)
        return result
