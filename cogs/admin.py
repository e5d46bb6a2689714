"""Running the bot: the owner's command sync, each server's channel-search prefix and timezone
(feeds' quiet hours are read in it), and a server's whole setup as a backup file
(`/settings export|import`)."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.backup.export import export_backup
from bot.backup.restore import restore_backup
from bot.backup.schema import MAX_BACKUP_BYTES, BackupRefused, read_backup, write_backup
from bot.client import NewsBot, answer
from bot.digest.schedule import timezone_choices
from bot.errors import NewsdeskError
from bot.feeds.fetcher import FetchPolicy
from bot.feeds.pacing import set_server_zone
from bot.render import backup as backup_views
from bot.render import embeds, feed_posts, text

# Channels a restored feed, digest or follow may be mapped onto.
PLACES = (discord.TextChannel, discord.Thread, discord.ForumChannel)


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

    @settings.command(
        name="export",
        description="This server's feeds, digests, follows and settings as a backup file",
        extras={"order": 97},
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def export(self, interaction: discord.Interaction) -> None:
        """Answer with the server's backup (JSON), for `/settings import` here or elsewhere."""
        guild = interaction.guild
        assert guild is not None  # guild_only
        places = [*guild.channels, *guild.threads]
        backup = await export_backup(
            self.bot.store,
            guild.id,
            guild_name=guild.name,
            channels={c.id: c.name for c in places},
            roles={r.id: r.name for r in guild.roles},
            clock=self.bot.clock,
        )
        await interaction.response.send_message(
            embed=backup_views.exported_embed(backup),
            file=discord.File(io.BytesIO(write_backup(backup)), f"newsdesk-{guild.id}.json"),
            ephemeral=True,
        )

    @settings.command(
        name="import",
        description="Restore a backup file (from /settings export) into this server",
        extras={"order": 98},
    )
    @app_commands.describe(file="A backup file from /settings export (JSON)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Check every part of the backup against this server, then restore it all at once."""
        guild = interaction.guild
        assert guild is not None  # guild_only
        if file.size > MAX_BACKUP_BYTES:
            raise NewsdeskError(f"A backup file is at most {MAX_BACKUP_BYTES // 1024} kB.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            backup = read_backup(await file.read())
        except BackupRefused as exc:
            raise NewsdeskError(f"That file was refused: {exc}. Nothing was restored.") from exc
        report = await restore_backup(
            self.bot.store,
            backup,
            guild_id=guild.id,
            created_by=interaction.user.id,
            channel=lambda old, name: _place_in(guild, old, name),
            role=lambda old, name: _role_in(guild, old, name),
            policy=getattr(self.bot, "feed_fetch_policy", None) or FetchPolicy(),
            check_template=feed_posts.check_template,
            clock=self.bot.clock,
        )
        self.bot.forget_prefix(guild.id)
        self.bot.dispatch("setup_restored", guild.id)  # the poller and scheduler look again
        await interaction.followup.send(embed=backup_views.restored_embed(report), ephemeral=True)


def _place_in(guild: discord.Guild, old: int, name: str) -> int | None:
    """This server's channel for a backup's channel: the same id, else the same name."""
    same = guild.get_channel_or_thread(old)
    if isinstance(same, PLACES):
        return same.id
    named = [c for c in [*guild.channels, *guild.threads] if isinstance(c, PLACES)]
    return next((c.id for c in named if name and c.name == name), None)


def _role_in(guild: discord.Guild, old: int, name: str) -> int | None:
    """This server's role for a backup's role: the same id, else the same name."""
    same = guild.get_role(old)
    if same is not None and not same.is_default():
        return same.id
    return next((r.id for r in guild.roles if name and r.name == name and not r.is_default()), None)


async def setup(bot: NewsBot) -> None:
    """Add the admin cog."""
    await bot.add_cog(Admin(bot))
