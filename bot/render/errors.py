"""What users are told when a command fails: one short, friendly line per kind of failure.

`describe(error)` maps an exception (unwrapped from discord.py's invoke wrappers, and from
`CheckRefused`, which carries a core rule's refusal out of a command check) to an
`ErrorReply`: expected failures (bad query, unknown article, missing permission, cooldown, a
failed check) get their own message; anything else gets a generic apology and `unexpected=True`
so the caller logs the traceback. `send_error` answers an interaction ephemerally with it.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import NewsdeskError
from bot.render import embeds, text

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on our side. It has been logged; please try again later."

# Single-backtick code spans, which Discord shows literally; anything else is escaped.
_CODE_SPAN = re.compile(r"`[^`\n]+`")
# What could still ping, link or spoil if Discord ended a span elsewhere: a zero-width space
# after the first character breaks each construct and shows nothing.
_CONSTRUCTS = re.compile(r"\](?=\()|<(?=[@#:/at])|@(?=everyone|here)|\|(?=\|)", re.IGNORECASE)


class CheckRefused(app_commands.CheckFailure):
    """A command check refused by a rule of the core. discord.py reports only its own errors
    from checks, so this carries the domain error, whose message the member is told."""

    def __init__(self, original: NewsdeskError) -> None:
        super().__init__(str(original))
        self.original = original


@dataclass(frozen=True)
class ErrorReply:
    """The message for a failure, and whether it was unexpected (a bug to log)."""

    message: str
    unexpected: bool = False


def unwrap(error: BaseException) -> BaseException:
    """The exception a command actually raised, without discord.py's invoke wrappers."""
    while True:
        wrappers = (
            CheckRefused,
            app_commands.CommandInvokeError,
            commands.CommandInvokeError,
            commands.HybridCommandError,
        )
        if isinstance(error, wrappers):
            error = error.original
        else:
            return error


def _permission_names(names: list[str]) -> str:
    pretty = [n.replace("_", " ").replace("guild", "server").title() for n in names]
    return " and ".join(pretty)


def _seconds(retry_after: float) -> str:
    seconds = max(1, math.ceil(retry_after))
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _escaped(prose: str) -> str:
    """Escape prose between code spans, keeping the spaces that separate it from them."""
    core = prose.strip(" \n")
    if not core:
        return prose
    lead = prose[: len(prose) - len(prose.lstrip(" \n"))]
    tail = prose[len(prose.rstrip(" \n")) :]
    return lead + text.escape(core) + tail


def inert(message: str) -> str:
    """A domain error's message, which may quote what the user typed, made unable to ping,
    link or spoil: code spans keep their look (constructs inside broken), the rest is escaped."""
    parts: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(message):
        parts.append(_escaped(message[last : span.start()]))
        parts.append(_CONSTRUCTS.sub(lambda m: m.group() + text.ZERO_WIDTH_SPACE, span.group()))
        last = span.end()
    parts.append(_escaped(message[last:]))
    return "".join(parts)


def describe(error: BaseException) -> ErrorReply:
    """Map a command failure to what the user is told."""
    error = unwrap(error)
    if isinstance(error, NewsdeskError):
        return ErrorReply(inert(str(error)) or "That didn't work.")
    if isinstance(error, app_commands.CommandOnCooldown | commands.CommandOnCooldown):
        return ErrorReply(f"Slow down a little: try again in {_seconds(error.retry_after)}.")
    if isinstance(error, app_commands.MissingPermissions | commands.MissingPermissions):
        names = _permission_names(error.missing_permissions)
        return ErrorReply(f"You need the {names} permission to do that.")
    if isinstance(error, app_commands.BotMissingPermissions | commands.BotMissingPermissions):
        names = _permission_names(error.missing_permissions)
        return ErrorReply(f"I need the {names} permission in this channel to do that.")
    if isinstance(error, app_commands.NoPrivateMessage | commands.NoPrivateMessage):
        return ErrorReply("That only works in a server, not in direct messages.")
    if isinstance(error, commands.NotOwner):
        return ErrorReply("Only the bot's owner can do that.")
    if isinstance(error, app_commands.TransformerError):
        return ErrorReply(f"{text.escape(str(error.value))[:100]} isn't a valid value there.")
    if isinstance(error, commands.MissingRequiredArgument):
        return ErrorReply(f"Add the {error.param.name} to look for, e.g. `!news ceasefire`.")
    if isinstance(error, commands.RangeError):
        return ErrorReply(f"That number must be from {error.minimum:,} to {error.maximum:,}.")
    if isinstance(error, commands.BadArgument | commands.ArgumentParsingError):
        return ErrorReply("I couldn't read that: check the command's options and try again.")
    if isinstance(error, app_commands.CheckFailure | commands.CheckFailure):
        return ErrorReply("You can't use that command here.")
    return ErrorReply(APOLOGY, unexpected=True)


def error_embed(reply: ErrorReply) -> discord.Embed:
    """The embed that carries an error message."""
    colour = embeds.Palette.ERROR if reply.unexpected else embeds.Palette.WARNING
    return embeds.build(description=reply.message, colour=colour)


async def send_error(interaction: discord.Interaction, error: BaseException, *, where: str) -> None:
    """Tell the user what went wrong (ephemeral) and log unexpected failures with context."""
    reply = describe(error)
    if reply.unexpected:
        log.error(
            "%s failed for user %s in guild %s",
            where,
            interaction.user.id,
            interaction.guild_id,
            exc_info=unwrap(error),
        )
    embed = error_embed(reply)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException as exc:
        # Past the 3 s / 15 min windows there is no way left to answer; the log keeps it.
        log.warning("could not report an error for %s: %s", where, exc)
