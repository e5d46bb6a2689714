"""Handing queued announcements to the `announce` callback, per channel, each story once."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.clock import Clock, SystemClock, utc_iso
from bot.errors import NewsdeskError
from bot.models import Article
from bot.store import Feed, PendingAnnouncement, Store, Subscription

log = logging.getLogger(__name__)

# After this many failed attempts (channel gone, no permission) an announcement is dropped.
MAX_ATTEMPTS = 5
SUMMARY_CHARS = 300
# A sentence ends at . ! ? or … (maybe closing a quote) before a capital or a digit...
_BOUNDARY = re.compile(r"(?<=[.!?…])([\"”’')]*)\s+(?=[\"“‘'(]?[A-Z0-9])")
# ...unless the full stop belongs to a title or abbreviation that a name or number follows.
_NOT_FINAL = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Gov|Sen|Rep|St|Jr|Sr|No|U\.S|U\.K)\.$")


class AnnouncementUndeliverable(NewsdeskError):
    """The channel can never take this announcement (deleted, no access): stop retrying."""


@dataclass(frozen=True)
class NewArticle:
    """One article to announce, with the other outlets that carried the same story."""

    announcement_id: int
    article: Article
    story_id: int
    other_sources: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Announcement:
    """New articles for one subscription's channel, oldest first."""

    subscription: Subscription
    feed: Feed
    articles: tuple[NewArticle, ...]
    # An earlier attempt was cut short (the bot died mid-post): some may already be posted.
    resumed: bool = False


# Posts an announcement; returns the ids of the announcements it delivered when it managed only
# some of them (the rest are retried), or None when it delivered them all.
Announcer = Callable[[Announcement], Awaitable[Sequence[int] | None]]
# A better summary than the feed's standfirst (e.g. the stored NLP summary), or None.
Summarizer = Callable[[Article], Awaitable[str | None]]


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (a light rule-based splitter, good enough for a lead)."""
    pieces = _BOUNDARY.split(text)
    found: list[str] = []
    carry = ""
    # split() with one group yields sentence, closer, sentence, closer, ..., sentence.
    for index in range(0, len(pieces), 2):
        closer = pieces[index + 1] if index + 1 < len(pieces) else ""
        sentence = carry + pieces[index] + closer
        if closer == "" and _NOT_FINAL.search(sentence) and index + 1 < len(pieces):
            carry = sentence + " "
            continue
        found.append(sentence.strip())
        carry = ""
    if carry:
        found.append(carry.strip())
    return [s for s in found if s]


def lead(article: Article, max_chars: int = SUMMARY_CHARS) -> str:
    """A one- or two-sentence summary: the feed's own standfirst, else the article's lead."""
    summary = str(article.metadata.get("summary") or "")
    if not summary or summary.casefold() == article.title.casefold():
        summary = article.body
    paragraph = summary.split("\n\n", 1)[0].strip()
    if paragraph.casefold() == article.title.casefold():
        return ""
    chosen = ""
    for sentence in sentences(paragraph)[:2]:
        candidate = f"{chosen} {sentence}".strip()
        if chosen and len(candidate) > max_chars:
            break
        chosen = candidate
    if len(chosen) > max_chars:
        chosen = chosen[: max_chars - 1].rsplit(" ", 1)[0] + "…"
    return chosen


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
    ) -> None:
        self.store = store
        self.announce = announce
        self.clock = clock or SystemClock()
        self.lock = lock or asyncio.Lock()
        self.summarize = summarize

    async def deliver(self) -> int:
        """Announce every pending story (grouped per subscription); return how many posted."""
        if self.announce is None:
            return 0
        groups: dict[int, list[PendingAnnouncement]] = {}
        for pending in await self.store.pending_announcements():
            groups.setdefault(pending.subscription_id, []).append(pending)
        posted = 0
        for subscription_id, items in groups.items():
            posted += await self._deliver_one(subscription_id, items)
        return posted

    async def _deliver_one(self, subscription_id: int, items: list[PendingAnnouncement]) -> int:
        ids = [item.id for item in items]
        subscription = await self.store.subscription_by_id(subscription_id)
        feed = await self.store.feed(subscription.feed_id) if subscription else None
        if subscription is None or feed is None:
            return 0  # removed meanwhile: the cascade already dropped its queue
        articles = []
        for item in items:
            sources = await self.store.story_sources(item.story_id)
            others = tuple(s for s in sources if s and s != item.article.source)
            summary = await self._summary(item.article)
            articles.append(NewArticle(item.id, item.article, item.story_id, others, summary))
        assert self.announce is not None
        resumed = any(item.resumed for item in items)
        async with self.lock:
            await self.store.announcements_posting(ids)
        try:
            delivered = await self.announce(
                Announcement(subscription, feed, tuple(articles), resumed=resumed)
            )
        except AnnouncementUndeliverable as exc:
            log.warning(
                "dropping %d announcement(s) for channel %s: %s",
                len(ids),
                subscription.channel_id,
                exc,
            )
            async with self.lock:
                await self.store.announcement_failed(ids, give_up=True)
            return 0
        except Exception:
            log.exception("announcing to channel %s failed", subscription.channel_id)
            give_up = max(item.attempts for item in items) + 1 >= MAX_ATTEMPTS
            async with self.lock:
                await self.store.announcement_failed(ids, give_up=give_up)
            return 0
        done = ids if delivered is None else [i for i in ids if i in set(delivered)]
        left = [i for i in ids if i not in set(done)]
        async with self.lock:
            await self.store.mark_announced(done, None, utc_iso(self.clock.now()))
            if left:
                give_up = max(item.attempts for item in items) + 1 >= MAX_ATTEMPTS
                await self.store.announcement_failed(left, give_up=give_up)
        return len(done)

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
