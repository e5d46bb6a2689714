"""What the store keeps for story updates: what each channel was told of a story, later
articles queued as updates to a story a channel already has, and members following a story
(from the channel they pressed Follow in) with the updates each was sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.models.delivery import PostedMessage
from bot.models.update import StoryText
from bot.store.records.feed_delivery import DeliveryOutcome
from bot.store.records.feeds import Subscription
from bot.store.records.story_updates import (
    PendingUpdate,
    StoryFollow,
    StoryNotice,
    UpdateRecord,
)


class StoryUpdateStore(Protocol):
    """Story updates and story follows; what a member reads is guild- and member-scoped."""

    # -- what a channel was told ------------------------------------------------------------

    async def record_story_text(
        self, channel_id: int, story_id: int, article_id: int, text: StoryText, now: str
    ) -> None:
        """Keep what a post of a story in a channel said (its article's sentences for a story
        post, the sentences shown for an update; at most TEXT_SENTENCES_CAP), once per
        article. Call inside the transaction that records the post."""
        ...

    async def story_texts(self, channel_id: int, story_id: int) -> list[StoryText]:
        """What the posts of a story in a channel said, oldest first (the newest
        STORY_TEXTS_READ posts)."""
        ...

    async def story_text(self, channel_id: int, story_id: int, article_id: int) -> StoryText | None:
        """What one post (of `article_id`) of a story in a channel said, or None."""
        ...

    async def forget_story_texts(self, before: str) -> int:
        """Drop what posts said before ISO UTC `before` (their stories take no new articles
        any more); return how many posts were forgotten."""
        ...

    # -- updates -----------------------------------------------------------------------------

    async def queue_story_update(
        self, subscription: Subscription, story_id: int, article_id: int, now: str
    ) -> int | None:
        """Queue a later article of a story the subscription's channel already has as an
        update there and return its id; None when that article is already queued there or is
        the one the story's post carried."""
        ...

    async def pending_story_updates(self, limit: int = 200) -> list[PendingUpdate]:
        """Updates not yet decided or posted (any guild), oldest first, each with the story's
        first post in its channel."""
        ...

    async def story_updates_posting(self, update_ids: Sequence[int]) -> None:
        """Record that these updates are being posted now (a crash leaves them 'posting')."""
        ...

    async def finish_story_update(
        self, update_id: int, status: str, message: PostedMessage | None, now: str
    ) -> None:
        """Record what became of an update: 'posted' (with its message, None when it went
        only to followers), 'nothing' (it added nothing), 'skipped' (the story's post never
        went out, or updates were turned off) or 'failed' (given up)."""
        ...

    async def story_update_failed(self, update_id: int) -> None:
        """Count a failed attempt at posting an update; it stays pending."""
        ...

    async def log_story_update(
        self, update_id: int, outcome: DeliveryOutcome, detail: str, link: str | None, now: str
    ) -> None:
        """Change the delivery log line of a queued update to what became of it."""
        ...

    # -- story follows -----------------------------------------------------------------------

    async def add_story_follow(
        self,
        *,
        guild_id: int,
        user_id: int,
        channel_id: int,
        story_id: int,
        title: str,
        now: str,
    ) -> tuple[StoryFollow, bool]:
        """Follow a story from a channel for a member; return the follow and whether it is
        new (following it twice returns the first). Call inside a transaction."""
        ...

    async def count_story_follows(self, guild_id: int, user_id: int) -> int:
        """How many stories a member follows in this guild."""
        ...

    async def member_story_follows(self, guild_id: int, user_id: int) -> list[StoryFollow]:
        """The stories a member follows in this guild, newest first."""
        ...

    async def story_follow(self, follow_id: int) -> StoryFollow | None:
        """One story follow (any guild: the DM's button names it), or None."""
        ...

    async def remove_story_follow(self, follow_id: int, user_id: int) -> bool:
        """Remove one of this member's story follows (and what it was still to be sent);
        False when the member has none with that id."""
        ...

    async def prune_story_follows(self, before: str) -> int:
        """Remove story follows made before ISO UTC `before` (their stories take no new
        articles any more); return how many."""
        ...

    async def claim_story_notices(self, update_id: int, now: str) -> int:
        """Record the update as owed, once, to every member following its story from its
        channel; return how many were new. Call in the transaction that records the update."""
        ...

    async def pending_story_notices(self, limit: int = 200) -> list[StoryNotice]:
        """Updates owed to followers and not sent yet, oldest first."""
        ...

    async def story_notices_sent(self, notice_ids: Sequence[int], now: str) -> None:
        """Mark notices sent."""
        ...

    async def story_notice_failed(self, notice_ids: Sequence[int], give_up: bool) -> None:
        """Count a failed attempt; with `give_up`, stop trying (status 'failed')."""
        ...

    async def story_update(self, update_id: int) -> UpdateRecord | None:
        """One update as decided, or None."""
        ...
