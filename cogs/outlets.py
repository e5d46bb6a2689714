"""Who broke it first, who skipped it: `/outlet name [days]` shows one outlet's coverage of
this server's news — stories carried, how often first, its delay, the names it uses more than
its peers, and its blindspots."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, app_cooldown
from bot.insights.outlets import (
    DEFAULT_DAYS,
    MAX_DAYS,
    find_outlet,
    outlet_choices,
    outlet_coverage,
)
from bot.render.outlets import outlet_choices as choices
from bot.render.outlets import outlet_embed

# Each answer reads a period's aggregates: a few a minute per member.
RATE, PER = 6, 60.0


class Outlets(commands.Cog):
    """Outlets compared: first reports, delays, names and blindspots."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="outlet",
        description="How an outlet covered the news: first reports, delays, its names, "
        "what it skipped",
        extras={"example": "/outlet name:Reuters days:30"},
    )
    @app_commands.describe(
        name="Start typing an outlet and pick one",
        days=f"How many days back (1-{MAX_DAYS}, default {DEFAULT_DAYS})",
        private="Show the answer only to you",
    )
    @app_cooldown("outlets", RATE, PER)
    async def outlet(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        days: app_commands.Range[int, 1, MAX_DAYS] = DEFAULT_DAYS,
        private: bool = False,
    ) -> None:
        """One outlet's coverage over the period, against this server's other outlets."""
        store = self.bot.store
        # Which outlet first (quick; a name that finds none is answered privately), then the
        # period's aggregates, which can take a while on a large archive.
        pick = await find_outlet(
            store, name, guild_id=interaction.guild_id, days=days, clock=self.bot.clock
        )
        await interaction.response.defer(ephemeral=private, thinking=True)
        coverage = await outlet_coverage(store, pick)
        await interaction.followup.send(embed=outlet_embed(coverage), ephemeral=private)

    @outlet.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """This server's outlets holding what was typed, those with the most articles first."""
        found = await outlet_choices(
            self.bot.store, interaction.guild_id, current, clock=self.bot.clock
        )
        return choices(found)


async def setup(bot: NewsBot) -> None:
    """Add the outlets cog."""
    await bot.add_cog(Outlets(bot))
