"""Running Newsdesk on Discord until it is stopped. A failure to start becomes `StartFailure`:
one sentence saying what to do about it, never a traceback, never the token."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import aiohttp
import discord

from bot.client.newsbot import NewsBot
from bot.client.shards import newsbot_for
from bot.config import Settings
from bot.errors import NewsdeskError

PORTAL = "https://discord.com/developers/applications"


class StartFailure(NewsdeskError):
    """Discord refused the bot or could not be reached; the message says what to do."""


async def run_on_discord(
    settings: Settings,
    *,
    problems: Callable[[str], None] | None = None,
    alongside: Callable[[NewsBot], AbstractAsyncContextManager[object]] | None = None,
    **bot_options: Any,
) -> None:
    """Run the bot (sharded with SHARD_COUNT) until a signal or a command stops it; raise
    `StartFailure` when Discord refuses the token or an intent, or cannot be reached.
    `problems` is told each start-up problem (a cog that did not load) in one line;
    `alongside(bot)` runs while the bot is connected (the web, once the store is open)."""
    try:
        async with newsbot_for(settings, **bot_options) as bot:
            bot.install_signal_handlers()
            try:
                # start() is login (which loads the cogs) then connect: in between, say what
                # did not load where the operator is looking.
                await bot.login(settings.discord_token.reveal())
                for problem in bot.start_up_problems() if problems else ():
                    problems(problem)
                async with alongside(bot) if alongside else contextlib.nullcontext():
                    await bot.connect()
            finally:
                bot.remove_signal_handlers()
    except discord.LoginFailure:
        raise StartFailure(
            "Discord rejected DISCORD_TOKEN. Reset the token at "
            f"{PORTAL} → your app → Bot, and put the new one in .env."
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise StartFailure(
            "Discord refused the Message Content intent. Enable it at "
            f"{PORTAL} → your app → Bot, or set CHANNEL_SEARCH=false in .env."
        ) from None
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound, TimeoutError, OSError) as exc:
        raise StartFailure(
            f"cannot reach Discord ({type(exc).__name__}). Check the network "
            "connection (and proxy), or leave DISCORD_TOKEN empty to use the offline sandbox."
        ) from None
