"""A story's timeline: `/story query` (the best matching story) and the Timeline button on
story posts show its outlets in order of report, their delay behind the first report, and
what each added."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, app_cooldown
from bot.insights.timeline import find_story, story_timeline
from bot.render import errors
from bot.render.stories import TIMELINE_PATTERN, timeline_custom_id, timeline_embed
from bot.render.summary import article_choices
from bot.search import title_choices

RATE, PER = 10, 60.0


class TimelineButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=re.compile(TIMELINE_PATTERN)
):
    """A story post's Timeline button, answered from its custom_id alone (after restarts too)."""

    def __init__(self, story_id: int) -> None:
        super().__init__(
            discord.ui.Button(label="Timeline", custom_id=timeline_custom_id(story_id))
        )
        self.story_id = story_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> TimelineButton:
        """The button a click names."""
        return cls(int(match["story_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the story's timeline to whoever clicked (only to them)."""
        bot: NewsBot = interaction.client  # type: ignore[assignment]
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            timeline = await story_timeline(bot.store, self.story_id)
            await interaction.followup.send(embed=timeline_embed(timeline), ephemeral=True)
        except Exception as exc:
            await errors.send_error(interaction, exc, where="the Timeline button")


class Stories(commands.Cog):
    """Stories across outlets: who reported when, and what each added."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Answer Timeline buttons, on posts made before this start too."""
        self.bot.add_dynamic_items(TimelineButton)

    async def cog_unload(self) -> None:
        """Stop answering them."""
        self.bot.remove_dynamic_items(TimelineButton)

    @app_commands.command(
        name="story",
        description="A story's timeline: which outlets reported it, when, and what each added",
        extras={"example": "/story query:ceasefire Doha"},
    )
    @app_commands.describe(
        query="Words to find the story by (the search language), or pick an article",
        private="Show the timeline only to you",
    )
    @app_cooldown("story", RATE, PER)
    async def story(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 200],
        private: bool = False,
    ) -> None:
        """The timeline of the story best matching the query (or of the article picked)."""
        store = self.bot.store
        # The search first: a query that finds nothing is answered privately.
        story_id = await find_story(store, query, entity_articles=self.bot.entity_articles)
        await interaction.response.defer(ephemeral=private, thinking=True)
        timeline = await story_timeline(store, story_id)
        await interaction.followup.send(embed=timeline_embed(timeline), ephemeral=private)

    @story.autocomplete("query")
    async def query_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Titles matching what was typed (the newest ones before anything is typed)."""
        return article_choices(await title_choices(self.bot.store, current))


async def setup(bot: NewsBot) -> None:
    """Add the stories cog."""
    await bot.add_cog(Stories(bot))
