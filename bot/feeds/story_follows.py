"""Follow this story: a member follows a story posted in a channel (the button on its post)
and gets, by DM, each later update of it in that channel, once (bot/feeds/updates.py sends
them). Bounded like other follows: MAX_STORY_FOLLOWS per member per server; a follow expires
once its story can take no new reports (a week after its first), so it never counts for long.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import utc_iso
from bot.errors import NewsdeskError
from bot.store import UPDATES_OFF, Store, StoryFollow

MAX_STORY_FOLLOWS = 10  # per member per server
# A story takes new reports for a week after its first: a follow lasts a little longer.
FOLLOW_LIFETIME = timedelta(days=10)


class StoryFollowError(NewsdeskError):
    """A story cannot be followed or unfollowed; the message says why."""


async def story_channel(store: Store, channel_ids: list[int], story_id: int) -> int | None:
    """Which of these channels (a thread first, then its parent forum or channel) has story
    `story_id` posted; None when none does."""
    for channel_id in channel_ids:
        post = await store.story_post(channel_id, story_id)
        if post is not None and post[1] == "posted":
            return channel_id
    return None


async def follow_story(
    store: Store,
    *,
    guild_id: int,
    user_id: int,
    channel_ids: list[int],
    story_id: int,
    now: datetime,
) -> tuple[StoryFollow, bool, int]:
    """Follow a story for a member from the channel its post is in (`channel_ids`: where the
    button was pressed, then that thread's parent); return the follow, whether it is new and
    how many stories the member follows here. A story not posted there by a feed that sends
    updates (a forged or stale button) is refused, as is a follow past the limit."""
    channel_id = await story_channel(store, channel_ids, story_id)
    if channel_id is None:
        raise StoryFollowError("That story isn't posted in this channel.")
    updating = [
        s
        for s, _ in await store.guild_subscriptions(guild_id)
        if s.channel_id == channel_id and s.updates != UPDATES_OFF
    ]
    if not updating:
        raise StoryFollowError("This channel's feeds send no updates of their stories.")
    story = await store.story(story_id)
    title = story.first.title if story is not None else ""
    async with store.transaction():
        await store.prune_story_follows(utc_iso(now - FOLLOW_LIFETIME))
        follow, created = await store.add_story_follow(
            guild_id=guild_id,
            user_id=user_id,
            channel_id=channel_id,
            story_id=story_id,
            title=title,
            now=utc_iso(now),
        )
        used = await store.count_story_follows(guild_id, user_id)
        # Counted after the insert, in the same transaction: raising rolls it back.
        if created and used > MAX_STORY_FOLLOWS:
            raise StoryFollowError(
                f"You follow {MAX_STORY_FOLLOWS} stories here already, the most allowed. "
                "`/unfollow` one first (they also end a week after the story began)."
            )
    return follow, created, used


async def unfollow_story(store: Store, follow_id: int, user_id: int) -> StoryFollow:
    """Stop one of the member's story follows (whatever server it is in: the DM's button
    names it); anyone else's, or one that is gone, is refused."""
    follow = await store.story_follow(follow_id)
    if follow is None or follow.user_id != user_id:
        raise StoryFollowError("You don't follow that story (any more).")
    async with store.transaction():
        await store.remove_story_follow(follow_id, user_id)
    return follow


async def member_story_follows(store: Store, guild_id: int, user_id: int) -> list[StoryFollow]:
    """The stories a member follows in this server, newest first."""
    return await store.member_story_follows(guild_id, user_id)
