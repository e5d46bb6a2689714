"""`NewsBot`: opens the store, loads the cogs, syncs slash commands only when they changed,
answers every command error in one place and shuts down without dropping replies (the
package's docstring, bot/client/__init__.py, lists what cogs can use)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands

from bot import __version__, budget
from bot.changes import ChangeWatcher
from bot.client.cooldowns import Cooldowns
from bot.client.delivery import Poster
from bot.client.heavy import HeavyWork
from bot.client.sync import sync_commands
from bot.client.tree import (
    NewsTree,
    answer,
    command_seconds,
    custom_ids,
    discover_extensions,
    intents_for,
    one_line,
)
from bot.clock import Clock, SystemClock
from bot.config import PREFIX_KEY, Settings
from bot.metrics import LoopLag, Metrics
from bot.nlp.enrichment import enrich_pending
from bot.nlp.lookup import entity_article_ids
from bot.nlp.service import Mode, NlpService
from bot.render import errors
from bot.render.story_updates import STORY_ID_PREFIX
from bot.render.views import CUSTOM_ID_PREFIX, Pagers
from bot.search import EntityResolver
from bot.search.pages import release_index_pages_every
from bot.servers import set_guild_prefix
from bot.store import Store
from bot.store.backend import open_store, sqlite_path
from bot.stories import catch_up_stories
from bot.tasks import BackgroundTasks, meter_tasks
from bot.work import Ledger, label_current
from bot.workers.heap import collect_less_often, freeze_start_up, map_large_blocks, trim_every

log = logging.getLogger(__name__)

# How long shutdown waits for replies already being written before closing anyway.
REPLY_GRACE_SECONDS = 10.0


async def _command_prefix(bot: NewsBot, message: discord.Message) -> list[str]:
    prefix = await bot.prefix_for(message.guild.id if message.guild else None)
    return commands.when_mentioned_or(prefix)(bot, message)


class NewsBot(commands.Bot):
    """Newsdesk on Discord."""

    def __init__(
        self,
        settings: Settings,
        *,
        store_path: str | Path | None = None,
        clock: Clock | None = None,
        nlp_mode: Mode = "process",
        extensions: str = "cogs",
        **options: Any,
    ) -> None:
        if settings.owner_ids:
            options.setdefault("owner_ids", set(settings.owner_ids))
        super().__init__(
            command_prefix=_command_prefix,
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,  # /help (and !help) come from the help cog
            tree_cls=NewsTree,
            case_insensitive=True,
            strip_after_prefix=True,
            **options,
        )
        self.settings = settings
        self.version = __version__
        # A database file or URL (sqlite:///..., postgresql://...): see bot.store.backend.
        self.store_url = str(store_path) if store_path is not None else settings.store_url
        self.store_path = sqlite_path(self.store_url)
        self.clock: Clock = clock or SystemClock()
        self.nlp_service = NlpService(nlp_mode)
        self.tasks = BackgroundTasks("newsbot")
        # This process's metrics (bot/metrics.py), served by the web at /metrics.
        self.metrics = Metrics()
        self.metrics.watch_nlp_queue(lambda: self.nlp_service.pending)
        self.metrics.watch_gateway(self.gateway_connected)
        self.pagers = Pagers(self.clock, self.tasks)
        self.cooldowns = Cooldowns(self.clock)
        self.heavy = HeavyWork()  # heavy commands running at once (bot/client/heavy.py)
        self.poster = Poster(self)
        self.extensions_package = extensions
        self.loaded_extensions: list[str] = []
        self.failed_extensions: list[str] = []
        # Why each of those did not load, in one line: start-up prints them where people look.
        self.extension_errors: dict[str, str] = {}
        self._store: Store | None = None
        self._prefixes: dict[int, str] = {}
        self._in_flight: set[asyncio.Task[Any]] = set()
        self._shutdown: asyncio.Future[None] | None = None
        # What each command spent (bot/work.py): CPU on the loop and in its threads, and units
        # of work; one over the budget's CPU is logged.
        self.work = Ledger(warn_ms=budget.COMMAND_CPU_MS)
        self._unmeter: Any = None

    # -- start ------------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The open database (from `setup_hook` until `close`)."""
        if self._store is None:
            raise RuntimeError("the store opens in setup_hook; start the bot first")
        return self._store

    async def setup_hook(self) -> None:
        """Meter the tasks the bot runs, open the store, load every cog, sync slash commands
        if they changed."""
        self._unmeter = meter_tasks(asyncio.get_running_loop(), self.work.record)
        map_large_blocks()  # a huge page's buffers go back to the system when freed
        # A store path given for this bot (tests, the sandbox) keeps its index beside it.
        index_dir = (
            self.settings.search_index_dir if self.store_url == self.settings.store_url else ""
        )
        self._store = await open_store(
            self.store_url, readers=self.settings.database_readers, index_dir=index_dir or None
        )
        await self.load_extensions()
        await self.sync_commands()
        self._enrich_pending()
        # Places articles stored without a story (stored before every article had one).
        self.tasks.spawn(catch_up_stories(self.store, clock=self.clock), name="stories-catch-up")
        self.tasks.spawn(LoopLag(self.metrics).run(), name="loop-lag")
        self.tasks.spawn(trim_every(), name="heap-trim")
        self.tasks.spawn(release_index_pages_every(self.store, self.clock), name="index-pages")
        # A schedule or feed written by the web or another process: the cogs replan.
        watcher = ChangeWatcher(self.store, self._store_changed, clock=self.clock)
        self.tasks.spawn(watcher.run(), name="store-changes")
        freeze_start_up()  # full collections then skip the start-up heap (no long pauses)
        collect_less_often()  # commands' cycles die young (bot/workers/heap.py)

    def _store_changed(self, topics: set[str]) -> None:
        """Tell the cogs (`on_store_changed`) which of what they plan by changed."""
        if "settings" in topics:
            self._prefixes.clear()  # a prefix set on the web: read it again
        self.dispatch("store_changed", topics)

    async def load_extensions(self) -> list[str]:
        """Load each module in the cogs package that has `setup`; log failures, keep going."""
        for name in discover_extensions(self.extensions_package):
            try:
                await self.load_extension(name)
            except commands.NoEntryPointError:
                log.debug("%s has no setup(); not a cog", name)
            except Exception as exc:
                log.exception("cog %s failed to load; the others still load", name)
                self.failed_extensions.append(name)
                self.extension_errors[name] = one_line(getattr(exc, "original", exc))
            else:
                self.loaded_extensions.append(name)
        log.info("loaded cogs: %s", ", ".join(self.loaded_extensions) or "none")
        return self.loaded_extensions

    def start_up_problems(self) -> list[str]:
        """One line per cog that failed to load (empty when all did), for the console."""
        return [f"cog {name} did not load: {why}" for name, why in self.extension_errors.items()]

    def _enrich_pending(self) -> None:
        # Heals articles stored without NLP (e.g. a crash between ingest and analysis).
        work = enrich_pending(self.store, self.nlp_service, clock=self.clock)
        self.tasks.spawn(work, name="enrich-pending")

    # -- command sync -----------------------------------------------------------------------

    async def sync_commands(self, *, force: bool = False) -> int | None:
        """Sync slash commands if the tree changed since the last sync (or `force`); return how
        many were synced, or None when nothing needed syncing. DEV_GUILD_ID syncs to that guild."""
        return await sync_commands(
            self.tree,
            self.store,
            self.clock,
            application_id=self.application_id,
            dev_guild_id=self.settings.dev_guild_id,
            force=force,
        )

    # -- gateway ----------------------------------------------------------------------------

    def owns_guild(self, guild_id: int) -> bool:
        """True when this process hears about `guild_id` (every guild, unsharded)."""
        return True

    def gateway_connected(self) -> bool:
        """Whether every gateway connection of this process is up (for /healthz)."""
        if self.is_closed() or not self.is_ready():
            return False
        shards = getattr(self, "shards", None)
        if shards:
            # A copy: metrics read this from their exporter's thread too (bot/metrics.py).
            return all(not shard.is_closed() for shard in list(shards.values()))
        return self.ws is not None and self.ws.open

    # -- channel search prefix --------------------------------------------------------------

    async def prefix_for(self, guild_id: int | None) -> str:
        """The channel-search prefix of a guild (the configured default in DMs)."""
        if guild_id is None:
            return self.settings.command_prefix
        if guild_id not in self._prefixes:
            stored = await self.store.guild_setting(guild_id, PREFIX_KEY)
            self._prefixes[guild_id] = stored or self.settings.command_prefix
        return self._prefixes[guild_id]

    async def set_prefix(self, guild_id: int, prefix: str) -> None:
        """Change a guild's prefix (1-5 characters, no spaces or markdown)."""
        await set_guild_prefix(self.store, guild_id, prefix)
        self._prefixes[guild_id] = prefix

    def forget_prefix(self, guild_id: int) -> None:
        """Read a guild's prefix from the store again (it was restored from a backup)."""
        self._prefixes.pop(guild_id, None)

    # -- NLP hooks --------------------------------------------------------------------------

    @property
    def entity_articles(self) -> EntityResolver:
        """Article ids mentioning an entity (for `entity:` searches)."""
        store = self.store
        return lambda name: entity_article_ids(store, name)

    # -- new articles -----------------------------------------------------------------------

    async def articles_added(self, article_ids: Sequence[int]) -> None:
        """Tell the cogs these articles were just stored and analysed: await every cog's
        `on_articles_added(article_ids)` listener (follows, ...) in turn. Every ingest path in
        the bot (feeds, uploads) calls this after its NLP step; a failing listener is logged
        and the others still run."""
        ids = list(article_ids)
        if not ids:
            return
        for listener in list(self.extra_events.get("on_articles_added", ())):
            try:
                await listener(ids)
            except Exception:
                log.exception("on_articles_added listener %s failed", listener.__qualname__)

    # -- events -----------------------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Answer clicks on pager buttons the bot no longer knows (timed out, restarted, forged)
        and on story buttons a message does not have (forged)."""
        if interaction.type is not discord.InteractionType.component:
            return
        data = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        message = interaction.message
        if (
            custom_id.startswith(STORY_ID_PREFIX)
            and message is not None
            and custom_id not in custom_ids(message.components)
            and not interaction.response.is_done()
        ):
            # discord.py hands a story button's handler only ids the message has: refuse the
            # rest rather than leave them unanswered.
            await interaction.response.send_message(
                "That control isn't part of this message.", ephemeral=True
            )
            return
        if (
            not custom_id.startswith(CUSTOM_ID_PREFIX)
            or message is None
            or interaction.response.is_done()
        ):
            return
        if not self.pagers.is_live(message.id):
            await interaction.response.send_message(
                "These buttons have expired. Run the command again for fresh results.",
                ephemeral=True,
            )
        elif not self.pagers.handles(message.id, custom_id, int(data.get("component_type", 0))):
            # A forged or stale id no view will take: refuse it rather than leave it unanswered.
            await interaction.response.send_message(
                "That control isn't part of this message.", ephemeral=True
            )

    async def invoke(self, ctx: commands.Context[Any]) -> None:
        """Run a prefix command, tracked so shutdown waits for its reply."""
        if self.shutting_down:
            return
        self.track_reply(f"{ctx.prefix or ''}{ctx.command.qualified_name if ctx.command else ''}")
        started = time.perf_counter()
        await super().invoke(ctx)
        if ctx.command is not None:
            self.metrics.command_answered(
                f"{ctx.prefix or ''}{ctx.command.qualified_name}"[:40],
                time.perf_counter() - started,
                ok=not ctx.command_failed,
            )

    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: Any, /
    ) -> None:
        """Count an answered slash or menu command and its latency (failures: the tree)."""
        self.metrics.command_answered(
            f"/{command.qualified_name}", command_seconds(interaction), ok=True
        )

    async def on_command_error(
        self, ctx: commands.Context[Any], error: commands.CommandError, /
    ) -> None:
        """Prefix and hybrid command errors: the same messages as slash commands."""
        if isinstance(error, commands.CommandNotFound):
            return  # "!something" that is not ours, or "@Newsdesk ceasefire" (a search)
        reply = errors.describe(error)
        if reply.unexpected:
            name = ctx.command.qualified_name if ctx.command else "message"
            log.error(
                "%s%s failed in guild %s",
                ctx.prefix or "",
                name,
                ctx.guild.id if ctx.guild else None,
                exc_info=errors.unwrap(error),
            )
        try:
            await answer(ctx, embed=errors.error_embed(reply))
        except discord.HTTPException as exc:
            log.warning("could not report an error in channel %s: %s", ctx.channel.id, exc)

    # -- shutdown ---------------------------------------------------------------------------

    @property
    def shutting_down(self) -> bool:
        """True once `close()` has begun."""
        return self._shutdown is not None

    def track_reply(self, label: str = "") -> None:
        """Mark the current task as writing a reply (shutdown waits for it to finish) to a
        user's `label` command, whose cost `work` keeps."""
        if label:
            label_current(label)
        task = asyncio.current_task()
        if task is not None and task not in self._in_flight:
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    def install_signal_handlers(self) -> None:
        """SIGINT/SIGTERM close the bot gracefully; a second signal interrupts at once."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.request_shutdown, sig.name)
            except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
                log.debug("cannot handle %s here", sig.name)

    def remove_signal_handlers(self) -> None:
        """Give SIGINT/SIGTERM back their default behaviour."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)

    def request_shutdown(self, reason: str = "requested") -> None:
        """Start a graceful shutdown (from a signal handler or an owner command)."""
        log.info("shutting down (%s): finishing replies in flight", reason)
        self.remove_signal_handlers()
        if self._shutdown is None:
            self._shutdown = self.tasks.spawn(self._close_once(), name="shutdown")

    async def close(self) -> None:
        """Finish replies in flight, disable pagers, disconnect, stop tasks, close DB and NLP."""
        if self._shutdown is None:
            self._shutdown = self.tasks.spawn(self._close_once(), name="shutdown")
        await asyncio.shield(self._shutdown)

    async def _close_once(self) -> None:
        current = asyncio.current_task()
        replies = [t for t in self._in_flight if t is not current and not t.done()]
        if replies:
            log.info("waiting for %d replies in flight", len(replies))
            await asyncio.wait(replies, timeout=REPLY_GRACE_SECONDS)
        if not self.is_closed():
            await self.pagers.close_all()
        await super().close()
        await self.tasks.cancel_all()
        if self._store is not None:
            await self._store.close()
        await asyncio.to_thread(self.nlp_service.close)
        if self._unmeter is not None:
            self._unmeter()
