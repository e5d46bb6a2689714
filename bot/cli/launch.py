"""Start Newsdesk (`python -m bot run`): load the seeds, then connect to Discord with a token or
start the offline sandbox without one. Start-up failures end in one actionable line."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.cli.articles import ingest_with_progress
from bot.cli.web import alongside_bot
from bot.client.connect import StartFailure, run_on_discord
from bot.config import Settings
from bot.nlp import close_default
from bot.render.text import plural
from bot.store.backend import open_store
from bot.terminal import shown, terminal

err = terminal(stderr=True)


def say(line: str) -> None:
    """Print one line to stderr, unwrapped (so it stays one line in logs)."""
    err.print(line, soft_wrap=True)


def fail(line: str) -> None:
    """Print one actionable error line."""
    say(f"[bold red]error:[/] {line}")


async def load_seeds(settings: Settings, seeds: str | Path, *, nlp: bool = True) -> None:
    """Ingest the seeds folder (with NLP when available) into the configured database."""
    try:
        async with await open_store(
            settings.store_url, index_dir=settings.search_index_dir or None
        ) as store:
            report = await ingest_with_progress(store, [str(seeds)], nlp=nlp)
            total = await store.count_articles()
    finally:
        # Ingest analyses in the shared NLP worker; the bot starts its own service.
        close_default()
    say(
        f"seeds: {report.summary()} — {plural(total, 'article')}"
        f" in {shown(settings.database_label)}"
    )


async def run_discord(settings: Settings, **bot_options: Any) -> int:
    """Run the bot on Discord until it is stopped; return the exit status (a failure to start
    prints what to do about it, never the token)."""
    try:
        # A cog that did not load is said here, on the console, not only in the log.
        await run_on_discord(
            settings,
            problems=lambda line: fail(shown(line)),
            alongside=alongside_bot(settings),
            **bot_options,
        )
    except StartFailure as failure:
        fail(shown(str(failure)))
        return 2
    return 0


def run_sandbox(settings: Settings) -> int:
    """Start the offline sandbox: a local Discord emulator, the real bot and a terminal chat."""
    from bot.cli.sandbox import run

    return run(settings)


def launch(settings: Settings, seeds: str | Path | None, sandbox: bool) -> int:
    """Load `seeds`, then run on Discord (token set, no --sandbox) or in the sandbox."""
    if seeds and Path(seeds).exists():
        asyncio.run(load_seeds(settings, seeds))
    if settings.has_token and not sandbox:
        return asyncio.run(run_discord(settings))
    return run_sandbox(settings)
