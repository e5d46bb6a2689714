"""Search the news: `/search`, `!news <query>` and `@Newsdesk <query>` in channels."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, app_cooldown, prefix_cooldown
from bot.errors import ArticleNotFound
from bot.models import SearchPage
from bot.render import limits
from bot.render.article import article_reader
from bot.render.search import no_results_embed, results_page
from bot.render.text import plain
from bot.render.views import Page, Pager
from bot.search import Query, SearchFilters, parse_query, search, suggestions
from bot.search.query import parse_date

PER_PAGE = 5
# Per user: a burst of searches is fine, a flood is not (shared by /search and !news).
RATE, PER = 5, 30.0


SendPager = Callable[[Pager], Awaitable[None]]
SendEmbed = Callable[[discord.Embed], Awaitable[Any]]


async def show_results(
    bot: NewsBot,
    owner: discord.abc.User,
    query: Query,
    label: str,
    *,
    send_pager: SendPager,
    send_embed: SendEmbed,
    command: str = "/search",
) -> None:
    """Search and answer with a pager over the hits (a menu opens an article), or with
    "no match" and close words; `label` is what the user typed. Shared by every search entry
    point (/search, !news, @mention, Find related news)."""

    async def page_of(number: int) -> SearchPage:
        return await search(
            bot.store,
            query,
            page=number,
            per_page=PER_PAGE,
            entity_articles=bot.entity_articles,
        )

    first = await page_of(1)
    if not first.hits:
        await send_embed(no_results_embed(label, await suggestions(bot.store, query)))
        return
    cached = {1: first}

    async def source(number: int) -> Page:
        page = cached.pop(number, None) or await page_of(number)
        return results_page(page, label, page.notes)

    async def open_article(interaction: discord.Interaction, value: str) -> None:
        source = await article_reader(bot.store, int(value))
        if source is None:
            raise ArticleNotFound(f"Article #{value} is no longer stored.")
        reader = bot.pagers.open(
            owner=interaction.user,
            source=source,
            command="/article",
            kind="article",
        )
        await reader.respond(interaction, ephemeral=True)

    pager = bot.pagers.open(
        owner=owner,
        source=source,
        command=command,
        kind="search",
        pick=open_article,
        placeholder="Open an article…",
    )
    await send_pager(pager)


class Search(commands.Cog):
    """Full-text search over the stored articles, paged, with a menu to open one."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    # -- /search --------------------------------------------------------------------------------

    @app_commands.command(
        name="search",
        description="Search the news: ranked articles with the matching passages",
        extras={"example": "/search query:Qatar truce", "order": 0},
    )
    @app_commands.describe(
        query=(
            'Words to find, e.g. Qatar truce, "Shin Bet", -Egypt, Halev*, title:truce,'
            ' author:"Jane Doe"'
        ),
        source="Only articles from this source, e.g. YWN",
        after="Only articles on or after this date (YYYY-MM-DD)",
        before="Only articles before this date (YYYY-MM-DD)",
        entity="Only articles that mention this person, organisation or place",
        private="Show the results only to you",
    )
    @app_cooldown("search", RATE, PER)
    async def search_command(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 300],
        source: app_commands.Range[str, 1, 100] | None = None,
        after: app_commands.Range[str, 4, 10] | None = None,
        before: app_commands.Range[str, 4, 10] | None = None,
        entity: app_commands.Range[str, 1, 100] | None = None,
        private: bool = False,
    ) -> None:
        """Search with optional filters (options win over filters typed in the query)."""
        options = SearchFilters(
            sources=(source,) if source else (),
            after=parse_date(after, "after").isoformat() if after else None,
            before=parse_date(before, "before").isoformat() if before else None,
            entities=(entity,) if entity else (),
        )
        parsed = parse_query(query, options)
        if entity:
            # Entity lookups read the NLP index and may take a moment: acknowledge first.
            await interaction.response.defer(ephemeral=private, thinking=True)

        async def send_embed(embed: discord.Embed) -> None:
            if interaction.response.is_done():
                await interaction.followup.send(embed=embed, ephemeral=True)
            else:
                await interaction.response.send_message(embed=embed, ephemeral=True)

        await show_results(
            self.bot,
            interaction.user,
            parsed,
            query,
            send_pager=lambda pager: pager.respond(interaction, ephemeral=private),
            send_embed=send_embed,
        )

    @search_command.autocomplete("entity")
    async def entity_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Known people, organisations and places matching what was typed (NLP index)."""
        from bot.nlp.lookup import entity_choices

        found = await entity_choices(self.bot.store, current, limit=limits.CHOICES)
        return [
            app_commands.Choice(name=plain(f"{e.name} ({e.kind})", limits.CHOICE_NAME), value=e.ref)
            for e in found
        ]

    # -- !news and @Newsdesk ------------------------------------------------------------------

    async def _answer_in_channel(self, message: discord.Message, query: str) -> None:
        async def send_embed(embed: discord.Embed) -> None:
            await message.reply(embed=embed, mention_author=False)

        await show_results(
            self.bot,
            message.author,
            parse_query(query),
            query,
            send_pager=lambda pager: pager.reply(message),
            send_embed=send_embed,
            command="!news or /search",
        )

    @commands.command(
        name="news",
        help="Search the news from any channel.",
        usage="<query>",
        extras={"example": "!news ceasefire", "order": 3},
    )
    @prefix_cooldown("search", RATE, PER)
    async def news(self, ctx: commands.Context[NewsBot], *, query: str) -> None:
        """`!news <query>`: the same results as /search, in the channel."""
        await self._answer_in_channel(ctx.message, query)

    @commands.Cog.listener("on_message")
    async def answer_mention(self, message: discord.Message) -> None:
        """`@Newsdesk <query>` searches (a mention followed by a command runs the command)."""
        me = self.bot.user
        if message.author.bot or me is None or not self.bot.settings.channel_search:
            return
        content = message.content.strip()
        mention = next((m for m in (f"<@{me.id}>", f"<@!{me.id}>") if content.startswith(m)), None)
        if mention is None:
            return
        ctx = await self.bot.get_context(message)
        if ctx.command is not None:
            return
        self.bot.track_reply("@mention")
        query = content[len(mention) :].strip()
        try:
            if not query:
                await message.reply(
                    "Ask me like `@Newsdesk ceasefire`, or use `/search`.", mention_author=False
                )
                return
            self.bot.cooldowns.enforce("search", message.author.id, RATE, PER)
            await self._answer_in_channel(message, query)
        except Exception as error:  # handed to the one error path, like a command's
            self.bot.dispatch("command_error", ctx, commands.CommandInvokeError(error))


async def setup(bot: NewsBot) -> None:
    """Add the search cog."""
    await bot.add_cog(Search(bot))
