"""Look up people, organisations and places: `/entity name` and `/entities [type] [days]`."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, app_cooldown
from bot.models.entity import ENTITY_TYPES, AmbiguousEntity
from bot.nlp.lookup import entity_choices, entity_profile, top_entities
from bot.render.entity import candidates_page, known_entity_choices, profile_page, top_embed
from bot.render.views import Page

TOP_SHOWN = 15


class Entities(commands.Cog):
    """What the stored news says about named entities, and which are named most."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="entity",
        description="What the news says about a person, organisation or place",
        extras={"example": "/entity name:Herzi Halevi"},
    )
    @app_commands.describe(
        name="Start typing a name and pick one; acronyms (NSC) and surnames (Halevi) work too",
        private="Show the profile only to you",
    )
    @app_cooldown("entity", 10, 60.0)
    async def entity(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        private: bool = False,
    ) -> None:
        """Profile the entity picked (autocomplete) or typed; ask which one if several match."""
        try:
            profile = await entity_profile(self.bot.store, name)
        except AmbiguousEntity as several:
            await self._respond(
                interaction, candidates_page(name, several.candidates), ephemeral=True
            )
            return
        await self._respond(interaction, profile_page(profile), ephemeral=private)

    @entity.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Known entities whose name or alias matches what was typed, most mentioned first."""
        return known_entity_choices(await entity_choices(self.bot.store, current))

    async def _respond(
        self, interaction: discord.Interaction, page: Page, *, ephemeral: bool
    ) -> None:
        """Answer with one page whose menu (candidates, or entities named with this one)
        opens that entity's profile for whoever asked."""

        async def single(_: int) -> Page:
            return page

        pager = self.bot.pagers.open(
            owner=interaction.user,
            source=single,
            command="/entity",
            kind="entity",
            pick=self._open,
            placeholder="Look up…",
        )
        await pager.respond(interaction, ephemeral=ephemeral)

    async def _open(self, interaction: discord.Interaction, ref: str) -> None:
        profile = await entity_profile(self.bot.store, ref)
        await self._respond(interaction, profile_page(profile), ephemeral=True)

    @app_commands.command(
        name="entities",
        description="The most mentioned people, organisations and places",
        extras={"example": "/entities type:person days:7"},
    )
    @app_commands.rename(kind="type")
    @app_commands.describe(
        kind="Only this kind of entity",
        days="Only articles from the last N days (default: all time)",
        private="Show the list only to you",
    )
    @app_commands.choices(kind=[app_commands.Choice(name=k, value=k) for k in ENTITY_TYPES])
    @app_cooldown("entities", 5, 60.0)
    async def entities(
        self,
        interaction: discord.Interaction,
        kind: app_commands.Choice[str] | None = None,
        days: app_commands.Range[int, 1, 3650] | None = None,
        private: bool = False,
    ) -> None:
        """List the most mentioned entities of a type and period."""
        type_name = kind.value if kind else None
        if days:
            # A period is counted from its articles' entity rows (up to 6,000 articles'):
            # heavy work, one at a time per member (bot/client/heavy.py).
            with self.bot.heavy.slot(interaction.user.id):
                await interaction.response.defer(ephemeral=private, thinking=True)
                tallies = await top_entities(
                    self.bot.store, type_name, days, TOP_SHOWN, clock=self.bot.clock
                )
        else:
            tallies = await top_entities(
                self.bot.store, type_name, days, TOP_SHOWN, clock=self.bot.clock
            )
        embed = top_embed(tallies, type_name, days)
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=private)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=private)


async def setup(bot: NewsBot) -> None:
    """Add the entity cog."""
    await bot.add_cog(Entities(bot))
