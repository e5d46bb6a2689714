"""The server's mute list for admins (Manage Server): `/mute add` a word, phrase, source or
entity, `/mute remove` one by its number, `/mute list`. What a rule matches is left out of the
server's feeds, digests, follows and feed alerts (the logic is in bot/mutes/)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot
from bot.mutes import MAX_MUTES_PER_GUILD, MuteError, add_mute, remove_mute
from bot.nlp.lookup import entity_choices
from bot.render import mutes as render
from bot.render.entity import known_entity_choices
from bot.render.views import Page
from bot.store import MuteKind

ADMIN = app_commands.checks.has_permissions(manage_guild=True)
RULE = app_commands.Range[str, 1, 100]


class Mute(commands.Cog):
    """What this server never wants to hear about."""

    mute = app_commands.Group(
        name="mute",
        description="Words, phrases, sources and entities this server's news leaves out",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @mute.command(
        name="add",
        description="Leave a word, phrase, source or entity out of feeds, digests and follows",
        extras={"example": "/mute add phrase:transfer window", "order": 60},
    )
    @app_commands.describe(
        word="One word, in any case or accents, e.g. crypto",
        phrase="Words that stand together, e.g. transfer window",
        source="An outlet, by the name its articles carry",
        entity="A person, organisation or place (start typing and pick one)",
    )
    @ADMIN
    async def add(
        self,
        interaction: discord.Interaction,
        word: RULE | None = None,
        phrase: RULE | None = None,
        source: RULE | None = None,
        entity: RULE | None = None,
    ) -> None:
        """Add one rule to the server's mute list."""
        assert interaction.guild_id is not None
        given: list[tuple[MuteKind, str]] = [
            (kind, value)
            for kind, value in (
                ("word", word),
                ("phrase", phrase),
                ("source", source),
                ("entity", entity),
            )
            if value is not None
        ]
        if len(given) != 1:
            raise MuteError("Give one of `word:`, `phrase:`, `source:` or `entity:`.")
        [(kind, value)] = given
        store = self.bot.store
        found, created = await add_mute(
            store,
            interaction.guild_id,
            kind,
            value,
            created_by=interaction.user.id,
            clock=self.bot.clock,
        )
        used = await store.count_mutes(interaction.guild_id)
        embed = render.added_embed(found, created, used, MAX_MUTES_PER_GUILD)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @add.autocomplete("source")
    async def source_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Outlets whose name starts with what was typed."""
        return render.source_choices(await self.bot.store.sources_starting(current.strip()))

    @add.autocomplete("entity")
    async def entity_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Known entities whose name or alias matches what was typed."""
        return known_entity_choices(await entity_choices(self.bot.store, current))

    @mute.command(
        name="remove",
        description="Stop muting something",
        extras={"example": "/mute remove rule:#3", "order": 62},
    )
    @app_commands.describe(rule="Pick a rule, or give its number from /mute list")
    @ADMIN
    async def remove(self, interaction: discord.Interaction, rule: RULE) -> None:
        """Remove one rule of this server's list (another server's numbers are unknown)."""
        assert interaction.guild_id is not None
        removed = await remove_mute(self.bot.store, interaction.guild_id, rule)
        await interaction.response.send_message(embed=render.removed_embed(removed), ephemeral=True)

    @remove.autocomplete("rule")
    async def rule_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """This server's rules (never another's) whose text contains what was typed."""
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            return []
        found = await self.bot.store.guild_mutes(interaction.guild_id)
        return render.rule_choices(found, current)

    @mute.command(
        name="list",
        description="What this server mutes",
        extras={"example": "/mute list", "order": 61},
    )
    @ADMIN
    async def list_(self, interaction: discord.Interaction) -> None:
        """The server's mute list, oldest rule first, paged with buttons."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        store = self.bot.store

        async def page(number: int) -> Page:
            embed, pages = render.list_embed(
                await store.guild_mutes(guild_id), number, MAX_MUTES_PER_GUILD
            )
            return Page(embed, pages)

        pager = self.bot.pagers.open(
            owner=interaction.user, source=page, command="/mute list", kind="mutes"
        )
        await pager.respond(interaction, ephemeral=True)


async def setup(bot: NewsBot) -> None:
    """Add the mute list cog."""
    await bot.add_cog(Mute(bot))
