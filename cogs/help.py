"""`/help` (commands with examples, read from the command tree) and `/about`."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, answer
from bot.render.help import CommandHelp, about_embed, help_embed


def _extras(command: Any) -> dict[str, Any]:
    # Hybrid commands keep their extras on the prefix command they wrap.
    wrapped = getattr(command, "wrapped", None)
    return {**getattr(wrapped, "extras", {}), **getattr(command, "extras", {})}


def command_help(bot: NewsBot, prefix: str) -> list[CommandHelp]:
    """Every visible command of the bot, as the tree and the prefix commands describe them."""
    entries: list[CommandHelp] = []
    for command in bot.tree.walk_commands():
        if isinstance(command, app_commands.Group) or _extras(command).get("hidden"):
            continue
        options = [
            p.display_name if p.required else f"[{p.display_name}]" for p in command.parameters
        ]
        usage = " ".join([f"/{command.qualified_name}", *options])
        example = _extras(command).get("example", "")
        entries.append(CommandHelp(usage, command.description, example))
    for menu in bot.tree.get_commands(type=discord.AppCommandType.message):
        entries.append(
            CommandHelp(
                f"Message menu → Apps → {menu.name}",
                _extras(menu).get("description", "Runs on the message you right-click."),
            )
        )
    for command in sorted(bot.commands, key=lambda c: c.name):
        if isinstance(command, commands.HybridCommand | commands.HybridGroup) or command.hidden:
            continue
        usage = f"{prefix}{command.name} {command.usage or ''}".strip()
        example = command.extras.get("example", "").replace("!", prefix, 1)
        entries.append(CommandHelp(usage, command.help or "", example))
    return entries


class Help(commands.Cog):
    """What the bot can do, and what it holds."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @commands.hybrid_command(
        name="help",
        description="List Newsdesk's commands with examples",
        extras={"example": "/help"},
    )
    async def help(self, ctx: commands.Context[NewsBot]) -> None:
        """Commands with examples, and the search language."""
        prefix = await self.bot.prefix_for(ctx.guild.id if ctx.guild else None)
        await answer(ctx, embed=help_embed(command_help(self.bot, prefix), prefix=prefix))

    @commands.hybrid_command(
        name="about",
        description="Newsdesk's version and what its archive holds",
        extras={"example": "/about"},
    )
    async def about(self, ctx: commands.Context[NewsBot]) -> None:
        """Version and corpus figures."""
        stats = await self.bot.store.article_stats()
        await answer(
            ctx, embed=about_embed(stats, version=self.bot.version, guilds=len(self.bot.guilds))
        )


async def setup(bot: NewsBot) -> None:
    """Add the help cog."""
    await bot.add_cog(Help(bot))
