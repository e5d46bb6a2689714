"""Scheduled news digests: `/digest schedule|list|remove|pause|resume|preview|now|role` for
server admins (Manage Server, or the role set with `/digest role`) and `/catchup` for anyone.

The cog is the Discord side of `bot.digest`: it parses options, asks the core, renders, and
runs the scheduler (started in `cog_load`, stopped in `cog_unload`) with the callbacks of
`bot.client.delivery.digests`, which post into a text channel, a thread, or a forum channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, RowId, app_cooldown
from bot.client.delivery.digests import DigestPoster
from bot.digest import (
    DigestComposer,
    DigestScheduler,
    parse_since,
    resolve_zone,
    timezone_choices,
)
from bot.digest.errors import NotDigestEditor
from bot.digest.manage import (
    add_schedule,
    check_digest_editor,
    describe,
    every_choices,
    guild_schedule,
    next_post,
    pause_schedule,
    remove_schedule,
    resume_schedule,
    set_digest_role,
)
from bot.insights.baselines import Baselines
from bot.insights.rising import rising_pairs
from bot.render import digest as render
from bot.render import text
from bot.render.errors import CheckRefused
from bot.render.views import Page
from bot.store import Schedule

CATCHUP_ITEMS = 10
# Per member: a catch-up reads a window's 500 newest articles and ranks their stories.
CATCHUP_RATE, CATCHUP_PER = 3, 60.0
Target = discord.TextChannel | discord.Thread | discord.ForumChannel


async def can_manage_digests(interaction: discord.Interaction) -> bool:
    """Manage Server, or the guild's digest role (set with `/digest role`)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    bot: NewsBot = interaction.client  # type: ignore[assignment]
    try:
        await check_digest_editor(
            bot.store,
            interaction.guild_id,
            manages_guild=interaction.permissions.manage_guild,
            role_ids=[role.id for role in getattr(interaction.user, "roles", [])],
        )
    except NotDigestEditor as refused:
        raise CheckRefused(refused) from refused
    return True


class Digests(commands.Cog):
    """Digests of the news posted on a schedule, and catch-ups on demand."""

    digest = app_commands.Group(
        name="digest", description="Scheduled news digests for this server", guild_only=True
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        # One Baselines for the cog's life: each hour's baseline is read once (rising.py).
        rising = partial(rising_pairs, bot.store, baselines=Baselines(bot.store))
        self.composer = DigestComposer(bot.store, rising=rising)
        self.poster = DigestPoster(bot.poster)
        self.scheduler = DigestScheduler(
            bot.store,
            self.composer,
            self.poster.deliver,
            clock=bot.clock,
            report=self.poster.report,
            retract=self.poster.retract,
            metrics=bot.metrics,
        )

    async def cog_load(self) -> None:
        """Start the scheduler (it waits for the gateway before its first post)."""
        self.scheduler.start()

    async def cog_unload(self) -> None:
        """Stop the scheduler; an interrupted post is resumed by the next start."""
        await self.scheduler.stop()

    @commands.Cog.listener()
    async def on_setup_restored(self, guild_id: int) -> None:
        """A backup restored digests: plan them now."""
        self.scheduler.wake()

    @commands.Cog.listener()
    async def on_store_changed(self, topics: set[str]) -> None:
        """A schedule changed elsewhere (the web, another process): plan again now."""
        if "digests" in topics:
            self.scheduler.wake()

    async def _schedule(self, interaction: discord.Interaction, schedule_id: int) -> Schedule:
        assert interaction.guild_id is not None
        return await guild_schedule(self.bot.store, interaction.guild_id, schedule_id)

    async def _confirm(self, interaction: discord.Interaction, message: str) -> None:
        await interaction.response.send_message(
            embed=render.confirmation_embed(message), ephemeral=True
        )

    # -- managing schedules -------------------------------------------------------------------

    @digest.command(
        name="schedule",
        description="Post a news digest to a channel at set times",
        extras={
            "example": "/digest schedule channel:#news time:08:00 timezone:America/New_York",
            "order": 40,
        },
    )
    @app_commands.describe(
        channel="Text channel, thread or forum channel to post in",
        time="Local time of day, e.g. 08:00 or 6pm (cron schedules ignore it)",
        timezone="IANA timezone, e.g. America/New_York",
        every="daily, weekdays, weekly monday, or cron 0 8 * * 1-5 (default daily)",
        filter=(
            "Only news matching this search (title:, author:, category: too), entity:NAME"
            " or source:NAME"
        ),
        max_items="Stories per digest (1-20, default 5)",
        nothing_new="When nothing is new: skip the post (default) or post a short note",
    )
    @app_commands.choices(
        nothing_new=[app_commands.Choice(name=n, value=n) for n in ("skip", "note")]
    )
    @app_commands.check(can_manage_digests)
    async def schedule(
        self,
        interaction: discord.Interaction,
        channel: Target,
        time: app_commands.Range[str, 1, 20],
        timezone: app_commands.Range[str, 1, 60],
        every: app_commands.Range[str, 1, 100] = "daily",
        filter: app_commands.Range[str, 1, 200] | None = None,
        max_items: app_commands.Range[int, 1, 20] = 5,
        nothing_new: str = "skip",
    ) -> None:
        """Validate everything, store the schedule, wake the scheduler, say when it posts."""
        assert interaction.guild_id is not None
        now = self.bot.clock.now()
        kind = {discord.Thread: "thread", discord.ForumChannel: "forum"}.get(type(channel), "text")
        added = await add_schedule(
            self.bot.store,
            now,
            guild_id=interaction.guild_id,
            channel_id=channel.id,
            target=kind,
            time=time,
            timezone=timezone,
            every=every,
            filter=filter or "",
            max_items=max_items,
            nothing_new=nothing_new,
            created_by=interaction.user.id,
        )
        self.scheduler.wake()
        first = next_post(added, now)
        await self._confirm(
            interaction,
            f"Digest **#{added.id}** will post in {channel.mention} {describe(added)} "
            f"({text.escape(added.timezone)}). "
            f"First one: {text.timestamp(first, 'F')} ({text.timestamp(first, 'R')}).",
        )

    @schedule.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """IANA names matching what was typed."""
        return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current)]

    @schedule.autocomplete("every")
    async def every_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The recurrences, or what is being typed (a cron expression) first."""
        return [app_commands.Choice(name=e, value=e) for e in every_choices(current)]

    @digest.command(
        name="list",
        description="This server's digests and when they post next",
        extras={"example": "/digest list", "order": 41},
    )
    @app_commands.check(can_manage_digests)
    async def list_(self, interaction: discord.Interaction) -> None:
        """Every digest of this server (never another's)."""
        assert interaction.guild is not None
        now = self.bot.clock.now()
        lines = [
            render.schedule_line(s, describe(s), next_post(s, now))
            for s in await self.bot.store.digest_schedules(interaction.guild.id)
        ]
        await interaction.response.send_message(
            embed=render.schedules_embed(lines, interaction.guild.name), ephemeral=True
        )

    @digest.command(
        name="remove",
        description="Stop and delete a digest",
        extras={"example": "/digest remove id:1", "order": 45},
    )
    @app_commands.describe(id="The digest's number, from /digest list")
    @app_commands.check(can_manage_digests)
    async def remove(self, interaction: discord.Interaction, id: RowId) -> None:
        """Delete one of this server's digests."""
        assert interaction.guild_id is not None
        await remove_schedule(self.bot.store, interaction.guild_id, id)
        self.scheduler.wake()
        await self._confirm(interaction, f"Digest **#{id}** is removed.")

    @digest.command(
        name="pause",
        description="Stop posting a digest until it is resumed",
        extras={"example": "/digest pause id:1", "order": 43},
    )
    @app_commands.describe(id="The digest's number, from /digest list")
    @app_commands.check(can_manage_digests)
    async def pause(self, interaction: discord.Interaction, id: RowId) -> None:
        """Pause one of this server's digests."""
        assert interaction.guild_id is not None
        now = self.bot.clock.now()
        await pause_schedule(
            self.bot.store, interaction.guild_id, id, interaction.user.display_name, now
        )
        self.scheduler.wake()
        await self._confirm(interaction, f"Digest **#{id}** is paused.")

    @digest.command(
        name="resume",
        description="Post a paused digest again from its next time",
        extras={"example": "/digest resume id:1", "order": 44},
    )
    @app_commands.describe(id="The digest's number, from /digest list")
    @app_commands.check(can_manage_digests)
    async def resume(self, interaction: discord.Interaction, id: RowId) -> None:
        """Resume one of this server's digests (times missed while paused are not posted)."""
        assert interaction.guild_id is not None
        now = self.bot.clock.now()
        resumed = await resume_schedule(self.bot.store, interaction.guild_id, id, now)
        self.scheduler.wake()
        first = next_post(resumed, now)
        await self._confirm(
            interaction, f"Digest **#{id}** is resumed; next one {text.timestamp(first, 'R')}."
        )

    @digest.command(
        name="preview",
        description="See what a digest would post now (posts nothing)",
        extras={"example": "/digest preview id:1", "order": 42},
    )
    @app_commands.describe(id="The digest's number, from /digest list")
    @app_commands.check(can_manage_digests)
    async def preview(self, interaction: discord.Interaction, id: RowId) -> None:
        """The digest as it would be now, only to you."""
        schedule = await self._schedule(interaction, id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        digest = await self.scheduler.preview(schedule)
        heading = render.Heading(
            f"Preview: {render.digest_title(schedule)}", footer=f"Digest #{id} · nothing was posted"
        )
        await self._show(interaction, render.digest_embeds(digest, heading), "/digest preview")

    @digest.command(
        name="now",
        description="Post a digest right away",
        extras={"example": "/digest now id:1", "order": 42},
    )
    @app_commands.describe(id="The digest's number, from /digest list")
    @app_commands.check(can_manage_digests)
    async def now(self, interaction: discord.Interaction, id: RowId) -> None:
        """Post now; the next scheduled digest starts where this one ends."""
        schedule = await self._schedule(interaction, id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        run = await self.scheduler.post_now(schedule)
        where = f"<#{schedule.channel_id}>"
        if run.status == "posted":
            parts = len(run.message_ids)
            message = f"Digest **#{id}** is posted in {where} ({parts} message{'s' * (parts > 1)})."
        elif run.status == "skipped":
            message = f"Nothing new for digest **#{id}**, so nothing was posted."
        elif run.status == "failed":
            message = f"Digest **#{id}** could not be posted: {run.error}"
        else:
            message = f"Posting digest **#{id}** failed for now ({run.error}); I'll retry."
        await interaction.followup.send(embed=render.confirmation_embed(message), ephemeral=True)

    @digest.command(
        name="role",
        description="Let a role manage digests (or clear it)",
        extras={"example": "/digest role role:@Editors", "order": 46},
    )
    @app_commands.describe(role="Members with this role may manage digests; leave out to clear")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        """Set or clear the digest role (Manage Server only)."""
        assert interaction.guild_id is not None
        await set_digest_role(self.bot.store, interaction.guild_id, role.id if role else None)
        message = (
            f"Members with {role.mention} can now manage digests."
            if role
            else "Only members with Manage Server can manage digests now."
        )
        await self._confirm(interaction, message)

    # -- catch-up -----------------------------------------------------------------------------

    @app_commands.command(
        name="catchup",
        description="What you missed: a digest since a time",
        extras={"example": "/catchup since:yesterday 18:00", "order": 39},
    )
    @app_commands.describe(
        since="e.g. 3d, 12h, yesterday 18:00, 2024-05-01, monday",
        timezone="Your timezone for times like 18:00 (default: the bot's)",
    )
    @app_cooldown("catchup", CATCHUP_RATE, CATCHUP_PER)
    async def catchup(
        self,
        interaction: discord.Interaction,
        since: app_commands.Range[str, 1, 60],
        timezone: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        """An ephemeral digest of everything stored since `since`."""
        zone = resolve_zone(timezone) if timezone else self.bot.settings.tz
        now = self.bot.clock.now()
        start = parse_since(since, now=now, zone=zone)
        with self.bot.heavy.slot(interaction.user.id):
            await interaction.response.defer(ephemeral=True, thinking=True)
            digest = await self.composer.compose(
                since=start, until=now, max_items=CATCHUP_ITEMS, guild_id=interaction.guild_id
            )
        heading = render.Heading(
            f"Catch-up since {since.strip()}",
            footer="Only you can see this",
            developed=f"since {text.timestamp(start, 'R')}",
        )
        await self._show(interaction, render.digest_embeds(digest, heading), "/catchup")

    catchup.autocomplete("timezone")(timezone_autocomplete)

    async def _show(
        self, interaction: discord.Interaction, pages: Sequence[discord.Embed], command: str
    ) -> None:
        """Answer a deferred interaction with the pages (a pager when there are several)."""

        async def page(number: int) -> Page:
            return Page(pages[number - 1], pages=len(pages))

        pager = self.bot.pagers.open(
            owner=interaction.user, source=page, command=command, kind="digest"
        )
        await pager.respond(interaction, ephemeral=True)


async def setup(bot: NewsBot) -> None:
    """Add the digest cog."""
    await bot.add_cog(Digests(bot))
