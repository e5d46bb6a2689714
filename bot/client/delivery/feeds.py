"""Feed news on Discord: the poller's `announce` and `notify` callbacks. New articles go into a
text channel or thread (cards packed into messages) or a forum (a post each), with the
subscription's role as the only mention; health alerts go to every subscribed channel."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence

import discord

from bot.client.delivery.identity import FeedIdentities
from bot.client.delivery.outlet import Outlet
from bot.client.delivery.parts import Destination, ForumLayout, Part, Recovery, part_key
from bot.client.delivery.poster import Poster
from bot.feeds.delivery import Announcement, AnnouncementUndeliverable, NewArticle
from bot.feeds.health import FeedAlert
from bot.models.delivery import Failure, FailureKind, NotDelivered, PostedMessage
from bot.render import feeds as render
from bot.render import text
from bot.store import Store

log = logging.getLogger(__name__)


def _problem(failure: Failure) -> Exception:
    """Undeliverable for good when the channel is gone; anything else is retried (a missing
    permission too, a few times: an admin may restore it)."""
    if failure.kind in (FailureKind.MISSING_CHANNEL, FailureKind.CANNOT_POST):
        return AnnouncementUndeliverable(failure.describe())
    return NotDelivered(failure)


def _mentions(announcement: Announcement) -> discord.AllowedMentions:
    role = announcement.subscription.role_id
    return discord.AllowedMentions(
        everyone=False,
        users=False,
        roles=[discord.Object(role)] if role else False,
        replied_user=False,
    )


def _card_marks(message: discord.Message) -> Iterable[str]:
    return [f"{embed.title}\n{embed.url}" for embed in message.embeds]


def _post_marks(name: str) -> Iterable[str]:
    return [name]


def _mark(item: NewArticle, announcement: Announcement, forum: bool) -> str:
    """How an article's card is known once posted: a forum post's name, else its card's
    title and link."""
    if forum:
        return text.plain(item.article.title, render.THREAD_NAME)
    card = render.article_card(item, announcement.feed)
    return f"{card.title}\n{card.url}"


def not_yet_posted(
    announcement: Announcement, found: Mapping[str, PostedMessage], *, forum: bool
) -> tuple[Announcement, list[int]]:
    """Leave out the articles an earlier attempt already posted (`found` by their marks);
    return the rest and the announcement ids done."""
    items = announcement.articles
    done = [i.announcement_id for i in items if _mark(i, announcement, forum) in found]
    left = tuple(i for i in items if i.announcement_id not in set(done))
    return dataclasses.replace(announcement, articles=left), done


class FeedPoster:
    """Announces feeds' new articles and tells subscribed channels about feed problems."""

    def __init__(self, poster: Poster, store: Store) -> None:
        self.poster = poster
        self.store = store
        self.identities = FeedIdentities(poster, store)

    async def announce(self, announcement: Announcement) -> Sequence[int] | None:
        """Post new articles; return the ids delivered if a Discord error stopped us midway."""
        to = Destination(channel_id=announcement.subscription.channel_id)
        opened = await self.poster.open(to)
        if isinstance(opened, Failure):
            raise _problem(opened)
        # The subscription's own name and avatar (a channel webhook), else the bot.
        outlet = await self.identities.outlet(opened, announcement.subscription)
        forum = outlet.kind == "forum"
        delivered: list[int] = []
        if announcement.resumed:
            announcement, delivered = await self._left_to_post(outlet, announcement, forum)
        posts = render.announcement_posts(announcement, forum=forum)
        mentions = _mentions(announcement)
        parts = [
            Part(
                part_key("feed", *post.announcement_ids),
                content=post.content,
                embeds=post.embeds,
                title=post.thread_name,
                mentions=mentions,
            )
            for post in posts
        ]
        result = await outlet.send(parts, forum=ForumLayout.POST_EACH)
        await self.identities.settle(outlet, [p.announcement_ids for p in posts], result)
        for post, _ in zip(posts, result.posted, strict=False):
            delivered.extend(post.announcement_ids)
        if result.failure is None:
            return None
        if result.failure.kind is FailureKind.MISSING_CHANNEL or not delivered:
            raise _problem(result.failure)
        log.warning(
            "announcing in channel %s stopped midway: %s",
            announcement.subscription.channel_id,
            result.failure.describe(),
        )
        return delivered

    async def _left_to_post(
        self, outlet: Outlet, announcement: Announcement, forum: bool
    ) -> tuple[Announcement, list[int]]:
        """The bot died mid-post: leave out what is already in the channel or the forum (a
        webhook message recorded for an announcement, or a card found there); return the
        rest and the announcement ids done."""
        ids = [item.announcement_id for item in announcement.articles]
        done = sorted(await self.identities.recorded(ids))
        left = tuple(i for i in announcement.articles if i.announcement_id not in set(done))
        announcement = dataclasses.replace(announcement, articles=left)
        recovery = Recovery(marks=_card_marks, post_marks=_post_marks if forum else None)
        found = await outlet.find(recovery)
        if isinstance(found, Failure):
            raise _problem(found)
        rest, seen = not_yet_posted(announcement, found, forum=forum)
        adopted = {
            i.announcement_id: found[_mark(i, announcement, forum)]
            for i in announcement.articles
            if i.announcement_id in seen
        }
        await self.identities.adopt(outlet, adopted)
        return rest, done + seen

    async def alert(self, alert: FeedAlert) -> None:
        """Tell each channel following the feed about a health problem (no mentions)."""
        embed = render.alert_embed(alert)
        told = 0
        for subscription in await self.store.feed_subscriptions(alert.feed.id):
            key = part_key(f"feed-{alert.kind}", subscription.id)
            part = Part(key, embeds=[embed], title=embed.title or "Feed problem")
            to = Destination(channel_id=subscription.channel_id)
            result = await self.poster.deliver(to, [part])
            if result.failure is None:
                told += 1
            else:
                log.warning(
                    "could not tell channel %s: %s",
                    subscription.channel_id,
                    result.failure.describe(),
                )
        if not told:
            raise AnnouncementUndeliverable("no subscribed channel could be told")
