"""Which new items a subscription queues, and why the others are left out: paused, too old,
muted, filtered, or a story the channel already has. Every decision is a line in the
subscription's delivery log, written in the transaction that queues the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.clock import utc_iso
from bot.feeds.health import describe_gap
from bot.feeds.subscriptions import EntityResolver, matching_articles
from bot.models import Article
from bot.mutes import describe, muted_articles
from bot.store import DeliveryOutcome, Feed, NewLogEntry, Store, Subscription

# The articles of `articles` a subscription's server has muted, each with why (the rule).
MuteCheck = Callable[[Subscription, Sequence[Article]], Awaitable[Mapping[int, str]]]


def server_mutes(store: Store) -> MuteCheck:
    """The mute check a router uses unless given another: the subscription's server's mute
    list (bot.mutes), each hidden item logged with the rule that hid it."""

    async def check(subscription: Subscription, articles: Sequence[Article]) -> dict[int, str]:
        hidden = await muted_articles(store, subscription.guild_id, articles)
        return {i: f"hidden by the server's mute list: {describe(m)}" for i, m in hidden.items()}

    return check


# How a duplicate story's line says where the first one stands.
ALREADY = {
    "posted": "already posted in",
    "pending": "already on its way to",
    "posting": "already on its way to",
    "held": "already held for",
    "digest": "already left to the digest of",
    "failed": "already tried, and failed, in",
    "dropped": "already dropped (paused or muted) from",
}


@dataclass(frozen=True)
class Verdict:
    """What to do with one article for one subscription: queue it (`outcome` None) or log why
    not."""

    article: Article
    outcome: DeliveryOutcome | None = None
    detail: str = ""


def _published(article: Article) -> datetime | None:
    try:
        return datetime.fromisoformat(article.published_at) if article.published_at else None
    except ValueError:
        return None


def too_old(article: Article, subscription: Subscription, now: datetime) -> str | None:
    """Why the article is older than the subscription takes (None when it is not)."""
    published = _published(article)
    if not subscription.max_age_hours or published is None:
        return None
    age = now - published
    if age <= timedelta(hours=subscription.max_age_hours):
        return None
    return (
        f"published {describe_gap(age)} ago; this feed takes items up to "
        f"{subscription.max_age_hours} hours old"
    )


async def triage(
    store: Store,
    subscription: Subscription,
    articles: Sequence[Article],
    now: datetime,
    *,
    entity_articles: EntityResolver | None = None,
    muted: MuteCheck | None = None,
    check_age: bool = True,
) -> list[Verdict]:
    """Decide for each article, in order: paused, too old, muted, filtered, else queue it."""
    if subscription.paused:
        return [Verdict(a, DeliveryOutcome.PAUSED, "the feed is paused") for a in articles]
    verdicts: dict[int, Verdict] = {}
    for article in articles:
        if check_age and (why := too_old(article, subscription, now)):
            verdicts[article.id] = Verdict(article, DeliveryOutcome.TOO_OLD, why)
    live = [a for a in articles if a.id not in verdicts]
    # The mute list comes before the filter: a muted item is hidden whatever the filter says.
    hidden = await muted(subscription, live) if muted is not None and live else {}
    for article in live:
        if article.id in hidden:
            verdicts[article.id] = Verdict(article, DeliveryOutcome.MUTED, hidden[article.id])
    rest = [a.id for a in live if a.id not in hidden]
    passing = await matching_articles(store, subscription.filter, rest, entity_articles)
    rule = f"doesn't match the filter “{subscription.filter}”"
    for article in live:
        if article.id not in verdicts and article.id not in passing:
            verdicts[article.id] = Verdict(article, DeliveryOutcome.FILTERED, rule)
    return [verdicts.get(a.id, Verdict(a)) for a in articles]


async def route(
    store: Store,
    subscription: Subscription,
    verdicts: Sequence[Verdict],
    stories: Mapping[int, int],
    now: datetime,
    *,
    detail: str = "",
) -> int:
    """Queue the articles `triage` let through (each story once per channel) and log every
    verdict; return how many were queued. Call inside the transaction that records them."""
    at = utc_iso(now)
    entries: list[NewLogEntry] = []
    queued = 0
    for verdict in verdicts:
        article = verdict.article
        line = NewLogEntry(
            subscription.id,
            article.title,
            article.url,
            DeliveryOutcome.QUEUED,
            detail,
            article_id=article.id,
        )
        if verdict.outcome is not None:
            entries.append(replace(line, outcome=verdict.outcome, detail=verdict.detail))
            continue
        story = stories.get(article.id, article.id)
        announcement = await store.queue_announcement(subscription, story, article.id, at)
        if announcement is not None:
            queued += 1
            entries.append(replace(line, announcement_id=announcement))
            continue
        first = await store.story_post(subscription.channel_id, story)
        first_id, status, link = first or (None, "posted", None)
        why = f"the same story is {ALREADY.get(status, 'already in')} this channel"
        duplicate = replace(line, outcome=DeliveryOutcome.DUPLICATE, detail=why, link=link)
        entries.append(replace(duplicate, announcement_id=first_id))
    await store.log_deliveries(entries, at)
    return queued


class Router:
    """Routes a feed's new items to its subscriptions: triage, queue, log."""

    def __init__(
        self,
        store: Store,
        *,
        entity_articles: EntityResolver | None = None,
        muted: MuteCheck | None = None,
    ) -> None:
        self.store = store
        self.entity_articles = entity_articles
        self.muted = muted if muted is not None else server_mutes(store)

    async def verdicts(
        self,
        subscription: Subscription,
        articles: Sequence[Article],
        now: datetime,
        *,
        check_age: bool = True,
    ) -> list[Verdict]:
        """`triage` with this bot's entity index and mute list."""
        return await triage(
            self.store,
            subscription,
            articles,
            now,
            entity_articles=self.entity_articles,
            muted=self.muted,
            check_age=check_age,
        )

    async def queue(
        self,
        feed: Feed,
        added: Sequence[tuple[int, int | None]],
        articles: Mapping[int, Article],
        stories: Mapping[int, int],
        now: datetime,
    ) -> int:
        """Queue a poll's new items (item id, article id) for each subscription that takes
        them and log the rest; return how many were queued. Call inside the poll's
        transaction."""
        queued = 0
        for subscription in await self.store.feed_subscriptions(feed.id):
            fresh = [
                articles[a]
                for item, a in added
                if a and item > subscription.after_item_id and a in articles
            ]
            verdicts = await self.verdicts(subscription, fresh, now)
            queued += await route(self.store, subscription, verdicts, stories, now)
        return queued

    async def backfill(self, now: datetime) -> int:
        """Queue the latest items of subscriptions that asked for a backfill once their feed
        has been read (through their filter, whatever their age); return how many. Hold the
        poller's write lock."""
        queued = 0
        for subscription in await self.store.subscriptions_to_backfill():
            found = await self.store.feed_articles(subscription.feed_id, subscription.backfill)
            articles = found[::-1]  # oldest first, as they were published
            # The feed's first poll put its articles in stories; only look them up here.
            stories = await self.store.stories_of([a.id for a in articles])
            verdicts = await self.verdicts(subscription, articles, now, check_age=False)
            async with self.store.transaction():
                queued += await route(
                    self.store, subscription, verdicts, stories, now, detail="backfill"
                )
                await self.store.update_subscription(
                    subscription.guild_id, subscription.id, backfill=0
                )
        return queued
