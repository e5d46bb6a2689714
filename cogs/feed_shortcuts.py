"""`!feeds pause|resume|send-latest ID`: the feed commands an admin may type as a message
(Manage Server, this server's feeds only); they do what the slash commands of the feeds cog
do, through it. `!feeds` alone says where the other commands are."""

from __future__ import annotations

from discord.ext import commands

from bot.client import NewsBot, TypedRowId, answer
from bot.client.feeds import FeedDesk
from bot.errors import NewsdeskError
from bot.render import feed_admin


class FeedShortcuts(commands.Cog):
    """Prefix commands for running feeds."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    def _feeds(self) -> FeedDesk:
        """The feeds cog's running feeds (cogs/feeds.py starts them)."""
        cog = self.bot.get_cog("Feeds")
        desk = getattr(cog, "desk", None)
        if not isinstance(desk, FeedDesk):
            raise NewsdeskError("Feeds aren't running on this bot right now.")
        return desk

    @commands.group(name="feeds", invoke_without_command=True)
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def feeds(self, ctx: commands.Context[NewsBot]) -> None:
        """What the prefix commands are; everything else is a slash command."""
        await answer(ctx, embed=feed_admin.prefix_help(ctx.prefix or "!"))

    @feeds.command(name="pause")  # type: ignore[arg-type]  # discord.py's overloads
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def pause(self, ctx: commands.Context[NewsBot], id: TypedRowId) -> None:
        """`!feeds pause 3`."""
        assert ctx.guild is not None
        await answer(ctx, embed=await self._feeds().pause_feed(ctx.guild.id, id))

    @feeds.command(name="resume")  # type: ignore[arg-type]  # discord.py's overloads
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def resume(self, ctx: commands.Context[NewsBot], id: TypedRowId) -> None:
        """`!feeds resume 3`."""
        assert ctx.guild is not None
        await answer(ctx, embed=await self._feeds().resume_feed(ctx.guild.id, id))

    @feeds.command(name="send-latest")  # type: ignore[arg-type]  # discord.py's overloads
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def send_latest(self, ctx: commands.Context[NewsBot], id: TypedRowId) -> None:
        """`!feeds send-latest 3`."""
        assert ctx.guild is not None
        embed = await self._feeds().send_latest_item(ctx.guild.id, id)
        await answer(ctx, embed=embed)


async def setup(bot: NewsBot) -> None:
    """Add the feed shortcuts cog."""
    await bot.add_cog(FeedShortcuts(bot))
