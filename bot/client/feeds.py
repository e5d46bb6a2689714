"""The feed poller wired to a running bot: its store and clock, the delivery module's feed
poster and update poster (story updates in threads, and to followers by DM), the NLP step for
new articles (and the follows that hear of them), the stored NLP summary for cards, and the
default timezone for quiet hours; and `FeedDesk`, a running bot's feeds (the fetcher and the
poller the feeds cog starts) with what the slash and prefix commands both do to them."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.client.delivery.feeds import FeedPoster
from bot.client.delivery.updates import UpdatePoster
from bot.client.newsbot import NewsBot
from bot.feeds import manage
from bot.feeds.errors import FeedUnreadable
from bot.feeds.fetcher import Fetcher, FetchPolicy
from bot.feeds.moving import ImportReport, import_opml, read_opml_file
from bot.feeds.opml import OpmlRefused
from bot.feeds.own_options import OWN_CLEARABLE, edit_and_try
from bot.feeds.pacing import server_zone, set_pacing
from bot.feeds.pages import page_article
from bot.feeds.poller import FeedPoller
from bot.feeds.templates import make_template
from bot.models import Article
from bot.nlp.enrichment import enrich_articles
from bot.nlp.lookup import card_summary
from bot.render import feed_admin, feed_posts
from bot.render import feed_options as option_views


def feed_poller(bot: NewsBot, fetcher: Fetcher) -> FeedPoller:
    """A poller that announces through `bot`'s poster (start it with `.start()`)."""
    store, service, clock = bot.store, bot.nlp_service, bot.clock

    async def enrich(ids: Sequence[int]) -> None:
        await enrich_articles(store, ids, service, clock=clock)
        # Follows and other listeners hear about the new articles; in the background, so a
        # slow DM never holds up the next feed.
        bot.tasks.spawn(bot.articles_added(ids), name="articles-added")

    async def summarize(article: Article) -> str | None:
        return await card_summary(store, article)

    poster = FeedPoster(bot.poster, store)
    updates = UpdatePoster(bot.poster)
    return FeedPoller(
        store,
        fetcher,
        clock=clock,
        announce=poster.announce,
        notify=poster.alert,
        enrich=enrich,
        entity_articles=bot.entity_articles,
        summarize=summarize,
        zone=bot.settings.tz,
        post_update=updates.post,
        tell_follower=updates.tell,
        # Page extraction runs in the NLP worker process (a 9 MB page is seconds of CPU).
        extract=lambda body, url, selector: service.run(page_article, body, url, selector),
        metrics=bot.metrics,
    )


class FeedDesk:
    """A running bot's feeds: the fetcher and poller (from `start` to `stop`), and what the
    slash commands (cogs/feeds.py) and the prefix ones (cogs/feed_shortcuts.py) both do."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.fetcher: Fetcher | None = None
        self.poller: FeedPoller | None = None

    def start(self) -> None:
        """Start the poller (announcements wait for the gateway to be ready). The fetch policy
        can be set before with `bot.feed_fetch_policy` (tests and the sandbox allow loopback)."""
        policy = getattr(self.bot, "feed_fetch_policy", None) or FetchPolicy()
        self.fetcher = Fetcher(policy, clock=self.bot.clock)
        self.poller = feed_poller(self.bot, self.fetcher)
        self.poller.start()

    async def stop(self) -> None:
        """Stop the poller and close its HTTP session; what was queued is posted next start."""
        try:
            if self.poller is not None:
                await self.poller.stop()
        finally:
            if self.fetcher is not None:
                await self.fetcher.close()

    @property
    def running(self) -> FeedPoller:
        """The poller (there from `start` on)."""
        assert self.poller is not None
        return self.poller

    async def edit_settings(
        self,
        guild_id: int,
        id: int,
        *,
        channel_id: int | None,
        filter_text: str | None,
        role_id: int | None,
        max_age_hours: int | None,
        updates: str | None,
        clear: str | None,
        own_asked: bool,
    ) -> list[discord.Embed]:
        """Change a subscription's own settings in place (its history stays, so nothing old is
        posted again); the answer, or none when only the feed's own options were asked for."""
        own = clear if clear in OWN_CLEARABLE else None
        theirs = clear if clear and not own else None
        asked = (channel_id, filter_text, role_id, max_age_hours, updates, theirs)
        # manage.py says "nothing to change" when nothing at all was asked for.
        if not any(asked) and (own_asked or own):
            return []
        async with self.running.writing():
            edited = await manage.edit_feed(
                self.bot.store,
                guild_id,
                id,
                channel_id=channel_id,
                filter_text=filter_text,
                role_id=role_id,
                max_age_hours=max_age_hours,
                updates=updates,
                clear=[theirs] if theirs else [],
                entities_available=self.bot.entity_articles is not None,
            )
        return [feed_admin.edited_embed(edited)]

    async def edit_own(
        self,
        guild_id: int,
        id: int,
        *,
        name: str | None,
        avatar_url: str | None,
        selector: str | None,
        clear: str | None,
    ) -> list[discord.Embed]:
        """Change a feed's own options (identity, selector) and try a new selector on its
        latest page; the answers (none when none was asked for)."""
        assert self.fetcher is not None
        edited = await edit_and_try(
            self.bot.store,
            self.fetcher,
            guild_id,
            id,
            name=name,
            avatar_url=avatar_url,
            selector=selector,
            clear=clear,
        )
        return option_views.own_options_embeds(edited)

    async def pause_feed(self, guild_id: int, id: int) -> discord.Embed:
        """Pause one of a guild's feeds; the answer to show."""
        async with self.running.writing():
            edited = await manage.pause_feed(self.bot.store, guild_id, id, self.bot.clock.now())
        return feed_admin.edited_embed(edited, "Paused")

    async def resume_feed(self, guild_id: int, id: int) -> discord.Embed:
        """Resume one of a guild's feeds; the answer to show."""
        async with self.running.writing():
            edited = await manage.resume_feed(self.bot.store, guild_id, id)
        return feed_admin.edited_embed(edited, "Resumed")

    async def send_latest_item(self, guild_id: int, id: int) -> discord.Embed:
        """Post a feed's newest item now; the answer to show."""
        store, delivery = self.bot.store, self.running.delivery
        return feed_admin.sent_embed(await manage.send_latest(store, delivery, guild_id, id))

    async def pacing(
        self,
        guild_id: int,
        channel_id: int | None,
        *,
        posts: int | None = None,
        minutes: int | None = None,
        quiet_from: str | None = None,
        quiet_until: str | None = None,
    ) -> discord.Embed:
        """Set a channel's pacing when asked to change it (what is left out stays); the
        server's pacing to show either way."""
        store = self.bot.store
        if channel_id is not None and (posts or minutes or quiet_from or quiet_until):
            async with self.running.writing(), store.transaction():
                await set_pacing(
                    store,
                    guild_id,
                    channel_id,
                    posts=posts,
                    minutes=minutes,
                    quiet_from=quiet_from,
                    quiet_until=quiet_until,
                )
            self.running.wake()  # held posts may be due now
        zone = await server_zone(store, guild_id, self.bot.settings.tz)
        rows = await store.guild_pacings(guild_id)
        return feed_admin.pacing_embed(rows, zone)

    async def import_opml(
        self, guild_id: int, channel_id: int, user_id: int, data: bytes
    ) -> ImportReport:
        """Follow each feed of an OPML file in a channel, in one go (a refused file: nothing)."""
        assert self.fetcher is not None
        try:
            document = await read_opml_file(data)
        except OpmlRefused as exc:
            raise FeedUnreadable(f"That file was refused: {exc}. Nothing was imported.") from exc
        async with self.running.writing():
            report = await import_opml(
                self.bot.store,
                document,
                guild_id=guild_id,
                channel_id=channel_id,
                created_by=user_id,
                policy=self.fetcher.policy,
                clock=self.bot.clock,
            )
        self.running.wake()
        return report

    async def save_template(self, guild_id: int, id: int | None, values: dict[str, str]) -> None:
        """Save a feed's (or, without `id`, the server's) template from the form's fields; all
        fields but the style empty clears it."""
        made = None
        if any(value.strip() for key, value in values.items() if key != "style"):
            made = make_template(**values)
            feed_posts.check_template(made)  # Discord's limits: refused, saying which
        async with self.running.writing():
            await manage.save_template(self.bot.store, guild_id, id, made)

    async def template_saved(
        self, interaction: discord.Interaction, guild_id: int, id: int | None
    ) -> None:
        """Confirm a saved template and preview the real post it makes of the newest item:
        the same render as the post itself, so the preview is that post, byte for byte."""
        store = self.bot.store
        subject = await manage.preview_subject(store, guild_id, id)
        preview = await self.running.delivery.preview(*subject) if subject else None
        feed = (await manage.find_feed(store, guild_id, id))[1] if id is not None else None
        title = subject[2].title if subject else None
        embed = feed_admin.template_saved_embed(feed, id, title)
        await interaction.response.send_message(embed=embed, ephemeral=True)
        if preview is not None:
            post = feed_posts.preview_post(preview)
            content = post.content or discord.utils.MISSING
            await interaction.followup.send(content=content, embeds=post.embeds, ephemeral=True)
