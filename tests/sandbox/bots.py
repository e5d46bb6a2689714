"""A small commands.Bot used to exercise the emulator with the real discord.py client."""

from __future__ import annotations

import asyncio
import io

import discord
from discord import app_commands
from discord.ext import commands


class PagerView(discord.ui.View):
    """Two buttons and a select, to test component interactions."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Next", custom_id="pager:next")
    async def next_page(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        """Replace the message with page 2 (callback type 7)."""
        await interaction.response.edit_message(content="page 2", view=self)

    @discord.ui.button(label="Details", custom_id="pager:details")
    async def details(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        """Answer privately (callback type 4, ephemeral)."""
        await interaction.response.send_message("details for you", ephemeral=True)

    @discord.ui.select(
        custom_id="pager:topic",
        options=[discord.SelectOption(label=t, value=t) for t in ("world", "sport")],
    )
    async def topic(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        """Echo the picked topic."""
        await interaction.response.edit_message(content=f"topic: {select.values[0]}", view=self)


class NoteModal(discord.ui.Modal, title="Add a note"):
    """A one-field modal."""

    note = discord.ui.TextInput(label="Note", custom_id="note:text")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Echo the note."""
        await interaction.response.send_message(f"noted: {self.note.value}")


class SandboxBot(commands.Bot):
    """Slash commands, a deferred command, buttons, a modal and a prefix command."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.05,
            chunk_guilds_at_startup=False,
        )
        self.errors: list[Exception] = []
        self.error_seen = asyncio.Event()
        self.release = asyncio.Event()
        self.handled: list[str] = []

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Skip discord.py's 5 s pause before re-IDENTIFY: it guards Discord's identify quota,
        which the emulator does not impose."""

    async def setup_hook(self) -> None:
        """Register commands and sync them, as a real bot does at start-up."""
        tree = self.tree

        @tree.command(description="Search the news")
        async def search(interaction: discord.Interaction, query: str, limit: int = 3) -> None:
            self.handled.append(f"search:{query}")
            embed = discord.Embed(title=f"Results for {query}", description=f"limit {limit}")
            embed.add_field(name="Top story", value=f"{query} wins")
            await interaction.response.send_message(embed=embed, view=PagerView())

        @tree.command(description="A slow digest")
        async def digest(interaction: discord.Interaction, topic: str) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send(f"digest about {topic}")
            await interaction.followup.send(
                "attached", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), filename="digest.csv")
            )

        @tree.command(description="Too big to send")
        async def huge(interaction: discord.Interaction) -> None:
            try:
                await interaction.response.send_message(
                    embed=discord.Embed(title="big", description="x" * 4097)
                )
            except discord.HTTPException as error:
                self.errors.append(error)
                await interaction.response.send_message("too big", ephemeral=True)

        @tree.command(description="Waits for the test before answering")
        async def late(interaction: discord.Interaction) -> None:
            await self.release.wait()
            try:
                await interaction.response.send_message("finally")
            except discord.HTTPException as error:
                self.errors.append(error)
                self.error_seen.set()

        @tree.command(description="Opens a modal")
        async def note(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(NoteModal())

        @tree.command(description="Autocompletes articles")
        async def summary(interaction: discord.Interaction, article: str) -> None:
            await interaction.response.send_message(f"summary of {article}")

        @summary.autocomplete("article")
        async def article_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            titles = ["Qatar talks", "Qatar energy", "Quebec vote", "Oslo summit"]
            return [app_commands.Choice(name=t, value=t) for t in titles if current in t]

        @commands.command(name="news")
        async def news(ctx: commands.Context, *, query: str) -> None:
            self.handled.append(f"news:{query}")
            await ctx.reply(f"news about {query}")

        self.add_command(news)
        tree.add_command(FeedGroup())
        await tree.sync()


class FeedGroup(app_commands.Group):
    """A command group, to test subcommand option nesting."""

    def __init__(self) -> None:
        super().__init__(name="feed", description="Manage feeds")

    @app_commands.command(description="Follow a feed")
    async def add(self, interaction: discord.Interaction, url: str, hourly: bool = False) -> None:
        """Confirm the feed."""
        await interaction.response.send_message(f"following {url} hourly={hourly}")

    @app_commands.command(description="Acknowledge silently")
    async def touch(self, interaction: discord.Interaction) -> None:
        """Defer and never follow up."""
        await interaction.response.defer()
