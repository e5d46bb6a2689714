"""Follows: members and channels following an entity, what an entity is quoted as saying, a
saved search, or a pair of entities (told when the pair rises), and the notifications new
articles bring them, recorded once per follow and article and delivered in batches.

    follow, created = await follow_entity(store, guild_id=g, name="Hamas", user_id=u, ...)
    notifications = await notify_new_articles(store, report.added)   # after ingest and NLP
    await deliver(store, notifications, send)   # send(notification) posts it; see `Sender`

Each (follow, article) pair is claimed in the database before anything is sent (UNIQUE), so
repeated ingests, restarts and several callers never notify twice; what was claimed but not
delivered (a crash, Discord down) stays pending and goes out with the next delivery. A quotes
follow is told of an article only for quotations its entity had not been quoted saying in an
earlier article, so one quotation carried by several outlets is news once. An article the
follow's server has muted (bot.mutes) is never claimed for it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.clock import Clock, SystemClock, utc_iso
from bot.errors import NewsdeskError
from bot.feeds.subscriptions import matching_articles
from bot.insights.rising import pair_key, pair_rises
from bot.models import Article
from bot.mutes import muted_articles
from bot.nlp.lookup import entity_article_ids, resolve_entity
from bot.search.cost import check_search
from bot.search.query import clean, parse_query
from bot.store import Follow, PendingNotification, Store, StoredQuote, entity_key

log = logging.getLogger(__name__)

MAX_MEMBER_FOLLOWS = 10  # per member per server
MAX_CHANNEL_FOLLOWS = 10  # per channel
MAX_QUERY_CHARS = 200
# Pair follows checked when new articles come (all guilds; the oldest first).
MAX_PAIR_FOLLOWS = 500
# After this many failed deliveries (Discord errors) a notification is dropped.
MAX_ATTEMPTS = 5


class FollowError(NewsdeskError):
    """A follow cannot be added or removed (limit reached, unknown follow)."""


class NotificationUndeliverable(NewsdeskError):
    """The recipient can never get this notification (DMs closed, channel gone): stop trying."""


@dataclass(frozen=True)
class NotifiedArticle:
    """A new article and the recipient's follows it matched; with quotes follows, the new
    quotations of their entities it carries."""

    article: Article
    follows: tuple[Follow, ...]
    quotes: tuple[StoredQuote, ...] = ()


@dataclass(frozen=True)
class Notification:
    """New articles for one recipient: a member (by DM) or a channel, newest first."""

    user_id: int | None
    channel_id: int | None
    articles: tuple[NotifiedArticle, ...]
    ids: tuple[int, ...]  # the notification rows this batch delivers
    attempts: int = 0


Sender = Callable[[Notification], Awaitable[None]]


#: Between a pair follow's two names: "Hamas × Qatar".
PAIR_JOIN = " × "


def query_key(text: str) -> str:
    """What makes two saved searches the same: case and spacing folded."""
    return " ".join(clean(text).casefold().split())


def _recipient(user_id: int | None, channel_id: int | None) -> dict[str, int | None]:
    if (user_id is None) == (channel_id is None):
        raise ValueError("a follow belongs to exactly one member or one channel")
    return {"user_id": user_id, "channel_id": channel_id}


async def _add(
    store: Store,
    *,
    guild_id: int,
    user_id: int | None,
    channel_id: int | None,
    created_by: int,
    clock: Clock | None,
    **what: str | None,
) -> tuple[Follow, bool]:
    recipient = _recipient(user_id, channel_id)
    limit = MAX_MEMBER_FOLLOWS if user_id is not None else MAX_CHANNEL_FOLLOWS
    now = utc_iso((clock or SystemClock()).now())
    async with store.transaction():
        follow, created = await store.add_follow(
            guild_id=guild_id, created_by=created_by, now=now, **recipient, **what
        )
        # Counted after the insert, in the same transaction: two racing follows can't both
        # slip under the limit. Raising rolls the insert back.
        if created and await store.count_follows(guild_id, **recipient) > limit:
            who = "You follow" if user_id is not None else "This channel follows"
            raise FollowError(
                f"{who} {limit} things already, the most allowed. `/unfollow` one first."
            )
    return follow, created


async def follow_entity(
    store: Store,
    *,
    guild_id: int,
    name: str,
    created_by: int,
    user_id: int | None = None,
    channel_id: int | None = None,
    clock: Clock | None = None,
    quotes: bool = False,
) -> tuple[Follow, bool]:
    """Follow the entity `name` means (see `resolve_entity`) for a member or a channel: the
    new articles naming it, or with `quotes` (kind "quotes") those quoting it saying
    something it had not been quoted saying before. Return the follow and whether it is
    new; articles stored before now never notify."""
    entity = await resolve_entity(store, name)
    key = entity_key(entity.name, entity.label)
    return await _add(
        store,
        guild_id=guild_id,
        user_id=user_id,
        channel_id=channel_id,
        created_by=created_by,
        clock=clock,
        kind="quotes" if quotes else "entity",
        target=entity.name,
        target_key=f"{entity.label}:{key}",  # followed at most once per kind
        entity_key=key,
        entity_label=entity.label,
    )


async def follow_query(
    store: Store,
    *,
    guild_id: int,
    text: str,
    created_by: int,
    user_id: int | None = None,
    channel_id: int | None = None,
    clock: Clock | None = None,
) -> tuple[Follow, bool]:
    """Follow a saved search (the search language, filters included) for a member or a
    channel; QueryError when it could not search. Articles stored before now never notify."""
    text = " ".join(clean(text).split())
    if len(text) > MAX_QUERY_CHARS:
        raise FollowError(f"Keep a followed search under {MAX_QUERY_CHARS} characters.")
    # QueryError with a friendly message; TooBroad for a search too costly to run on every
    # batch of new articles (its prefixes are merged over the whole index each time).
    await check_search(store, parse_query(text))
    return await _add(
        store,
        guild_id=guild_id,
        user_id=user_id,
        channel_id=channel_id,
        created_by=created_by,
        clock=clock,
        kind="query",
        target=text,
        target_key=query_key(text),
        entity_key=None,
        entity_label=None,
    )


def pair_target(first: tuple[str, str], second: tuple[str, str]) -> tuple[str, str]:
    """A pair follow's target ("Hamas × Qatar") and key from two entities' (name, label)."""
    # Shown in reading order, as digests name a rising pair: "Hamas × Qatar" either way round.
    (a, a_label), (b, b_label) = sorted((first, second), key=lambda e: (e[0].casefold(), e[1]))
    key = pair_key((a_label, entity_key(a, a_label)), (b_label, entity_key(b, b_label)))
    return f"{a}{PAIR_JOIN}{b}", key


async def follow_pair(
    store: Store,
    *,
    guild_id: int,
    first: str,
    second: str,
    created_by: int,
    user_id: int | None = None,
    channel_id: int | None = None,
    clock: Clock | None = None,
) -> tuple[Follow, bool]:
    """Follow two entities (see `resolve_entity`) as a pair, told when the pair rises (named
    together far more than usual, bot/insights/rising.py), once per rise. Return the follow and
    whether it is new; "A × B" and "B × A" are one follow."""
    a, b = await resolve_entity(store, first), await resolve_entity(store, second)
    if a.id == b.id:
        raise FollowError(f"Pick two different names: {a.name} is both.")
    target, target_key = pair_target((a.name, a.label), (b.name, b.label))
    return await _add(
        store,
        guild_id=guild_id,
        user_id=user_id,
        channel_id=channel_id,
        created_by=created_by,
        clock=clock,
        kind="pair",
        target=target,
        target_key=target_key,
        entity_key=None,
        entity_label=None,
    )


async def unfollow(
    store: Store, guild_id: int, follow_id: int, *, user_id: int, manages_guild: bool
) -> Follow:
    """Remove a follow of this guild: a member's own, or (`manages_guild`) a channel's.
    Anyone else's, or another guild's, is reported as unknown."""
    follow = await store.guild_follow(guild_id, follow_id)
    allowed = follow is not None and (
        follow.user_id == user_id or (follow.channel_id is not None and manages_guild)
    )
    if follow is None or not allowed:
        raise FollowError(f"You have no follow #{follow_id} here; `/follows` lists yours.")
    async with store.transaction():
        await store.remove_follow(guild_id, follow_id)
    return follow


# -- matching and delivery ----------------------------------------------------------------


async def _query_hits(store: Store, article_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(follow id, article id) for saved searches that match these articles."""
    by_text: dict[str, list[Follow]] = {}
    for follow in await store.query_follows(max(article_ids)):
        by_text.setdefault(follow.target, []).append(follow)
    hits = []
    for text, follows in by_text.items():
        oldest = min(f.after_article_id for f in follows)
        candidates = [i for i in article_ids if i > oldest]
        try:
            matched = await matching_articles(
                store, text, candidates, lambda name: entity_article_ids(store, name)
            )
        except NewsdeskError:
            log.warning("followed search %r no longer parses; skipped", text)
            continue
        hits.extend((f.id, i) for f in follows for i in sorted(matched) if i > f.after_article_id)
    return hits


async def _unmuted(store: Store, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (follow id, article id) hits left once each follow's server's mute list has had
    its say: a muted article notifies no one there (and is never claimed, so never owed)."""
    if not hits:
        return hits
    guilds = await store.guilds_of_follows(sorted({follow for follow, _ in hits}))
    articles = {a.id: a for a in await store.articles(sorted({a for _, a in hits}))}
    hidden: dict[int, set[int]] = {}
    for guild in sorted(set(guilds.values())):
        wanted = {a for f, a in hits if guilds.get(f) == guild and a in articles}
        muted = await muted_articles(store, guild, [articles[a] for a in sorted(wanted)])
        hidden[guild] = set(muted)
    return [(f, a) for f, a in hits if a not in hidden.get(guilds.get(f, -1), set())]


async def notify_new_articles(
    store: Store, article_ids: Sequence[int], *, clock: Clock | None = None
) -> list[Notification]:
    """Record which follows these newly stored (and analysed) articles match, and which
    followed pairs began to rise (or stopped), then return every notification waiting to be
    delivered (these and any left over), one per recipient."""
    ids = sorted(set(article_ids))
    if ids:
        now = (clock or SystemClock()).now()
        hits = await store.entity_follow_hits(ids) + await _query_hits(store, ids)
        hits += await store.quote_follow_hits(ids)
        rises = await pair_rises(store, now, MAX_PAIR_FOLLOWS)
        hits = await _unmuted(store, [*hits, *rises.hits])
        # A rise whose newest article the server muted is not told, so not marked either: the
        # next article naming both (if not muted) tells it.
        told = {follow for follow, _ in hits}
        rose = [follow for follow in rises.rose if follow in told]
        if hits or rose or rises.fell:
            async with store.transaction():
                await store.claim_notifications(hits, utc_iso(now))
                await store.set_pair_risen(rose, utc_iso(now))
                await store.set_pair_risen(rises.fell, None)
    return await pending_notifications(store)


async def pending_notifications(store: Store) -> list[Notification]:
    """Every notification recorded but not delivered, batched per member or channel."""
    pending = await store.pending_notifications()
    groups: dict[tuple[int | None, int | None], list[PendingNotification]] = {}
    for item in pending:
        groups.setdefault((item.follow.user_id, item.follow.channel_id), []).append(item)
    articles = {
        a.id: a for a in await store.articles(sorted({item.article_id for item in pending}))
    }
    said = await _new_quotes(store, [item for item in pending if item.follow.kind == "quotes"])
    batches = []
    for (user_id, channel_id), items in groups.items():
        follows: dict[int, list[Follow]] = {}
        for item in items:
            follows.setdefault(item.article_id, []).append(item.follow)
        found = [
            NotifiedArticle(
                articles[i],
                tuple(matched),
                tuple(q for f in matched if f.kind == "quotes" for q in said.get((f.id, i), ())),
            )
            for i, matched in follows.items()
            if i in articles
        ]
        found.sort(key=lambda n: (n.article.when, n.article.id), reverse=True)
        batches.append(
            Notification(
                user_id=user_id,
                channel_id=channel_id,
                articles=tuple(found),
                ids=tuple(item.id for item in items),
                attempts=max(item.attempts for item in items),
            )
        )
    return batches


async def _new_quotes(
    store: Store, items: Sequence[PendingNotification]
) -> dict[tuple[int, int], list[StoredQuote]]:
    """(follow id, article id) -> the new quotations of the follow's entity in that article."""
    if not items:
        return {}
    ids: dict[int, set[int]] = {}  # follow id -> its entity's ids (one, unless renamed)
    for follow in {item.follow.id: item.follow for item in items}.values():
        ids[follow.id] = {
            e.id
            for e in await store.entities_named(follow.target)
            if e.label == follow.entity_label and entity_key(e.name, e.label) == follow.entity_key
        }
    quotes = await store.new_quotes(sorted({item.article_id for item in items}))
    found: dict[tuple[int, int], list[StoredQuote]] = {}
    for item in items:
        found[item.follow.id, item.article_id] = [
            q
            for q in quotes
            if q.article_id == item.article_id and q.entity_id in ids[item.follow.id]
        ]
    return found


async def deliver(
    store: Store,
    notifications: Sequence[Notification],
    send: Sender,
    *,
    clock: Clock | None = None,
) -> int:
    """Send each notification through `send`; mark it delivered once `send` returns. A
    `NotificationUndeliverable` drops it; other failures retry with the next delivery, up to
    MAX_ATTEMPTS. Return how many were delivered. Serialise calls (one deliverer at a time)."""
    delivered = 0
    for notification in notifications:
        try:
            await send(notification)
        except NotificationUndeliverable as exc:
            log.info("dropping %d notification(s): %s", len(notification.ids), exc)
            async with store.transaction():
                await store.notification_failed(notification.ids, give_up=True)
            continue
        except Exception:
            log.exception("delivering %d notification(s) failed", len(notification.ids))
            give_up = notification.attempts + 1 >= MAX_ATTEMPTS
            async with store.transaction():
                await store.notification_failed(notification.ids, give_up=give_up)
            continue
        async with store.transaction():
            await store.mark_notified(notification.ids, utc_iso((clock or SystemClock()).now()))
        delivered += 1
    return delivered
