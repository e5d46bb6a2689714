"""Live news feeds: `/feeds add|list|remove|test` for server admins (Manage Server), and the
poller (started in `cog_load`, stopped in `cog_unload`) whose new articles are announced (by
`bot.client.delivery.feeds`) in text channels, threads and forum channels, with an optional
role ping as the only mention.

The fetch policy can be set before start with `bot.feed_fetch_policy` (a `FetchPolicy`; the
default refuses loopback and private addresses, which only tests and the sandbox allow).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot
from bot.client.delivery import missing_permissions
from bot.client.delivery.feeds import FeedPoster
from bot.feeds.errors import FeedUnreadable
from bot.feeds.fetcher import Fetcher, FetchError, FetchPolicy
from bot.feeds.parse import FeedFormatError
from bot.feeds.poller import FeedPoller
from bot.feeds.subscriptions import (
    FeedPreview,
    check_filter,
    check_filter_cost,
    preview_feed,
    subscribe,
)
from bot.models import Article
from bot.render import feeds as render
from bot.render import limits

MAX_FEEDS_PER_GUILD = 25  # one /feeds list embed (25 fields)
Target = discord.TextChannel | discord.Thread | discord.ForumChannel


class Feeds(commands.Cog):
    """Follow RSS/Atom feeds in this server's channels."""

    feeds = app_commands.Group(
        name="feeds",
        description="News feeds posted in this server's channels",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.fetcher: Fetcher | None = None
        self.poller: FeedPoller | None = None

    async def cog_load(self) -> None:
        """Start the poller (announcements wait for the gateway to be ready)."""
        policy = getattr(self.bot, "feed_fetch_policy", None) or FetchPolicy()
        self.fetcher = Fetcher(policy, clock=self.bot.clock)
        poster = FeedPoster(self.bot.poster, self.bot.store)
        self.poller = FeedPoller(
            self.bot.store,
            self.fetcher,
            clock=self.bot.clock,
            announce=poster.announce,
            notify=poster.alert,
            enrich=self._enricher(),
            entity_articles=self.bot.entity_articles,
            summarize=self._nlp_summary,
        )
        self.poller.start()

    async def cog_unload(self) -> None:
        """Stop the poller and close its HTTP session; what was queued is posted next start."""
        try:
            if self.poller is not None:
                await self.poller.stop()
        finally:
            if self.fetcher is not None:
                await self.fetcher.close()

    @property
    def running(self) -> FeedPoller:
        """The poller (there from cog_load on)."""
        assert self.poller is not None
        return self.poller

    # -- commands -----------------------------------------------------------------------------

    @feeds.command(name="add", description="Post a feed's new articles in a channel")
    @app_commands.describe(
        url="The feed's address (RSS or Atom), or a site that links to its feed",
        channel="Text channel, thread or forum channel to post in",
        filter="Only articles matching this search, e.g. storm OR flood, source:Reuters",
        role="A role to ping with each announcement (the only mention the bot ever makes)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000],
        channel: Target,
        filter: app_commands.Range[str, 1, 300] | None = None,
        role: discord.Role | None = None,
    ) -> None:
        """Validate by fetching the feed once, subscribe the channel, say what it holds."""
        assert interaction.guild_id is not None
        if role is not None and role.is_default():
            raise FeedUnreadable("Pick a role to ping; @everyone can't be pinged by feeds.")
        wanted = check_filter(filter, entities_available=self.bot.entity_articles is not None)
        await check_filter_cost(self.bot.store, wanted)
        existing = await self.bot.store.guild_subscriptions(interaction.guild_id)
        if len(existing) >= MAX_FEEDS_PER_GUILD:
            raise FeedUnreadable(f"A server can follow {MAX_FEEDS_PER_GUILD} feeds at most.")
        await self._check_postable(channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        preview = await self._preview(url)
        async with self.running.writing():
            subscription, _, created = await subscribe(
                self.bot.store,
                preview,
                guild_id=interaction.guild_id,
                channel_id=channel.id,
                created_by=interaction.user.id,
                filter_text=wanted,
                role_id=role.id if role else None,
                clock=self.bot.clock,
            )
        self.running.wake()
        mentionable = role is None or role.mentionable
        embed = render.added_embed(preview, subscription, created, mentionable)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @feeds.command(name="list", description="This server's feeds and their health")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def list_(self, interaction: discord.Interaction) -> None:
        """Each feed: channel, filter, status, last success, last new item, full-text rate."""
        assert interaction.guild_id is not None
        rows = await self.bot.store.guild_subscriptions(interaction.guild_id)
        embed = render.subscriptions_embed(rows, self.bot.clock.now(), MAX_FEEDS_PER_GUILD)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @feeds.command(name="remove", description="Stop posting a feed")
    @app_commands.describe(id="The feed's number in /feeds list")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(self, interaction: discord.Interaction, id: int) -> None:
        """Remove one of this server's subscriptions (another server's ids find nothing)."""
        assert interaction.guild_id is not None
        store = self.bot.store
        subscription = await store.subscription(interaction.guild_id, id)
        feed = await store.feed(subscription.feed_id) if subscription else None
        if subscription is None or feed is None:
            raise FeedUnreadable(f"There is no feed #{id} in this server; see /feeds list.")
        async with self.running.writing(), store.transaction():
            await store.remove_subscription(interaction.guild_id, id)
        self.running.wake()
        await interaction.response.send_message(
            embed=render.removed_embed(subscription, feed), ephemeral=True
        )

    @remove.autocomplete("id")
    async def remove_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """This server's feeds whose number or title contains what was typed."""
        if interaction.guild_id is None:
            return []
        typed = current.casefold().lstrip("#")
        rows = await self.bot.store.guild_subscriptions(interaction.guild_id)
        choices = [
            app_commands.Choice(name=render.subscription_choice(s, f), value=s.id)
            for s, f in rows
            if typed in f"{s.id} {f.name}".casefold()
        ]
        return choices[: limits.CHOICES]

    @feeds.command(name="test", description="Preview a feed without following it")
    @app_commands.describe(url="The feed's address (RSS or Atom)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def test(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Fetch and show the feed's title and latest items; nothing is stored."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        preview = await self._preview(url)
        await interaction.followup.send(embed=render.preview_embed(preview), ephemeral=True)

    async def _preview(self, url: str) -> FeedPreview:
        assert self.fetcher is not None
        try:
            return await preview_feed(self.fetcher, url)
        except (FetchError, FeedFormatError) as exc:
            raise FeedUnreadable(f"Couldn't read that feed: {exc}.") from exc

    async def _check_postable(self, channel: Target) -> None:
        if missing := missing_permissions(channel):
            raise FeedUnreadable(f"I need {', '.join(missing)} in {channel.mention} to post there.")

    # -- NLP --------------------------------------------------------------------------------

    def _enricher(self) -> Any:
        from bot.nlp.enrichment import enrich_articles

        bot = self.bot
        store, service, clock = bot.store, bot.nlp_service, bot.clock

        async def enrich(ids: Sequence[int]) -> None:
            await enrich_articles(store, ids, service, clock=clock)
            # Follows and other listeners hear about the new articles; in the background, so
            # a slow DM never holds up the next feed.
            bot.tasks.spawn(bot.articles_added(ids), name="articles-added")

        return enrich

    async def _nlp_summary(self, article: Article) -> str | None:
        """The stored NLP summary (two sentences), when the article has been analysed."""
        from bot.nlp.enrichment import needs_analysis
        from bot.nlp.lookup import article_summary

        if await needs_analysis(self.bot.store, article.id):
            return None
        summary = await article_summary(self.bot.store, article.id, sentences=2)
        return " ".join(s.text for s in summary.sentences) or None


async def setup(bot: NewsBot) -> None:
    """Add the feeds cog."""
    await bot.add_cog(Feeds(bot))
