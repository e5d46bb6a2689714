"""Running the bot: the owner's command sync, and each server's channel-search prefix and
timezone (feeds' quiet hours are read in it)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, answer
from bot.digest.schedule import timezone_choices
from bot.feeds.pacing import set_server_zone
from bot.render import embeds, text


class Admin(commands.Cog):
    """Owner and server-admin commands."""

    settings = app_commands.Group(
        name="settings",
        description="Newsdesk settings for this server",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @commands.hybrid_command(
        name="sync",
        description="Sync slash commands with Discord now (bot owner only)",
        extras={"hidden": True},
    )
    @commands.is_owner()
    async def sync(self, ctx: commands.Context[NewsBot]) -> None:
        """Sync even when the command tree looks unchanged (e.g. after a manual change)."""
        await ctx.defer(ephemeral=True)
        count = await self.bot.sync_commands(force=True)
        scope = (
            f"server {self.bot.settings.dev_guild_id}"
            if self.bot.settings.dev_guild_id
            else "all servers"
        )
        embed = embeds.build(
            description=f"Synced {count} slash commands to {scope}.",
            colour=embeds.Palette.SUCCESS,
        )
        await answer(ctx, embed=embed)

    @settings.command(
        name="prefix",
        description="Change the prefix of channel search (!news)",
        extras={"order": 95},
    )
    @app_commands.describe(value="1-5 characters, e.g. ? for ?news ceasefire")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def prefix(
        self, interaction: discord.Interaction, value: app_commands.Range[str, 1, 5]
    ) -> None:
        """Set this server's prefix (needs Manage Server)."""
        assert interaction.guild_id is not None  # guild_only
        await self.bot.set_prefix(interaction.guild_id, value)
        shown = text.escape(value)
        embed = embeds.build(
            description=f"Channel search now answers {shown}news, e.g. {shown}news ceasefire.",
            colour=embeds.Palette.SUCCESS,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @settings.command(
        name="timezone",
        description="This server's timezone (feeds' quiet hours are read in it)",
        extras={"example": "/settings timezone value:Europe/London", "order": 96},
    )
    @app_commands.describe(value="An IANA timezone, e.g. Europe/London or America/New_York")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def timezone(
        self, interaction: discord.Interaction, value: app_commands.Range[str, 1, 60]
    ) -> None:
        """Set this server's timezone (needs Manage Server)."""
        assert interaction.guild_id is not None  # guild_only
        async with self.bot.store.transaction():
            zone = await set_server_zone(self.bot.store, interaction.guild_id, value)
        embed = embeds.build(
            description=f"This server's timezone is now {text.escape(zone.key)}.",
            colour=embeds.Palette.SUCCESS,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @timezone.autocomplete("value")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """IANA names matching what was typed."""
        return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current)]


async def setup(bot: NewsBot) -> None:
    """Add the admin cog."""
    await bot.add_cog(Admin(bot))
