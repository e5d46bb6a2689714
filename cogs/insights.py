"""Entity insights as pictures: `/entity-trend` (mentions per day, compared) and
`/entity-network` (who is named alongside whom)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, app_cooldown
from bot.insights import charts
from bot.insights.network import entity_network, render_network
from bot.insights.trend import DEFAULT_DAYS, MAX_ENTITIES, entity_trend, render_trend, split_names
from bot.nlp.lookup import entity_choices
from bot.render import limits, text
from bot.render.entity import known_entity_choices
from bot.render.insights import (
    NETWORK_FILE,
    TREND_FILE,
    chart_file,
    network_embed,
    trend_embed,
)

# Charts cost a database scan and a render each: a few a minute per member.
RATE, PER = 4, 60.0


class Insights(commands.Cog):
    """Charts of entities in the news."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Start the chart renderer's process, so the first chart costs what the others do."""
        self.bot.tasks.spawn(charts.start_renderer(), name="charts:warm-up")

    @app_commands.command(
        name="entity-trend",
        description="Chart how often a person, organisation or place is in the news, per day",
        extras={"example": "/entity-trend name:Hamas days:30 compare:Qatar, Egypt"},
    )
    @app_commands.describe(
        name="Start typing a name and pick one",
        days="How many days back, today included (2-90, default 30)",
        compare=f"Up to {MAX_ENTITIES - 1} more names to compare, separated by commas",
        private="Show the chart only to you",
    )
    @app_cooldown("charts", RATE, PER)
    async def trend(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        days: app_commands.Range[int, 2, 90] = DEFAULT_DAYS,
        compare: app_commands.Range[str, 1, 300] | None = None,
        private: bool = False,
    ) -> None:
        """Mentions per day of one to four entities, as a line chart."""
        # The first chart of a process imports matplotlib: acknowledge before that.
        with self.bot.heavy.slot(interaction.user.id):
            await interaction.response.defer(ephemeral=private, thinking=True)
            trend = await entity_trend(
                self.bot.store, [name, *split_names(compare)], days, clock=self.bot.clock
            )
            png = await render_trend(trend)
        await interaction.followup.send(
            embed=trend_embed(trend, TREND_FILE),
            file=chart_file(png, TREND_FILE),
            ephemeral=private,
        )

    @app_commands.command(
        name="entity-network",
        description="Picture the people, organisations and places named alongside one",
        extras={"example": "/entity-network name:Hamas"},
    )
    @app_commands.describe(
        name="Start typing a name and pick one",
        days="Only articles from the last N days (default: all time)",
        private="Show the picture only to you",
    )
    @app_cooldown("charts", RATE, PER)
    async def network(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        days: app_commands.Range[int, 1, 365] | None = None,
        private: bool = False,
    ) -> None:
        """The entity in the middle, its most frequent companions around it."""
        with self.bot.heavy.slot(interaction.user.id):
            await interaction.response.defer(ephemeral=private, thinking=True)
            network = await entity_network(self.bot.store, name, days=days, clock=self.bot.clock)
            png = await render_network(network) if network.neighbours else None
        if png is None:
            await interaction.followup.send(embed=network_embed(network, None), ephemeral=private)
            return
        await interaction.followup.send(
            embed=network_embed(network, NETWORK_FILE),
            file=chart_file(png, NETWORK_FILE),
            ephemeral=private,
        )

    @trend.autocomplete("name")
    @network.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Known entities whose name or alias matches what was typed, most mentioned first."""
        return known_entity_choices(await entity_choices(self.bot.store, current))

    @trend.autocomplete("compare")
    async def compare_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Complete the last of the comma-separated names, keeping the ones before it."""
        *before, typed = current.split(",") if current else [""]
        kept = [part.strip() for part in before if part.strip()][: MAX_ENTITIES - 2]
        found = await entity_choices(self.bot.store, typed.strip())
        choices = []
        for entity in found:
            value = ", ".join([*kept, entity.ref])
            if len(value) > limits.CHOICE_VALUE:
                break
            label = ", ".join([*kept, f"{entity.name} · {entity.kind}"])
            choices.append(
                app_commands.Choice(name=text.plain(label, limits.CHOICE_NAME), value=value)
            )
        return choices[: limits.CHOICES]


async def setup(bot: NewsBot) -> None:
    """Add the insights cog."""
    await bot.add_cog(Insights(bot))
