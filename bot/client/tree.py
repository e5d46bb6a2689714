"""What the client hands discord.py besides the bot: the command tree (replies in flight,
shutdown, errors), the answer helper for hybrid commands, intents and extension discovery."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Protocol

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.render import errors


class _Replies(Protocol):
    """What the tree needs of the bot: counting replies in flight, and whether it stops."""

    @property
    def shutting_down(self) -> bool: ...

    def track_reply(self, label: str = "") -> None: ...


def intents_for(settings: Settings) -> discord.Intents:
    """The fewest gateway intents the bot needs; message content only for channel search."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = intents.dm_messages = settings.channel_search
    intents.message_content = settings.channel_search
    return intents


def discover_extensions(package: str) -> list[str]:
    """Every module under `package` not starting with `_` (modules without `setup` are
    skipped when loading), in name order."""
    module = importlib.import_module(package)
    found = pkgutil.walk_packages(module.__path__, f"{package}.")
    return sorted(
        info.name for info in found if not any(p.startswith("_") for p in info.name.split("."))
    )


async def answer(ctx: commands.Context[Any], *, embed: discord.Embed) -> None:
    """Answer a hybrid or prefix command: ephemeral for a slash invocation, else a reply.

    For slash invocations this answers through the interaction itself: `ctx.send` falls back to
    a public channel message when it judges the interaction expired from its snowflake time,
    which clock skew (or an emulator's ids) can get wrong.
    """
    interaction = ctx.interaction
    if interaction is None:
        await ctx.reply(embed=embed, mention_author=False)
    elif interaction.response.is_done():
        await interaction.followup.send(embed=embed, ephemeral=True)
    else:
        await interaction.response.send_message(embed=embed, ephemeral=True)


def command_label(interaction: discord.Interaction) -> str:
    """How the work of an app-command interaction is labelled: "/search", "/digest preview",
    "/search autocomplete", or a menu command's name."""
    data: Any = interaction.data or {}
    parts = [str(data.get("name", "?"))]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):  # a group or a subcommand
        parts.append(str(options[0].get("name", "?")))
        options = options[0].get("options") or []
    name = " ".join(parts) if data.get("type", 1) != 1 else "/" + " ".join(parts)
    if interaction.type is discord.InteractionType.autocomplete:
        name += " autocomplete"
    return name


class NewsTree(app_commands.CommandTree):
    """The command tree: tracks replies in flight, refuses new work during shutdown, and sends
    every app-command error through `bot.render.errors`."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Track the reply; during shutdown, say so instead of starting new work."""
        bot: _Replies = self.client  # type: ignore[assignment]
        bot.track_reply(command_label(interaction))
        if not bot.shutting_down:
            return True
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
        else:
            await interaction.response.send_message(
                "Newsdesk is restarting; please try again in a minute.", ephemeral=True
            )
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        """Answer ephemerally; log unexpected failures with command and guild."""
        name = interaction.command.qualified_name if interaction.command else "unknown command"
        await errors.send_error(interaction, error, where=f"/{name}")
