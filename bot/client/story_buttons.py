"""The Follow this story and Unfollow this story buttons: persistent, one handler per custom
id pattern (discord.py's dynamic items), so a button posted before a restart still works.

A custom id is only a claim: Follow checks that the story is posted, by a feed that sends
updates, in the channel the button was pressed in (a forged id naming another story, or
another server's, is refused); Unfollow checks that the follow is the presser's own."""

from __future__ import annotations

import logging
import re
from typing import Any, Self

import discord

from bot.errors import NewsdeskError
from bot.feeds.story_follows import MAX_STORY_FOLLOWS, follow_story, unfollow_story
from bot.render import errors
from bot.render import story_updates as render

log = logging.getLogger(__name__)


async def _refuse(interaction: discord.Interaction, error: NewsdeskError) -> None:
    reply = errors.describe(error)
    await interaction.response.send_message(embed=errors.error_embed(reply), ephemeral=True)


def _channels(interaction: discord.Interaction) -> list[int]:
    """Where the button was pressed, then (in a thread: a forum post) its parent."""
    channel = interaction.channel
    found = [interaction.channel_id] if interaction.channel_id is not None else []
    if isinstance(channel, discord.Thread) and channel.parent_id is not None:
        found.append(channel.parent_id)
    return found


class FollowStoryButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=render.FOLLOW_PATTERN
):
    """Follow this story: later updates of it come to the presser by DM."""

    def __init__(self, story_id: int) -> None:
        super().__init__(render.follow_button(story_id))
        self.story_id = story_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        """The button a custom id names."""
        return cls(int(match["story"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Follow the story for whoever pressed, privately confirmed."""
        client: Any = interaction.client
        if interaction.guild_id is None:
            await _refuse(interaction, NewsdeskError("Follow a story from its post in a server."))
            return
        try:
            follow, created, used = await follow_story(
                client.store,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                channel_ids=_channels(interaction),
                story_id=self.story_id,
                now=client.clock.now(),
            )
        except NewsdeskError as exc:
            await _refuse(interaction, exc)
            return
        embed = render.followed_embed(follow, created, used, MAX_STORY_FOLLOWS)
        await interaction.response.send_message(embed=embed, ephemeral=True)


class UnfollowStoryButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=render.UNFOLLOW_PATTERN
):
    """Unfollow this story: no more updates of it by DM."""

    def __init__(self, follow_id: int) -> None:
        super().__init__(render.unfollow_button(follow_id))
        self.follow_id = follow_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        """The button a custom id names."""
        return cls(int(match["follow"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Stop the follow if it is the presser's own."""
        client: Any = interaction.client
        try:
            follow = await unfollow_story(client.store, self.follow_id, interaction.user.id)
        except NewsdeskError as exc:
            await _refuse(interaction, exc)
            return
        await interaction.response.send_message(
            embed=render.unfollowed_embed(follow), ephemeral=True
        )


STORY_BUTTONS = (FollowStoryButton, UnfollowStoryButton)
