"""Start Newsdesk (`python -m bot run`): load the seeds, then connect to Discord with a token or
start the offline sandbox without one. Start-up failures end in one actionable line."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import discord
from rich.console import Console
from rich.markup import escape

from bot.cli.articles import ingest_with_progress
from bot.config import Settings
from bot.nlp import close_default
from bot.render.text import plural
from bot.store.backend import open_store

err = Console(stderr=True, highlight=False)

PORTAL = "https://discord.com/developers/applications"


def say(line: str) -> None:
    """Print one line to stderr, unwrapped (so it stays one line in logs)."""
    err.print(line, soft_wrap=True)


def fail(line: str) -> None:
    """Print one actionable error line."""
    say(f"[bold red]error:[/] {line}")


async def load_seeds(settings: Settings, seeds: str | Path, *, nlp: bool = True) -> None:
    """Ingest the seeds folder (with NLP when available) into the configured database."""
    try:
        async with await open_store(settings.store_url) as store:
            report = await ingest_with_progress(store, [str(seeds)], nlp=nlp)
            total = await store.count_articles()
    finally:
        # Ingest analyses in the shared NLP worker; the bot starts its own service.
        close_default()
    say(
        f"seeds: {report.summary()} — {plural(total, 'article')}"
        f" in {escape(settings.database_label)}"
    )


async def run_discord(settings: Settings, **bot_options: Any) -> int:
    """Run the bot on Discord until it is stopped; return the exit status (never prints the
    token: only what to do about a failure)."""
    from bot.client.shards import newsbot_for

    try:
        async with newsbot_for(settings, **bot_options) as bot:  # sharded with SHARD_COUNT
            bot.install_signal_handlers()
            try:
                # start() is login (which loads the cogs) then connect: in between, a cog that
                # did not load is said on the console, not only in the log.
                await bot.login(settings.discord_token.reveal())
                for problem in bot.start_up_problems():
                    fail(escape(problem))
                await bot.connect()
            finally:
                bot.remove_signal_handlers()
    except discord.LoginFailure:
        fail(
            "Discord rejected DISCORD_TOKEN. Reset the token at "
            f"{PORTAL} → your app → Bot, and put the new one in .env."
        )
        return 2
    except discord.PrivilegedIntentsRequired:
        fail(
            "Discord refused the Message Content intent. Enable it at "
            f"{PORTAL} → your app → Bot, or set CHANNEL_SEARCH=false in .env."
        )
        return 2
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound, TimeoutError, OSError) as exc:
        reason = escape(type(exc).__name__)
        fail(
            f"cannot reach Discord ({reason}). Check the network "
            "connection (and proxy), or leave DISCORD_TOKEN empty to use the offline sandbox."
        )
        return 2
    return 0


def run_sandbox(settings: Settings) -> int:
    """Start the offline sandbox: a local Discord emulator, the real bot and a terminal chat."""
    from bot.sandbox.app import run

    return run(settings)


def launch(settings: Settings, seeds: str | Path | None, sandbox: bool) -> int:
    """Load `seeds`, then run on Discord (token set, no --sandbox) or in the sandbox."""
    if seeds and Path(seeds).exists():
        asyncio.run(load_seeds(settings, seeds))
    if settings.has_token and not sandbox:
        return asyncio.run(run_discord(settings))
    return run_sandbox(settings)
