"""The `newsdesk` test harness: a real NewsBot (real cogs, real SQLite) on the Discord emulator.

Fixtures in tests/conftest.py build it; this module holds the pieces they share:

    async def test_search(newsdesk: Newsdesk) -> None:
        reply = await newsdesk.discord.slash("search", query="Qatar truce")
        await newsdesk.ingest([draft, ...])              # more articles (NLP-enriched if available)
        newsdesk.clock.advance(minutes=6)                # time passes for the bot and Discord alike
        await newsdesk.message_command("Find related news", message)
        await newsdesk.slash_as(newsdesk.discord.bob, "settings prefix", permissions=0, value="?")
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.client import NewsBot
from bot.clock import FakeClock
from bot.config import Settings
from bot.ingest import IngestReport, ingest_drafts, ingest_paths
from bot.models import ArticleDraft
from bot.nlp import NlpService
from bot.nlp.enrichment import enrich_articles
from bot.sandbox import DiscordEmulator
from bot.sandbox import events as sandbox_events
from bot.sandbox.emulator.state import Channel, Interaction, Message, User
from bot.store import Store, open_store
from bot.work import Meter


def nlp_enricher(store: Store, service: NlpService, clock: FakeClock | None = None) -> Any:
    """The NLP step for newly ingested articles."""

    async def enrich(ids: Sequence[int]) -> None:
        await enrich_articles(store, ids, service, clock=clock)

    return enrich


async def build_seeded_database(path: Path, seeds: Sequence[Path], clock: FakeClock) -> None:
    """Create a database at `path` holding `seeds` (with NLP when available), then close it."""
    service = NlpService("inline")
    async with await open_store(path) as store:
        await ingest_paths(store, seeds, clock=clock, enrich=nlp_enricher(store, service, clock))
    service.close()


@dataclass
class Newsdesk:
    """A connected NewsBot and the emulated Discord around it."""

    discord: DiscordEmulator
    bot: NewsBot
    clock: FakeClock

    @property
    def store(self) -> Store:
        """The bot's open database."""
        return self.bot.store

    async def ingest(self, drafts: Sequence[ArticleDraft], *, nlp: bool = True) -> IngestReport:
        """Store more articles through the bot's own connection, NLP-enriched if available
        (`nlp=False` skips that: spaCy on a 100 kB article takes seconds)."""
        enrich = nlp_enricher(self.store, self.bot.nlp_service, self.clock) if nlp else None
        return await ingest_drafts(self.store, drafts, clock=self.clock, enrich=enrich)

    async def spent(self, label: str, count: int = 1) -> Meter:
        """What the bot's `count`-th `label` command (e.g. "/search") spent, once it ended."""
        return await asyncio.wait_for(self.bot.work.finished(label, count), timeout=10)

    async def message_command(
        self, name: str, target: Message, *, user: User | None = None, wait: bool = True
    ) -> Interaction:
        """Use the message menu command `name` on `target` (right-click → Apps); `wait=False`
        returns before the bot answers."""
        data = {
            "id": self._command_id(name, target.channel_id),
            "name": name,
            "type": 3,
            "target_id": str(target.id),
            "resolved": {
                "messages": {str(target.id): target.payload(self.discord.emulator.base_url)}
            },
        }
        channel = self.discord.world.channels[target.channel_id]
        return await self._interact(data, user or self.discord.alice, channel, wait=wait)

    async def slash_as(
        self, user: User, command: str, *, permissions: int, **options: Any
    ) -> Interaction:
        """Invoke `/command` as a member whose permissions in the channel are `permissions`
        (the emulator otherwise grants everyone every permission)."""
        channel = self.discord.channel("general")
        data = sandbox_events.command_data(self.discord.world, command, channel, options, None)
        return await self._interact(data, user, channel, permissions=permissions)

    async def post(self, content: str, *, channel: str = "general") -> Message:
        """Post a message as alice that the bot does not answer; return it."""
        where = self.discord.channel(channel)
        await self.discord.say(where, content, expect=0)
        return self.discord.channel_messages(where)[-1]

    def _command_id(self, name: str, channel_id: int) -> str:
        guild_id = self.discord.world.channels[channel_id].guild_id
        command = self.discord.world.command_named(name, guild_id)
        assert command is not None, f"{name!r} was not synced"
        return str(command["id"])

    async def _interact(
        self,
        data: dict[str, Any],
        user: User,
        channel: Channel,
        *,
        permissions: int | None = None,
        wait: bool = True,
    ) -> Interaction:
        emulator = self.discord.emulator
        await emulator.settle()
        interaction = sandbox_events.new_interaction(
            self.discord.world, 2, data, user, channel, emulator.now()
        )
        event = sandbox_events.interaction_event(self.discord.world, interaction, emulator.base_url)
        if permissions is not None:
            event["member"]["permissions"] = str(permissions)
        await emulator.gateway.dispatch("INTERACTION_CREATE", event)
        if not wait:
            return interaction
        await self.discord.wait_for(
            lambda: interaction.answered, what=f"an answer to {data['name']}"
        )
        return interaction


def make_bot(settings: Settings, db_path: Path | str, clock: FakeClock, **options: Any) -> NewsBot:
    """A NewsBot set up for tests: fast ready, no chunking, NLP on the calling thread."""
    options.setdefault("nlp_mode", "inline")
    return NewsBot(
        settings,
        store_path=db_path,
        clock=clock,
        guild_ready_timeout=0.05,
        chunk_guilds_at_startup=False,
        **options,
    )


@asynccontextmanager
async def running_newsdesk(
    db_path: Path,
    clock: FakeClock,
    *,
    settings: Settings | None = None,
    discord: DiscordEmulator | None = None,
    **bot_options: Any,
) -> AsyncIterator[Newsdesk]:
    """Start a NewsBot on `db_path` against `discord` (or a fresh emulator with the default
    world); close both on exit."""
    async with _emulator(discord, clock) as emulator:
        bot = make_bot(settings or Settings(), db_path, clock, **bot_options)
        async with emulator.connected(bot):
            yield Newsdesk(emulator, bot, clock)


@asynccontextmanager
async def _emulator(
    existing: DiscordEmulator | None, clock: FakeClock
) -> AsyncIterator[DiscordEmulator]:
    if existing is not None:
        yield existing
        return
    async with DiscordEmulator(clock=clock) as fresh:
        yield fresh
