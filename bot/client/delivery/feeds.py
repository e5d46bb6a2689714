"""Feed news on Discord: the poller's `announce` and `notify` callbacks. New articles go into a
text channel or thread (cards packed into messages) or a forum (a post each), with the
subscription's role as the only mention, under the subscription's own name and avatar when
it has one (identity.py); `announce` answers with the message that carried each article, or
the typed failure that stopped it. Health alerts go to every subscribed channel."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping

import discord

from bot.client.delivery.identity import FeedIdentities
from bot.client.delivery.outlet import Outlet
from bot.client.delivery.parts import Destination, ForumLayout, Part, Recovery, part_key
from bot.client.delivery.poster import Poster
from bot.feeds.announcements import Announcement, AnnouncementUndeliverable, AnnounceResult
from bot.feeds.health import FeedAlert
from bot.models.delivery import Failure, PostedMessage
from bot.mutes import muted_source
from bot.render import feed_posts
from bot.render import feeds as render
from bot.store import Store

log = logging.getLogger(__name__)


def _mentions(announcement: Announcement) -> discord.AllowedMentions:
    role = announcement.subscription.role_id
    return discord.AllowedMentions(
        everyone=False,
        users=False,
        roles=[discord.Object(role)] if role else False,
        replied_user=False,
    )


def _card_marks(message: discord.Message) -> Iterable[str]:
    marks = [feed_posts.embed_mark(embed) for embed in message.embeds]
    # Plain-text posts (templates without an embed) are known by their text.
    return [*marks, message.content] if message.content and not message.embeds else marks


def _post_marks(name: str) -> Iterable[str]:
    return [name]


def not_yet_posted(
    announcement: Announcement, found: Mapping[str, PostedMessage], *, forum: bool
) -> tuple[Announcement, dict[int, PostedMessage]]:
    """Leave out the articles an earlier attempt already posted (`found` by their marks);
    return the rest and the message each one done is in."""
    if announcement.packed:
        [post] = feed_posts.announcement_posts(announcement, forum=forum)
        mark = post.thread_name if forum else feed_posts.embed_mark(post.embeds[0])
        if mark in found:
            ids = post.announcement_ids
            return dataclasses.replace(announcement, articles=()), dict.fromkeys(ids, found[mark])
        return announcement, {}
    done: dict[int, PostedMessage] = {}
    for item in announcement.articles:
        mark = feed_posts.item_mark(announcement, item, forum=forum)
        if mark in found:
            done[item.announcement_id] = found[mark]
    left = tuple(i for i in announcement.articles if i.announcement_id not in done)
    return dataclasses.replace(announcement, articles=left), done


class FeedPoster:
    """Announces feeds' new articles and tells subscribed channels about feed problems."""

    def __init__(self, poster: Poster, store: Store) -> None:
        self.poster = poster
        self.store = store
        self.identities = FeedIdentities(poster, store)

    async def announce(self, announcement: Announcement) -> AnnounceResult:
        """Post new articles (or a packed card of held ones); say which message carries each,
        and the failure that stopped the rest (the channel gone, a permission, an HTTP error)."""
        to = Destination(
            channel_id=announcement.subscription.channel_id,
            guild_id=announcement.subscription.guild_id,
        )
        opened = await self.poster.open(to)
        if isinstance(opened, Failure):
            return AnnounceResult(failure=opened)
        # The subscription's own name and avatar (a channel webhook), else the bot.
        outlet = await self.identities.outlet(opened, announcement.subscription)
        forum = outlet.kind == "forum"
        delivered: dict[int, PostedMessage] = {}
        if announcement.resumed:
            left = await self._left_to_post(outlet, announcement, forum)
            if isinstance(left, Failure):
                return AnnounceResult(failure=left)
            announcement, delivered = left
            if not announcement.articles:
                return AnnounceResult(delivered)
        posts = feed_posts.announcement_posts(announcement, forum=forum)
        mentions = _mentions(announcement)
        parts = [
            Part(
                part_key(*announcement.key, *post.announcement_ids),
                content=post.content,
                embeds=post.embeds,
                title=post.thread_name,
                mentions=mentions,
                view=feed_posts.post_view(post),
            )
            for post in posts
        ]
        result = await outlet.send(parts, forum=ForumLayout.POST_EACH)
        await self.identities.settle(outlet, [p.announcement_ids for p in posts], result)
        for post, message in zip(posts, result.posted, strict=False):
            delivered.update(dict.fromkeys(post.announcement_ids, message))
        if result.failure is not None and delivered:
            log.warning(
                "announcing in channel %s stopped midway: %s",
                announcement.subscription.channel_id,
                result.failure.describe(),
            )
        return AnnounceResult(delivered, result.failure)

    async def _left_to_post(
        self, outlet: Outlet, announcement: Announcement, forum: bool
    ) -> tuple[Announcement, dict[int, PostedMessage]] | Failure:
        """The bot died mid-post: leave out what is already in the channel or the forum (a
        webhook message recorded for an announcement, or a card found there); return the
        rest and the message each one done is in."""
        ids = [item.announcement_id for item in announcement.articles]
        done = await self.identities.recorded(outlet, ids)
        left = tuple(i for i in announcement.articles if i.announcement_id not in done)
        announcement = dataclasses.replace(announcement, articles=left)
        if not left:
            return announcement, done
        recovery = Recovery(marks=_card_marks, post_marks=_post_marks if forum else None)
        found = await outlet.find(recovery)
        if isinstance(found, Failure):
            return found
        rest, seen = not_yet_posted(announcement, found, forum=forum)
        await self.identities.adopt(outlet, seen)
        return rest, {**done, **seen}

    async def alert(self, alert: FeedAlert) -> None:
        """Tell each channel following the feed about a health problem (no mentions), except
        in servers that muted the feed's outlet."""
        embed = render.alert_embed(alert)
        told = muted = 0
        for subscription in await self.store.feed_subscriptions(alert.feed.id):
            if alert.feed.title and await muted_source(
                self.store, subscription.guild_id, alert.feed.title
            ):
                muted += 1
                continue
            key = part_key(f"feed-{alert.kind}", subscription.id)
            part = Part(key, embeds=[embed], title=embed.title or "Feed problem")
            to = Destination(channel_id=subscription.channel_id, guild_id=subscription.guild_id)
            result = await self.poster.deliver(to, [part])
            if result.failure is None:
                told += 1
            else:
                log.warning(
                    "could not tell channel %s: %s",
                    subscription.channel_id,
                    result.failure.describe(),
                )
        if not told and not muted:
            raise AnnouncementUndeliverable("no subscribed channel could be told")
