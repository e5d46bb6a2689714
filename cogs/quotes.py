"""Who said what: `/quotes name [days]` lists what a person or organisation was quoted as
saying, newest first, each quotation once however many outlets carried it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, app_cooldown
from bot.insights.quotes import MAX_DAYS, EntityQuotes, quotes_named
from bot.models.entity import AmbiguousEntity
from bot.nlp.lookup import entity_choices
from bot.render.entity import candidates_page, known_entity_choices
from bot.render.quotes import quotes_page
from bot.render.views import Page


class Quotes(commands.Cog):
    """Quotations attributed to the entities of the stored news."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="quotes",
        description="What a person or organisation was quoted as saying",
        extras={"example": "/quotes name:Herzi Halevi days:30"},
    )
    @app_commands.describe(
        name="Start typing a name and pick one; surnames (Halevi) work too",
        days=f"Only articles from the last N days, at most {MAX_DAYS} (default: all time)",
        private="Show the quotes only to you",
    )
    @app_cooldown("quotes", 10, 60.0)
    async def quotes(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        days: app_commands.Range[int, 1, MAX_DAYS] | None = None,
        private: bool = False,
    ) -> None:
        """List the quotations of the entity picked or typed; ask which one if several match."""
        try:
            said = await quotes_named(self.bot.store, name, days=days, clock=self.bot.clock)
        except AmbiguousEntity as several:
            await self._ask_which(interaction, name, several, days)
            return
        await self._show(interaction, said, ephemeral=private)

    @quotes.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Known entities whose name or alias matches what was typed, most mentioned first."""
        return known_entity_choices(await entity_choices(self.bot.store, current))

    async def _show(
        self, interaction: discord.Interaction, said: EntityQuotes, *, ephemeral: bool
    ) -> None:
        """Answer with a pager over the quotations; each page is built when it is shown."""

        async def source(number: int) -> Page:
            return quotes_page(said, number)

        pager = self.bot.pagers.open(
            owner=interaction.user, source=source, command="/quotes", kind="quotes"
        )
        await pager.respond(interaction, ephemeral=ephemeral)

    async def _ask_which(
        self,
        interaction: discord.Interaction,
        name: str,
        several: AmbiguousEntity,
        days: int | None,
    ) -> None:
        """Several entities answer to `name`: a menu of them, each opening its quotations."""
        page = candidates_page(name, several.candidates)

        async def single(_: int) -> Page:
            return page

        async def picked(chosen: discord.Interaction, ref: str) -> None:
            said = await quotes_named(self.bot.store, ref, days=days, clock=self.bot.clock)
            await self._show(chosen, said, ephemeral=True)

        pager = self.bot.pagers.open(
            owner=interaction.user,
            source=single,
            command="/quotes",
            kind="quotes-which",
            pick=picked,
            placeholder="Whose quotes?",
        )
        await pager.respond(interaction, ephemeral=True)


async def setup(bot: NewsBot) -> None:
    """Add the quotes cog."""
    await bot.add_cog(Quotes(bot))
