"""What the client hands discord.py besides the bot: the command tree (replies in flight,
shutdown, errors), the answer helper for hybrid commands, intents and extension discovery."""

from __future__ import annotations

import importlib
import math
import pkgutil
import time
from collections.abc import Sequence
from typing import Any, Protocol

import discord
from discord import AppCommandOptionType, app_commands
from discord.ext import commands

from bot.config import Settings
from bot.errors import QueryError
from bot.metrics import Metrics
from bot.render import errors

# Where an interaction keeps the moment the tree took it in (its `extras`), for latency.
STARTED = "newsdesk_started"


def command_seconds(interaction: discord.Interaction) -> float:
    """How long ago the tree took this interaction in (see `NewsTree.interaction_check`)."""
    started = interaction.extras.get(STARTED, time.perf_counter())
    return time.perf_counter() - float(started)


class _Replies(Protocol):
    """What the tree needs of the bot: counting replies in flight, and whether it stops."""

    @property
    def shutting_down(self) -> bool: ...

    metrics: Metrics

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


def one_line(error: BaseException) -> str:
    """ "ModuleNotFoundError: No module named 'x'": an extension's error, its type and first
    line."""
    first = (str(error).splitlines() or [""])[0][:200]
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def custom_ids(components: Sequence[Any]) -> set[str]:
    """Every custom id among a message's components (rows and what they hold)."""
    found: set[str] = set()
    for component in components:
        custom_id = getattr(component, "custom_id", None)
        if custom_id:
            found.add(custom_id)
        found |= custom_ids(getattr(component, "children", ()))
    return found


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


# What Discord itself allows an integer or number option that declares no bounds.
DISCORD_NUMBER_LIMIT = 2**53 - 1
# A stored row's number as a slash option (article, digest, feed): Discord shows the range,
# and `out_of_range` holds anyone who sends another to it.
RowId = app_commands.Range[int, 1, DISCORD_NUMBER_LIMIT]
# The same typed in a message (`!feeds pause 3`): discord.py checks this range itself.
TypedRowId = commands.Range[int, 1, DISCORD_NUMBER_LIMIT]
_NUMBERS = (AppCommandOptionType.integer, AppCommandOptionType.number)


def out_of_range(interaction: discord.Interaction) -> str | None:
    """One line saying which option is outside the range its command declares, or None.

    Discord checks these bounds before a command reaches the bot, but a modified client or a
    forged interaction need not: without this, an id past SQLite's integers reached the store
    as an OverflowError ("something went wrong").
    """
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return None
    try:
        values = vars(interaction.namespace)
    except (OverflowError, ValueError):  # a number no float can hold
        return "An option's value is out of range."
    for param in command.parameters:
        value = values.get(param.display_name)
        name = f"`{param.display_name}`"
        if param.type in _NUMBERS and isinstance(value, int | float):
            low = -DISCORD_NUMBER_LIMIT if param.min_value is None else param.min_value
            high = DISCORD_NUMBER_LIMIT if param.max_value is None else param.max_value
            if not (math.isfinite(value) and low <= value <= high):
                kind = (
                    "a whole number" if param.type is AppCommandOptionType.integer else "a number"
                )
                return f"{name} must be {kind} from {low:,} to {high:,}."
        elif param.type is AppCommandOptionType.string and isinstance(value, str):
            # For strings, discord.py keeps Range's bounds as min/max_value (lengths).
            shortest, longest = param.min_value or 0, param.max_value or 6000
            if not shortest <= len(value) <= longest:
                return f"{name} must be from {shortest:,} to {longest:,} characters long."
    return None


class NewsTree(app_commands.CommandTree):
    """The command tree: tracks replies in flight, refuses new work during shutdown, and sends
    every app-command error through `bot.render.errors`."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Track the reply; refuse options outside their declared range; during shutdown, say
        so instead of starting new work."""
        bot: _Replies = self.client  # type: ignore[assignment]
        bot.track_reply(command_label(interaction))
        interaction.extras.setdefault(STARTED, time.perf_counter())
        if not bot.shutting_down:
            if interaction.type is discord.InteractionType.application_command:
                refusal = out_of_range(interaction)
                if refusal is not None:
                    raise errors.CheckRefused(QueryError(refusal))
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
        try:
            await errors.send_error(interaction, error, where=f"/{name}")
        finally:
            bot: _Replies = self.client  # type: ignore[assignment]
            bot.metrics.command_answered(f"/{name}", command_seconds(interaction), ok=False)
