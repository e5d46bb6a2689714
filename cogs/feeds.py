"""Live news feeds for server admins (Manage Server): `/feeds add|list|remove|test`, to run
them day to day `/feeds edit|pause|resume|copy|template|log|send-latest|pacing` (the logic is in
bot/feeds/manage.py, pacing.py and own_options.py; cogs/feed_shortcuts.py gives three of them a
prefix path), and to move them in and out `/feeds import|export` (OPML, bot/feeds/moving.py).
The poller (started in `cog_load`, stopped in `cog_unload`) announces
new articles (through `bot.client.delivery.feeds`) in text channels, threads and forum
channels, with an optional role ping as the only mention. The running feeds (fetcher, poller,
what the prefix commands share) are bot/client/feeds.py's `FeedDesk`; the commands' choices and
autocompletes bot/client/feed_choices.py.
"""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import NewsBot, RowId
from bot.client.feed_choices import (
    ADMIN,
    CLEARABLE,
    UPDATES,
    Target,
    check_postable,
    feed_choices,
    feed_list_choices,
)
from bot.client.feeds import FeedDesk
from bot.feeds import manage
from bot.feeds.adding import NewFeed, add_feed, fetch_once
from bot.feeds.errors import FeedUnreadable
from bot.feeds.extraction import text_sources
from bot.feeds.moving import MAX_FEEDS_PER_GUILD, export_opml
from bot.feeds.opml import MAX_OPML_BYTES
from bot.feeds.poller import FeedPoller
from bot.render import feed_admin
from bot.render import feed_options as option_views
from bot.render import feeds as render
from bot.render.views import Page


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
        self.desk = FeedDesk(bot)

    async def cog_load(self) -> None:
        """Start the poller (announcements wait for the gateway to be ready)."""
        self.desk.start()

    async def cog_unload(self) -> None:
        """Stop the poller and close its HTTP session; what was queued is posted next start."""
        await self.desk.stop()

    @commands.Cog.listener()
    async def on_setup_restored(self, guild_id: int) -> None:
        """A backup restored feeds: plan their polls now."""
        if self.desk.poller is not None:
            self.desk.poller.wake()

    @commands.Cog.listener()
    async def on_store_changed(self, topics: set[str]) -> None:
        """A feed or subscription changed elsewhere (the web, another process): plan the polls
        again now, so a new feed is read at once, not after the poller's longest sleep."""
        if "feeds" in topics and self.desk.poller is not None:
            self.desk.poller.replan()

    @property
    def running(self) -> FeedPoller:
        """The poller (there from cog_load on)."""
        return self.desk.running

    # -- commands -----------------------------------------------------------------------------

    @feeds.command(name="add", description="Post a feed's new articles in a channel")
    @app_commands.describe(
        url="A feed (RSS/Atom), a site linking to one, a YouTube, Reddit or Mastodon address",
        channel="Text channel, thread or forum channel to post in",
        filter=(
            "Only articles matching this search, e.g. storm OR flood, source:Reuters,"
            " category:sport"
        ),
        role="A role to ping with each announcement (the only mention the bot ever makes)",
        backfill="Also post the feed's latest items once, now (up to 10)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000],
        channel: Target,
        filter: app_commands.Range[str, 1, 300] | None = None,
        role: discord.Role | None = None,
        backfill: app_commands.Range[int, 0, manage.MAX_BACKFILL] = 0,
    ) -> None:
        """Validate by fetching the feed once, subscribe the channel, say what it holds."""
        assert interaction.guild_id is not None and self.desk.fetcher is not None
        check_postable(channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        wanted = NewFeed(
            interaction.guild_id,
            channel.id,
            url,
            interaction.user.id,
            filter_text=filter,
            role_id=role.id if role else None,
            backfill=backfill,
        )
        added = await add_feed(
            self.bot.store,
            self.desk.fetcher,
            wanted,
            clock=self.bot.clock,
            entities_available=self.bot.entity_articles is not None,
            writing=self.running.writing(),
        )
        self.running.wake()
        mentionable = role is None or role.mentionable
        embed = render.added_embed(added.preview, added.subscription, added.created, mentionable)
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
    @app_commands.autocomplete(id=feed_choices)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(self, interaction: discord.Interaction, id: RowId) -> None:
        """Remove one of this server's subscriptions (another server's ids find nothing)."""
        assert interaction.guild_id is not None
        async with self.running.writing():
            subscription, feed = await manage.remove_feed(self.bot.store, interaction.guild_id, id)
        self.running.wake()
        await interaction.response.send_message(
            embed=render.removed_embed(subscription, feed), ephemeral=True
        )

    @feeds.command(name="test", description="Preview a feed without following it")
    @app_commands.describe(url="The feed's address (RSS or Atom)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def test(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Fetch and show the feed's title and latest items; nothing is stored."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert self.desk.fetcher is not None
        preview = await fetch_once(self.desk.fetcher, url)
        await interaction.followup.send(embed=render.preview_embed(preview), ephemeral=True)

    # -- running feeds day to day ------------------------------------------------------------

    @feeds.command(
        name="edit", description="Change a feed's channel, filter, role, identity, updates…"
    )
    @app_commands.describe(
        id="The feed's number in /feeds list",
        channel="Post in this channel from now on",
        filter="Only articles matching this search",
        role="Ping this role with each announcement",
        max_age="Leave out items published more than this many hours ago",
        updates="Where later reports of a story it posted go: only what they add",
        name="Post under this name (a webhook of the channel; needs Manage Webhooks)",
        avatar="…with this avatar: the https:// address of an image",
        selector="CSS selector of the article text on its pages, e.g. article .body",
        clear="Remove the filter, role, age limit, own template, identity or selector",
    )
    @app_commands.autocomplete(id=feed_choices)
    @app_commands.choices(clear=CLEARABLE, updates=UPDATES)
    @ADMIN
    async def edit(
        self,
        interaction: discord.Interaction,
        id: RowId,
        channel: Target | None = None,
        filter: app_commands.Range[str, 1, 300] | None = None,
        role: discord.Role | None = None,
        max_age: app_commands.Range[int, 1, manage.MAX_AGE_HOURS] | None = None,
        updates: str | None = None,
        name: app_commands.Range[str, 1, 80] | None = None,
        avatar: app_commands.Range[str, 1, 2048] | None = None,
        selector: app_commands.Range[str, 1, 200] | None = None,
        clear: str | None = None,
    ) -> None:
        """Change a feed in place: its history stays, so nothing old is posted again."""
        assert interaction.guild_id is not None
        if channel is not None:
            check_postable(channel)
        answers = await self.desk.edit_settings(
            interaction.guild_id,
            id,
            channel_id=channel.id if channel else None,
            filter_text=filter,
            role_id=role.id if role else None,
            max_age_hours=max_age,
            updates=updates,
            clear=clear,
            own_asked=any(x is not None for x in (name, avatar, selector)),
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        own = dict(name=name, avatar_url=avatar, selector=selector, clear=clear)
        answers += await self.desk.edit_own(interaction.guild_id, id, **own)
        await interaction.followup.send(embeds=answers, ephemeral=True)

    @feeds.command(name="pause", description="Stop posting a feed for now (it is still checked)")
    @app_commands.describe(id="The feed's number in /feeds list")
    @app_commands.autocomplete(id=feed_choices)
    @ADMIN
    async def pause(self, interaction: discord.Interaction, id: RowId) -> None:
        """Pause: nothing posts; items that arrive meanwhile are not owed."""
        assert interaction.guild_id is not None
        embed = await self.desk.pause_feed(interaction.guild_id, id)
        await self._reply(interaction, embed)

    @feeds.command(name="resume", description="Post a paused feed's new items again")
    @app_commands.describe(id="The feed's number in /feeds list")
    @app_commands.autocomplete(id=feed_choices)
    @ADMIN
    async def resume(self, interaction: discord.Interaction, id: RowId) -> None:
        """Resume from now: the next new item posts."""
        assert interaction.guild_id is not None
        await self._reply(interaction, await self.desk.resume_feed(interaction.guild_id, id))

    @feeds.command(name="copy", description="Copy a feed's settings to other feeds")
    @app_commands.describe(
        source="The feed to copy from",
        to="Feed numbers, e.g. 2, 3, 5 — or all",
        settings="Which: filter, template, role, limits — or all",
    )
    @app_commands.rename(source="from")
    @app_commands.autocomplete(source=feed_choices)
    @app_commands.autocomplete(to=feed_list_choices)
    @ADMIN
    async def copy(
        self,
        interaction: discord.Interaction,
        source: RowId,
        to: app_commands.Range[str, 1, 200],
        settings: app_commands.Range[str, 1, 100] = "template",
    ) -> None:
        """Copy chosen settings to other feeds of this server (all or nothing)."""
        assert interaction.guild_id is not None
        async with self.running.writing():
            copied = await manage.copy_settings(
                self.bot.store, interaction.guild_id, source, to, settings
            )
        await self._reply(interaction, feed_admin.copied_embed(*copied))

    @feeds.command(name="template", description="How a feed's posts look (opens a form)")
    @app_commands.describe(id="The feed's number; leave out for the server's default template")
    @app_commands.autocomplete(id=feed_choices)
    @ADMIN
    async def template(self, interaction: discord.Interaction, id: RowId | None = None) -> None:
        """Edit a template in a form; the answer previews the real post from the newest item."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        current, whose = await manage.template_of(self.bot.store, guild_id, id)
        title = f"Template of feed #{id}" if id is not None else "Server's default template"

        async def submit(answered: discord.Interaction, values: dict[str, str]) -> None:
            await self.desk.save_template(guild_id, id, values)
            await self.desk.template_saved(answered, guild_id, id)

        form = feed_admin.TemplateForm(f"{title} ({whose})", current, submit)
        await interaction.response.send_modal(form)

    @feeds.command(name="log", description="What became of each item a feed brought, and why")
    @app_commands.describe(id="The feed's number in /feeds list")
    @app_commands.autocomplete(id=feed_choices)
    @ADMIN
    async def log(self, interaction: discord.Interaction, id: RowId) -> None:
        """The delivery log, newest first, paged with buttons."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        subscription, feed = await manage.find_feed(self.bot.store, guild_id, id)

        async def page(number: int) -> Page:
            lines, pages = await manage.log_page(self.bot.store, guild_id, id, number)
            read = [line.article_id for line in lines if line.article_id]
            sources = await text_sources(self.bot.store, read)
            embed = feed_admin.log_embed(subscription, feed, lines, number, pages, sources)
            return Page(embed, pages)

        pager = self.bot.pagers.open(
            owner=interaction.user, source=page, command="/feeds log", kind="feedlog"
        )
        await pager.respond(interaction, ephemeral=True)

    @feeds.command(name="send-latest", description="Post a feed's newest item now")
    @app_commands.describe(id="The feed's number in /feeds list")
    @app_commands.autocomplete(id=feed_choices)
    @ADMIN
    async def send_latest(self, interaction: discord.Interaction, id: RowId) -> None:
        """Post the newest item the feed brought, now (posted before or not)."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        embed = await self.desk.send_latest_item(interaction.guild_id, id)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @feeds.command(name="pacing", description="Flood control and quiet hours of a channel")
    @app_commands.describe(
        channel="The channel to set (leave everything out to see every channel's pacing)",
        posts="At most this many posts per window (default 10)",
        minutes="The window, in minutes (default 10)",
        quiet_from="Quiet hours start, e.g. 22:00 (server's timezone); `off` ends them",
        quiet_until="Quiet hours end, e.g. 07:00",
    )
    @ADMIN
    async def pacing(
        self,
        interaction: discord.Interaction,
        channel: Target | None = None,
        posts: app_commands.Range[int, 1, 50] | None = None,
        minutes: app_commands.Range[int, 1, 1440] | None = None,
        quiet_from: app_commands.Range[str, 1, 20] | None = None,
        quiet_until: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        """Set a channel's pacing (what is left out stays), then show the server's."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        embed = await self.desk.pacing(
            guild_id,
            channel.id if channel else None,
            posts=posts,
            minutes=minutes,
            quiet_from=quiet_from,
            quiet_until=quiet_until,
        )
        await self._reply(interaction, embed)

    # -- moving feeds in and out -----------------------------------------------------------

    @feeds.command(name="import", description="Follow every feed of an OPML file in a channel")
    @app_commands.describe(
        file="An OPML file (from a feed reader, or /feeds export)",
        channel="Text channel, thread or forum channel to post the feeds' news in",
    )
    @ADMIN
    async def import_(
        self, interaction: discord.Interaction, file: discord.Attachment, channel: Target
    ) -> None:
        """Add each feed (or say it is already there, or why it is refused), in one go."""
        assert interaction.guild_id is not None and self.desk.fetcher is not None
        if file.size > MAX_OPML_BYTES:
            raise FeedUnreadable(f"An OPML file is at most {MAX_OPML_BYTES // 1024} kB.")
        check_postable(channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        report = await self.desk.import_opml(
            interaction.guild_id, channel.id, interaction.user.id, data
        )
        embed = option_views.import_embed(report, channel.id)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @feeds.command(name="export", description="This server's feeds as an OPML file")
    @ADMIN
    async def export(self, interaction: discord.Interaction) -> None:
        """Answer with an OPML 2.0 file of every feed this server follows."""
        assert interaction.guild is not None
        store, guild = self.bot.store, interaction.guild
        data = await export_opml(store, guild.id, f"Newsdesk feeds of {guild.name}", self.bot.clock)
        count = len({feed.url for _, feed in await store.guild_subscriptions(guild.id)})
        await interaction.response.send_message(
            embed=option_views.export_embed(count),
            file=discord.File(io.BytesIO(data), filename="newsdesk-feeds.opml"),
            ephemeral=True,
        )

    # -- answers -----------------------------------------------------------------------------

    async def _reply(self, interaction: discord.Interaction, embed: discord.Embed) -> None:
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: NewsBot) -> None:
    """Add the feeds cog."""
    await bot.add_cog(Feeds(bot))
