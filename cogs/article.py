"""Read one article in full: `/article id`, paged with buttons."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, RowId, app_cooldown
from bot.errors import ArticleNotFound
from bot.render.article import article_reader


class Articles(commands.Cog):
    """Whole articles, page by page."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="article",
        description="Read an article in full, page by page",
        extras={"example": "/article id:1", "order": 1},
    )
    @app_commands.rename(article_id="id")
    @app_commands.describe(
        article_id="The article's number, shown as #12 in search results",
        private="Show the article only to you",
    )
    @app_cooldown("article", 10, 60.0)
    async def article(
        self,
        interaction: discord.Interaction,
        article_id: RowId,
        private: bool = False,
    ) -> None:
        """Show the article with this id, a page at a time."""
        source = await article_reader(self.bot.store, article_id)
        if source is None:
            raise ArticleNotFound(
                f"There is no article #{article_id}. `/search` shows each article's number."
            )
        pager = self.bot.pagers.open(
            owner=interaction.user,
            source=source,
            command="/article",
            kind="article",
        )
        await pager.respond(interaction, ephemeral=private)


async def setup(bot: NewsBot) -> None:
    """Add the article cog."""
    await bot.add_cog(Articles(bot))
