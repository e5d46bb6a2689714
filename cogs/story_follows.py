"""Follow this story: the button on story posts of feeds that send updates, and the Unfollow
button on the updates it brings by DM. Both answer across restarts (their custom ids carry
the story or the follow; bot/client/story_buttons.py checks each); `/follows` lists followed
stories and `/unfollow follow:s12` stops one (cogs/follows.py)."""

from __future__ import annotations

from discord.ext import commands

from bot.client import NewsBot
from bot.client.story_buttons import STORY_BUTTONS


class StoryFollows(commands.Cog):
    """The Follow / Unfollow this story buttons."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Answer the buttons of every story post and update, old ones included."""
        self.bot.add_dynamic_items(*STORY_BUTTONS)

    async def cog_unload(self) -> None:
        """Stop answering them."""
        self.bot.remove_dynamic_items(*STORY_BUTTONS)


async def setup(bot: NewsBot) -> None:
    """Add the story follows cog."""
    await bot.add_cog(StoryFollows(bot))
