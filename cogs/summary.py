"""Summarise an article: `/summary article [sentences]`, the article picked by title."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, app_cooldown
from bot.nlp.enrichment import needs_analysis
from bot.nlp.lookup import article_summary, find_article
from bot.render.summary import article_choices, summary_embed
from bot.search import title_choices


class Summaries(commands.Cog):
    """Extractive summaries of stored articles and the entities they name."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="summary",
        description="The key sentences of an article and who and what it mentions",
        extras={"example": "/summary article:Qatar truce"},
    )
    @app_commands.describe(
        article="Start typing a title and pick one, or give the article's number",
        sentences="How many sentences (default 3)",
        private="Show the summary only to you",
    )
    @app_cooldown("summary", 10, 60.0)
    async def summary(
        self,
        interaction: discord.Interaction,
        article: app_commands.Range[str, 1, 200],
        sentences: app_commands.Range[int, 1, 10] | None = None,
        private: bool = False,
    ) -> None:
        """Summarise the article picked (an id from autocomplete) or typed (id or title)."""
        store = self.bot.store
        article_id = await find_article(store, article)
        if await needs_analysis(store, article_id):
            # Stored without NLP (ingest --no-nlp, or before the model ran): the model runs
            # now, which can take seconds on a long article.
            await interaction.response.defer(ephemeral=private, thinking=True)
        result = await article_summary(
            store, article_id, sentences=sentences, service=self.bot.nlp_service
        )
        embed = summary_embed(result)
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=private)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=private)

    @summary.autocomplete("article")
    async def article_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Titles matching what was typed (the newest ones before anything is typed)."""
        return article_choices(await title_choices(self.bot.store, current))


async def setup(bot: NewsBot) -> None:
    """Add the summary cog."""
    await bot.add_cog(Summaries(bot))
