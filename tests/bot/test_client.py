"""NewsBot: cog discovery with failures isolated, intents, cooldowns, graceful shutdown."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.client import Cooldowns, discover_extensions, intents_for
from bot.clock import FakeClock
from bot.config import Settings
from tests.newsdesk import Newsdesk

GOOD_COG = """
from discord import app_commands
from discord.ext import commands


class Good(commands.Cog):
    @app_commands.command(description="Still here")
    async def ping(self, interaction):
        await interaction.response.send_message("pong")


async def setup(bot):
    await bot.add_cog(Good())
"""


def test_every_cog_in_the_package_is_discovered() -> None:
    found = discover_extensions("cogs")
    assert {"cogs.search", "cogs.article", "cogs.help", "cogs.related", "cogs.admin"} <= set(found)
    assert not any(name.split(".")[-1].startswith("_") for name in found)


async def test_a_cog_that_fails_to_load_is_logged_and_the_others_still_load(
    newsdesk_factory: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    package = tmp_path / "trialcogs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "broken.py").write_text("async def setup(bot):\n    raise RuntimeError('boom')\n")
    (package / "good.py").write_text(GOOD_COG)
    (package / "helpers.py").write_text("VALUE = 1\n")  # no setup(): not a cog
    (package / "_private.py").write_text("raise SystemExit('never imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "trialcogs", raising=False)

    with caplog.at_level(logging.ERROR, logger="bot.client"):
        async with newsdesk_factory(extensions="trialcogs") as desk:
            reply = await desk.discord.slash("ping")

    assert desk.bot.loaded_extensions == ["trialcogs.good"]
    assert desk.bot.failed_extensions == ["trialcogs.broken"]
    assert reply.message.content == "pong"
    failure = next(r for r in caplog.records if "trialcogs.broken" in r.getMessage())
    assert failure.exc_info is not None and "boom" in str(failure.exc_info[1])


def test_message_content_intent_only_for_channel_search() -> None:
    assert intents_for(Settings(channel_search=True)).message_content
    quiet = intents_for(Settings(channel_search=False))
    assert not quiet.message_content and not quiet.guild_messages
    assert quiet.guilds and not quiet.members and not quiet.presences


def test_cooldowns_count_per_user_on_the_injected_clock() -> None:
    clock = FakeClock()
    cooldowns = Cooldowns(clock)
    assert [cooldowns.hit("search", 1, 2, 30) for _ in range(2)] == [0.0, 0.0]
    assert cooldowns.hit("search", 1, 2, 30) == 30.0
    assert cooldowns.hit("search", 2, 2, 30) == 0.0
    clock.advance(seconds=10)
    assert cooldowns.hit("search", 1, 2, 30) == 20.0
    clock.advance(seconds=20)
    assert cooldowns.hit("search", 1, 2, 30) == 0.0


async def test_shutdown_finishes_replies_in_flight_then_closes_the_store(
    newsdesk: Newsdesk,
) -> None:
    discord = newsdesk.discord
    message = await newsdesk.post("What is Halevi doing in Doha?")
    # Shutdown starts while the bot waits on its deferral: the search and the follow-up that
    # come after it must still happen before the database and the connection close.
    discord.faults.slow("POST /interactions/*/*/callback", delay=0.3)
    pending = await newsdesk.message_command("Find related news", message, wait=False)
    await discord.wait_for(lambda: discord.requests_to("POST", "/callback"), what="the deferral")

    await newsdesk.bot.close()

    assert pending.response_type == 5
    assert "Senior Israeli Security Officials" in pending.message.embeds[0]["description"]
    assert newsdesk.bot.is_closed()
    with pytest.raises(ValueError):
        await newsdesk.store.count_articles()  # the connection is closed


async def test_shutdown_disables_live_pagers(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("search", query="Qatar")

    await newsdesk.bot.close()

    select = reply.message.components[0]["components"][0]
    assert select["disabled"]


async def test_a_start_resumes_analysis_of_articles_stored_without_it_and_says_so(
    newsdesk_factory: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    from bot.models import ArticleDraft
    from bot.nlp.enrichment import NLP_VERSION

    draft = ArticleDraft(title="Doha talks", body="Officials met in Doha.", origin="t:doha")
    async with newsdesk_factory() as desk:
        await desk.ingest([draft], nlp=False)  # as a kill between storing and NLP leaves it
        assert await desk.store.articles_needing_analysis(NLP_VERSION) != []

    with caplog.at_level(logging.INFO, logger="bot.nlp"):
        async with newsdesk_factory() as desk:
            resuming = [t for t in asyncio.all_tasks() if t.get_name().endswith("enrich-pending")]
            await asyncio.gather(*resuming)
            assert await desk.store.articles_needing_analysis(NLP_VERSION) == []

    assert "analysed 1 stored article(s) lacking a current analysis" in caplog.messages
