"""`/help` (commands with examples, read from the command tree) and `/about`."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, answer
from bot.render.help import CommandHelp, about_embed, help_pages
from bot.render.views import static_source

# Where a command sits in /help (extras["order"], lower first); commands without one sit in
# the middle, in the order the tree holds them.
DEFAULT_ORDER = 50


def _extras(command: Any) -> dict[str, Any]:
    # Hybrid commands keep their extras on the prefix command they wrap.
    wrapped = getattr(command, "wrapped", None)
    return {**getattr(wrapped, "extras", {}), **getattr(command, "extras", {})}


def command_help(bot: NewsBot, prefix: str) -> list[CommandHelp]:
    """Every visible command of the bot, as the tree and the prefix commands describe them,
    ordered by each command's `extras["order"]`."""
    ranked: list[tuple[int, CommandHelp]] = []

    def add(command: Any, entry: CommandHelp) -> None:
        ranked.append((int(_extras(command).get("order", DEFAULT_ORDER)), entry))

    for command in bot.tree.walk_commands():
        if isinstance(command, app_commands.Group) or _extras(command).get("hidden"):
            continue
        options = [
            p.display_name if p.required else f"[{p.display_name}]" for p in command.parameters
        ]
        usage = " ".join([f"/{command.qualified_name}", *options])
        example = _extras(command).get("example", "")
        add(command, CommandHelp(usage, command.description, example))
    for menu in bot.tree.get_commands(type=discord.AppCommandType.message):
        description = _extras(menu).get("description", "Runs on the message you right-click.")
        add(menu, CommandHelp(f"Message menu → Apps → {menu.name}", description))
    for command in sorted(bot.commands, key=lambda c: c.name):
        if isinstance(command, commands.HybridCommand | commands.HybridGroup) or command.hidden:
            continue
        usage = f"{prefix}{command.name} {command.usage or ''}".strip()
        example = command.extras.get("example", "").replace("!", prefix, 1)
        add(command, CommandHelp(usage, command.help or "", example))
    # sorted() is stable: equal ranks keep the tree's order.
    return [entry for _, entry in sorted(ranked, key=lambda pair: pair[0])]


class Help(commands.Cog):
    """What the bot can do, and what it holds."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @commands.hybrid_command(
        name="help",
        description="List Newsdesk's commands with examples",
        extras={"example": "/help", "order": 90},
    )
    async def help(self, ctx: commands.Context[NewsBot]) -> None:
        """Commands with examples, and the search language, paged."""
        prefix = await self.bot.prefix_for(ctx.guild.id if ctx.guild else None)
        pages = help_pages(command_help(self.bot, prefix), prefix=prefix)
        pager = self.bot.pagers.open(
            owner=ctx.author, source=static_source(pages), command="/help", kind="help"
        )
        if ctx.interaction is not None:
            await pager.respond(ctx.interaction, ephemeral=True)
        else:
            await pager.reply(ctx.message)

    @commands.hybrid_command(
        name="about",
        description="Newsdesk's version and what its archive holds",
        extras={"example": "/about", "order": 91},
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
