"""Follow the news: `/follow entity`, `/follow quotes`, `/follow query`, `/follow pair`,
`/follows` and `/unfollow`. New articles that mention a followed entity, quote it saying
something new, or match a followed search — and a followed pair of names beginning to rise —
arrive by DM (a member's follows) or as a post in the channel (channel follows, which need
Manage Server), batched, once each."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, app_cooldown
from bot.client.delivery import missing_permissions
from bot.client.delivery.follows import FollowPoster
from bot.insights.follows import (
    MAX_CHANNEL_FOLLOWS,
    MAX_MEMBER_FOLLOWS,
    MAX_QUERY_CHARS,
    FollowError,
    deliver,
    follow_entity,
    follow_pair,
    follow_query,
    notify_new_articles,
    pending_notifications,
    unfollow,
)
from bot.nlp.lookup import entity_choices
from bot.render.entity import known_entity_choices
from bot.render.insights import (
    follow_added_embed,
    follow_choices,
    follows_embed,
    unfollowed_embed,
)
from bot.store import Follow

CHANNEL_HELP = "Post in this channel instead of messaging you (needs Manage Server)"


class Follows(commands.Cog):
    """Follows of entities and searches, and the notifications they bring."""

    follow = app_commands.Group(
        name="follow",
        description="Get told about new articles on a name or a search",
        guild_only=True,
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.poster = FollowPoster(bot.poster)
        # One delivery at a time: two overlapping runs would both send what is pending.
        self._delivering = asyncio.Lock()

    async def cog_load(self) -> None:
        """Deliver what an earlier run recorded but could not send, once connected."""
        self.bot.tasks.spawn(self._deliver_leftovers(), name="follows:leftovers")

    async def _deliver_leftovers(self) -> None:
        await self.bot.wait_until_ready()
        async with self._delivering:
            leftovers = await pending_notifications(self.bot.store)
            await deliver(self.bot.store, leftovers, self.poster.send, clock=self.bot.clock)

    @commands.Cog.listener()
    async def on_articles_added(self, article_ids: Sequence[int]) -> None:
        """Notify the follows these new articles match (`NewsBot.articles_added`)."""
        async with self._delivering:
            notifications = await notify_new_articles(
                self.bot.store, article_ids, clock=self.bot.clock
            )
            await deliver(self.bot.store, notifications, self.poster.send, clock=self.bot.clock)

    # -- commands -----------------------------------------------------------------------------

    def _recipient(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None
    ) -> dict[str, int | None]:
        """Who a new follow notifies: the member, or a channel (Manage Server only)."""
        if channel is None:
            return {"user_id": interaction.user.id, "channel_id": None}
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        if missing_permissions(channel):
            raise app_commands.BotMissingPermissions(
                ["view_channel", "send_messages", "embed_links"]
            )
        return {"user_id": None, "channel_id": channel.id}

    async def _follow(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None,
        add: Callable[..., Awaitable[tuple[Follow, bool]]],
        **target: str | bool,
    ) -> None:
        """Add a follow with `add` (follow_entity or follow_query) and confirm it privately."""
        assert interaction.guild_id is not None
        follow, created = await add(
            self.bot.store,
            guild_id=interaction.guild_id,
            created_by=interaction.user.id,
            clock=self.bot.clock,
            **self._recipient(interaction, channel),
            **target,
        )
        if follow.user_id is not None:
            used = await self.bot.store.count_follows(interaction.guild_id, user_id=follow.user_id)
            limit = MAX_MEMBER_FOLLOWS
        else:
            used = await self.bot.store.count_follows(
                interaction.guild_id, channel_id=follow.channel_id
            )
            limit = MAX_CHANNEL_FOLLOWS
        await interaction.response.send_message(
            embed=follow_added_embed(follow, created, used, limit), ephemeral=True
        )

    @follow.command(
        name="entity", description="New articles naming a person, organisation or place"
    )
    @app_commands.describe(name="Start typing a name and pick one", channel=CHANNEL_HELP)
    @app_cooldown("follow", 10, 60.0)
    async def follow_entity_command(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Follow an entity for yourself or, as an admin, for a channel."""
        await self._follow(interaction, channel, follow_entity, name=name)

    @follow_entity_command.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Known entities whose name or alias matches what was typed."""
        return known_entity_choices(await entity_choices(self.bot.store, current))

    @follow.command(
        name="quotes",
        description="New quotations of a person or organisation",
        extras={"example": "/follow quotes name:Herzi Halevi"},
    )
    @app_commands.describe(name="Start typing a name and pick one", channel=CHANNEL_HELP)
    @app_cooldown("follow", 10, 60.0)
    async def follow_quotes_command(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Follow what an entity is quoted as saying, for yourself or, as an admin, a channel."""
        await self._follow(interaction, channel, follow_entity, name=name, quotes=True)

    @follow_quotes_command.autocomplete("name")
    async def quotes_name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Known entities whose name or alias matches what was typed."""
        return known_entity_choices(await entity_choices(self.bot.store, current))

    @follow.command(
        name="query",
        description="New articles matching a search",
        extras={"example": "/follow query text:ceasefire Qatar channel:#news"},
    )
    @app_commands.describe(
        text=(
            'A search, e.g. ceasefire Qatar, "Shin Bet", truce OR ceasefire, source:YWN,'
            " category:world"
        ),
        channel=CHANNEL_HELP,
    )
    @app_cooldown("follow", 10, 60.0)
    async def follow_query_command(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, MAX_QUERY_CHARS],
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Follow a saved search for yourself or, as an admin, for a channel."""
        await self._follow(interaction, channel, follow_query, text=text)

    @follow.command(
        name="pair",
        description="Two names named together far more than usual (a rising pair)",
        extras={"example": "/follow pair a:Hamas b:Qatar"},
    )
    @app_commands.describe(
        a="Start typing a name and pick one",
        b="The name it is to be named with",
        channel=CHANNEL_HELP,
    )
    @app_cooldown("follow", 10, 60.0)
    async def follow_pair_command(
        self,
        interaction: discord.Interaction,
        a: app_commands.Range[str, 1, 100],
        b: app_commands.Range[str, 1, 100],
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Follow a pair of entities, told once each time the pair rises."""
        await self._follow(interaction, channel, follow_pair, first=a, second=b)

    @follow_pair_command.autocomplete("a")
    @follow_pair_command.autocomplete("b")
    async def pair_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Known entities whose name or alias matches what was typed."""
        return known_entity_choices(await entity_choices(self.bot.store, current))

    @app_commands.command(
        name="follows",
        description="What you and this server's channels follow",
        extras={"example": "/follows"},
    )
    @app_commands.guild_only()
    async def follows(self, interaction: discord.Interaction) -> None:
        """List the member's follows here, then the channel follows."""
        assert interaction.guild_id is not None
        found = await self.bot.store.visible_follows(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(embed=follows_embed(found), ephemeral=True)

    @app_commands.command(
        name="unfollow", description="Stop a follow", extras={"example": "/unfollow follow:#3"}
    )
    @app_commands.describe(follow="Pick one of your follows (channel ones need Manage Server)")
    @app_commands.guild_only()
    async def unfollow_command(
        self, interaction: discord.Interaction, follow: app_commands.Range[str, 1, 100]
    ) -> None:
        """Remove one of the member's follows, or a channel's."""
        assert interaction.guild_id is not None
        number = follow.strip().lstrip("#")
        if not number.isdigit() or len(number) > 18:
            raise FollowError("Pick a follow from the list, or give its number from `/follows`.")
        removed = await unfollow(
            self.bot.store,
            interaction.guild_id,
            int(number),
            user_id=interaction.user.id,
            manages_guild=interaction.permissions.manage_guild,
        )
        await interaction.response.send_message(embed=unfollowed_embed(removed), ephemeral=True)

    @unfollow_command.autocomplete("follow")
    async def follow_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The member's follows here (and channel follows for those who manage the server)."""
        if interaction.guild_id is None:
            return []
        found = await self.bot.store.visible_follows(interaction.guild_id, interaction.user.id)
        if not interaction.permissions.manage_guild:
            found = [f for f in found if f.user_id is not None]
        return follow_choices(found, current)


async def setup(bot: NewsBot) -> None:
    """Add the follows cog."""
    await bot.add_cog(Follows(bot))
