"""What's new in a story: a later report of a story a channel already has posts only what it
adds — the sentences `whats_new` finds against what the story's posts in that channel said —
as an update in a thread opened on the story's first post (inside its post, in a forum), or
only to the members who follow the story, or nothing at all when it adds nothing ("no new
facts" in the delivery log).

Exactly once, as for announcements: an update is a row queued once per article and channel
(bot/feeds/triage.py), marked 'posting' before Discord is called and resumed after a crash
(the poster looks for it in the thread; its nonce covers a lost answer); what it said is kept
in the transaction that marks it posted, with each follower's claim to it; followers are told
by DM once each (UNIQUE claims, retried up to MAX_ATTEMPTS)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import Clock, utc_iso
from bot.feeds.announcements import failure_detail
from bot.models import Article
from bot.models.delivery import Failure, FailureKind, PostedMessage
from bot.models.story import Report
from bot.models.update import NewSentence, StoryText
from bot.nlp.storyline import Figures, StoryReader
from bot.store import (
    UPDATES_OFF,
    UPDATES_THREAD,
    DeliveryOutcome,
    PendingUpdate,
    Store,
    StoryFollow,
    StoryNotice,
    StoryPost,
    Subscription,
)

log = logging.getLogger(__name__)

# Attempts at posting an update (or telling a follower) before giving up.
MAX_ATTEMPTS = 5
# What posts said is kept this long: a story takes new reports for a week after its first.
TEXTS_KEPT = timedelta(days=14)
# First posts that never went out leave nothing to update.
_NO_POST = {
    "failed": "its post failed",
    "dropped": "its post was dropped when the feed was paused",
    "digest": "it was left to the digest",
}


@dataclass(frozen=True)
class UpdateText:
    """What an update shows, wherever it goes: the report (outlet, headline, link, date), the
    story it adds to, the sentences it adds, and where the story's outlets disagree."""

    article: Article
    outlet: str
    story_title: str
    sentences: tuple[str, ...]
    figures: Figures = field(default_factory=Figures)
    link: str | None = None  # the update in the story's thread, once posted there


@dataclass(frozen=True)
class StoryUpdate:
    """An update to post in the thread of a story's first post in a channel."""

    id: int
    subscription: Subscription
    post: StoryPost
    shown: UpdateText
    resumed: bool = False  # an earlier attempt was cut short: it may be in the thread


@dataclass(frozen=True)
class FollowerUpdate:
    """An update to send one follower by DM."""

    notice_id: int
    follow: StoryFollow
    shown: UpdateText


# Post an update in its story's thread: the message, or why it could not be posted.
UpdatePoster = Callable[[StoryUpdate], Awaitable[PostedMessage | Failure]]
# Send a follower an update by DM: None when sent, else why not.
FollowerSender = Callable[[FollowerUpdate], Awaitable[Failure | None]]


def shown_text(text: StoryText, added: list[NewSentence]) -> StoryText:
    """The part of a report an update shows: its new sentences with their names."""
    names = tuple(text.names[n.index] for n in added) if text.names else ()
    return StoryText(tuple(n.text for n in added), names, text.published)


class StoryUpdates:
    """Decides, posts and logs the updates queued for stories channels already have, and
    tells the stories' followers."""

    def __init__(
        self,
        store: Store,
        post: UpdatePoster | None,
        tell: FollowerSender | None,
        *,
        clock: Clock,
        lock: asyncio.Lock,
    ) -> None:
        self.store = store
        self.post = post
        self.tell = tell
        self.clock = clock
        self.lock = lock
        self.reader = StoryReader(store)

    async def deliver(self) -> int:
        """Decide every queued update whose story's post is out, post those that add
        something, then tell followers what they are owed; return how many were posted."""
        posted = 0
        for pending in await self.store.pending_story_updates():
            try:
                posted += await self._one(pending)
            except Exception:
                log.exception("update %d of story %d failed", pending.id, pending.story_id)
        await self._tell_followers()
        return posted

    async def _settle(
        self, pending: PendingUpdate, status: str, outcome: DeliveryOutcome, detail: str
    ) -> None:
        now = utc_iso(self.clock.now())
        link = pending.post.link if pending.post else None
        async with self.lock, self.store.transaction():
            await self.store.finish_story_update(pending.id, status, None, now)
            await self.store.log_story_update(pending.id, outcome, detail, link, now)

    async def _one(self, pending: PendingUpdate) -> int:
        post = pending.post
        if post is None or post.status in _NO_POST:
            why = _NO_POST.get(post.status if post else "", "its post is gone")
            detail = f"the same story is already in this channel ({why}): no update"
            await self._settle(pending, "skipped", DeliveryOutcome.DUPLICATE, detail)
            return 0
        if post.status != "posted":
            return 0  # the story's own post goes out first
        subscription = await self.store.subscription_by_id(pending.subscription_id)
        if subscription is None:
            return 0  # removed meanwhile: the cascade takes its updates
        if subscription.updates == UPDATES_OFF:
            detail = "the same story is already in this channel (updates are off)"
            await self._settle(pending, "skipped", DeliveryOutcome.DUPLICATE, detail)
            return 0
        if subscription.updates == UPDATES_THREAD and post.message_id is None:
            detail = "the story's post has no message to open a thread on: no update"
            await self._settle(pending, "skipped", DeliveryOutcome.DUPLICATE, detail)
            return 0
        said = await self._said(pending.channel_id, pending.story_id, post)
        text = await self.reader.text(pending.article)
        added = await self.reader.added(said, text) if text.sentences else []
        if not added:
            detail = "adds nothing the story's posts in this channel had not said"
            await self._settle(pending, "nothing", DeliveryOutcome.NO_NEW_FACTS, detail)
            return 0
        shown = shown_text(text, added)
        update = StoryUpdate(
            pending.id,
            subscription,
            post,
            await self._shown(pending, post, shown.sentences),
            resumed=pending.resumed,
        )
        message: PostedMessage | None = None
        if subscription.updates == UPDATES_THREAD:
            result = await self._post(update, pending)
            if result is None:
                return 0
            message = result
        await self._record(pending, shown, message)
        return 1

    async def _said(self, channel_id: int, story_id: int, post: StoryPost) -> list[StoryText]:
        """What the story's posts in this channel said, its first post included (a post kept
        without its text — a packed card, or one from before updates were on — is read from
        its article)."""
        said = await self.store.story_texts(channel_id, story_id)
        if await self.store.story_text(channel_id, story_id, post.article_id) is None:
            articles = await self.store.articles([post.article_id])
            if articles:
                said.insert(0, await self.reader.text(articles[0]))
        return said

    async def _shown(
        self, pending: PendingUpdate, post: StoryPost, sentences: tuple[str, ...]
    ) -> UpdateText:
        story = await self.store.story(pending.story_id)
        figures = await self.reader.figures(story) if story is not None else Figures()
        first = await self.store.articles([post.article_id])
        title = first[0].title if first else (story.first.title if story else "")
        outlet = Report.of(pending.article).outlet
        return UpdateText(pending.article, outlet, title, sentences, figures)

    async def _post(self, update: StoryUpdate, pending: PendingUpdate) -> PostedMessage | None:
        """Post in the story's thread; on failure count the attempt (and log it)."""
        assert self.post is not None
        async with self.lock, self.store.transaction():
            await self.store.story_updates_posting([update.id])
        try:
            result = await self.post(update)
        except Exception as exc:
            log.exception("posting update %d failed", update.id)
            result = Failure(FailureKind.HTTP_ERROR, detail=f"internal error: {exc}")
        if isinstance(result, PostedMessage):
            return result
        attempts = pending.attempts + 1
        give_up = result.lasting or attempts >= MAX_ATTEMPTS
        retry = "gave up" if give_up else f"will retry (attempt {attempts} of {MAX_ATTEMPTS})"
        detail = f"{failure_detail(result)}; {retry}"
        now = utc_iso(self.clock.now())
        async with self.lock, self.store.transaction():
            if give_up:
                await self.store.finish_story_update(update.id, "failed", None, now)
            else:
                await self.store.story_update_failed(update.id)
            await self.store.log_story_update(
                update.id, DeliveryOutcome.FAILED, detail, update.post.link, now
            )
        return None

    async def _record(
        self, pending: PendingUpdate, shown: StoryText, message: PostedMessage | None
    ) -> None:
        """Mark the update posted, keep what it said, owe it to the story's followers here,
        and say so in the delivery log — in one transaction."""
        now = self.clock.now()
        at = utc_iso(now)
        count = len(shown.sentences)
        what = f"{count} new sentence{'s' if count != 1 else ''}"
        async with self.lock, self.store.transaction():
            await self.store.finish_story_update(pending.id, "posted", message, at)
            await self.store.record_story_text(
                pending.channel_id, pending.story_id, pending.article.id, shown, at
            )
            told = await self.store.claim_story_notices(pending.id, at)
            await self.store.forget_story_texts(utc_iso(now - TEXTS_KEPT))
            followers = f"{told} follower{'s' if told != 1 else ''}"
            if message is not None:
                detail = f"{what} in the story's thread" + (f", and to {followers}" if told else "")
            else:
                detail = f"{what}, to {followers} by DM"
            link = message.link if message else None
            await self.store.log_story_update(pending.id, DeliveryOutcome.UPDATE, detail, link, at)

    # -- followers ----------------------------------------------------------------------------

    async def _tell_followers(self) -> None:
        if self.tell is None:
            return
        for notice in await self.store.pending_story_notices():
            shown = await self._notice_text(notice)
            failure: Failure | None
            if shown is None:
                failure = Failure(FailureKind.MISSING_CHANNEL, detail="the update is gone")
            else:
                try:
                    failure = await self.tell(FollowerUpdate(notice.id, notice.follow, shown))
                except Exception as exc:
                    log.exception("telling follower %d failed", notice.follow.user_id)
                    failure = Failure(FailureKind.HTTP_ERROR, detail=str(exc))
            async with self.lock, self.store.transaction():
                if failure is None:
                    await self.store.story_notices_sent([notice.id], utc_iso(self.clock.now()))
                else:
                    give_up = failure.lasting or notice.attempts + 1 >= MAX_ATTEMPTS
                    await self.store.story_notice_failed([notice.id], give_up)

    async def _notice_text(self, notice: StoryNotice) -> UpdateText | None:
        update = notice.update
        said = await self.store.story_text(update.channel_id, update.story_id, update.article_id)
        articles = await self.store.articles([update.article_id])
        if said is None or not articles:
            return None
        story = await self.store.story(update.story_id)
        figures = await self.reader.figures(story) if story is not None else Figures()
        article = articles[0]
        outlet = Report.of(article).outlet
        return UpdateText(
            article, outlet, notice.follow.title, said.sentences, figures, link=update.link
        )
