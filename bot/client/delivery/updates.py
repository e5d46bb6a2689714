"""Story updates on Discord: the feed delivery's `post_update` and `tell_follower` callbacks.
An update goes into the thread of its story's first post (opened on that message when it has
none; in a forum, the story's post), with a nonce naming it; after a crash the thread is read
for it before anything is posted again. Followers get it by DM, with a button to unfollow."""

from __future__ import annotations

from collections.abc import Iterable

import discord

from bot.client.delivery.parts import Destination, Part, Recovery, part_key
from bot.client.delivery.poster import Poster
from bot.feeds.updates import FollowerUpdate, StoryUpdate
from bot.models.delivery import Failure, PostedMessage
from bot.render import feed_posts
from bot.render import story_updates as render


def _marks(message: discord.Message) -> Iterable[str]:
    return [feed_posts.embed_mark(embed) for embed in message.embeds]


class UpdatePoster:
    """Posts story updates in their threads and sends them to followers."""

    def __init__(self, poster: Poster) -> None:
        self.poster = poster

    async def post(self, update: StoryUpdate) -> PostedMessage | Failure:
        """Post an update in its story's thread; the message, or why it could not go."""
        to = Destination(
            channel_id=update.subscription.channel_id,
            thread_of=update.post.message_id,
            thread_name=render.thread_name(update.shown.story_title),
        )
        outlet = await self.poster.open(to)
        if isinstance(outlet, Failure):
            return outlet
        embed = render.update_embed(update.shown)
        if update.resumed:
            # The bot died mid-post: the update may be in the thread already.
            found = await outlet.find(Recovery(marks=_marks))
            if isinstance(found, Failure):
                return found
            earlier = found.get(feed_posts.embed_mark(embed))
            if earlier is not None:
                return earlier
        part = Part(part_key("update", update.id), embeds=[embed])
        result = await outlet.send([part])
        if result.failure is not None:
            return result.failure
        return result.posted[0]

    async def tell(self, follower: FollowerUpdate) -> Failure | None:
        """Send a follower an update by DM, with its Unfollow button; None when sent."""
        follow = follower.follow
        part = Part(
            part_key("sfollow", follow.id, follower.notice_id),
            embeds=[render.update_embed(follower.shown, by_dm=True)],
            view=render.unfollow_view(follow.id),
        )
        result = await self.poster.deliver(Destination(user_id=follow.user_id), [part])
        return result.failure
