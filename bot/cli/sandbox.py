"""`python -m bot console` and `run` without a token: a local Discord emulator, the real NewsBot
on it, and the console chat (the emulator and console themselves live in bot/sandbox/)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from bot.cli.web import serve_in_bot
from bot.cli.web_process import WebProcess
from bot.client import NewsBot
from bot.config import RedactingFilter, Secret, Settings
from bot.feeds.fetcher import FetchPolicy
from bot.render.text import plural
from bot.sandbox.console import ConsoleSession, interactive, run_once
from bot.sandbox.harness import DiscordEmulator
from bot.store.backend import open_store
from bot.terminal import PrintableFormatter, shown, terminal
from bot.web import Discord

log = logging.getLogger(__name__)


def _log_to_file(settings: Settings) -> Path:
    """Send logs to a file beside the database so they don't interleave with the chat."""
    path = Path(settings.database_path).parent / "sandbox.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(PrintableFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(*settings.secrets()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    return path


@contextlib.asynccontextmanager
async def sandbox_web(
    settings: Settings, bot: NewsBot, discord: DiscordEmulator, *, log_file: Path | None = None
) -> AsyncIterator[WebProcess | None]:
    """The web newsroom for the sandbox's bot, signing in through the emulator's OAuth2."""
    oauth = discord.emulator.oauth
    sign_in = Discord(oauth.client_id, Secret(oauth.client_secret), discord.emulator.base_url)
    async with serve_in_bot(settings, bot, sandbox=True, discord=sign_in, log_file=log_file) as web:
        if web is not None:
            oauth.redirect_uris.append(web.redirect_uri)
        yield web


async def sandbox(settings: Settings, *, exec_lines: list[str] | None = None) -> int:
    """Start emulator + bot, then chat (or run `exec_lines` once); return the exit status."""
    out = terminal()
    err = terminal(stderr=True)
    log_file = _log_to_file(settings)
    async with await open_store(
        settings.store_url, index_dir=settings.search_index_dir or None
    ) as store:
        articles = await store.count_articles()
    quiet = exec_lines is not None
    if not quiet:
        err.print(
            "[bold]Newsdesk sandbox[/] — offline: a local Discord emulator on 127.0.0.1 and the "
            f"real bot. Database {shown(settings.database_label)} ({plural(articles, 'article')}); "
            f"logs in {shown(log_file)}."
        )
        if not articles:
            err.print("The database is empty: load articles with `python -m bot ingest seeds/`.")
    async with DiscordEmulator() as discord:
        bot = NewsBot(settings)
        # The sandbox runs on its owner's machine, so feeds it serves itself (python -m
        # http.server) may be followed; a bot on Discord keeps refusing private addresses.
        bot.feed_fetch_policy = FetchPolicy(allow_private=True)  # type: ignore[attr-defined]
        try:
            async with discord.connected(bot, wait_seconds=60):
                # The emulator is new each run, so the bot's commands are always sent to it.
                await bot.sync_commands(force=True)
                for problem in bot.start_up_problems():
                    err.print(
                        f"[bold red]error:[/] {shown(problem)} (traceback in {shown(log_file)})",
                        soft_wrap=True,
                    )
                session = ConsoleSession(discord)
                if quiet:
                    return await run_once(session, exec_lines or [], out)
                async with sandbox_web(settings, bot, discord, log_file=log_file) as web:
                    if web is not None:
                        err.print(
                            f"Web newsroom: {shown(web.base_url)} (sign in as any emulated "
                            "user; WEB_PORT=off turns it off).",
                            soft_wrap=True,
                        )
                    err.print(
                        "Type /help to see the commands, :help for the console, Ctrl-D to quit."
                    )
                    history = Path(settings.database_path).parent / "console_history"
                    return await interactive(session, out, str(history))
        except AssertionError as exc:
            err.print(f"[bold red]error:[/] the bot did not start in the sandbox: {shown(exc)}")
            return 1


def run(settings: Settings, exec_lines: list[str] | None = None) -> int:
    """Synchronous entry point used by `python -m bot run` and `python -m bot console`."""
    return asyncio.run(sandbox(settings, exec_lines=exec_lines))
