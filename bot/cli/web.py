"""The web newsroom from the command line: `python -m bot web` serves it as a process of its own
(several on one PostgreSQL are fine: everything is in the store), and `run` serves it for the bot
when WEB_PORT is set (the sandbox by default): the same command, started by the bot as its child
(bot/cli/web_process.py)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.arguments import whole
from bot.cli.web_keeper import RESTARTS, RestartPolicy
from bot.cli.web_process import WEB_NICENESS, ChildOrders, WebProcess, listening, web_process
from bot.config import SANDBOX_WEB_PORT, Settings
from bot.errors import ConfigError
from bot.feeds.fetcher import FetchPolicy
from bot.metrics import LoopLag, Metrics
from bot.nlp import close_default
from bot.store import Store
from bot.store.backend import open_store
from bot.tasks import BackgroundTasks
from bot.terminal import shown, terminal
from bot.web import Discord, WebContext, WebOptions, WebServer
from bot.web.bot_link import BotLink
from bot.workers.lifeline import hold_on

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)
err = terminal(stderr=True)
STANDALONE_PORT = 8080


def discord_of(settings: Settings) -> Discord | None:
    """Discord's sign-in for these settings, or None when DISCORD_CLIENT_ID/SECRET are unset."""
    if settings.discord_client_id is None or not settings.discord_client_secret.reveal():
        return None
    return Discord(settings.discord_client_id, settings.discord_client_secret)


@contextlib.asynccontextmanager
async def serve_in_bot(
    settings: Settings,
    bot: NewsBot,
    *,
    sandbox: bool = False,
    discord: Discord | None = None,
    sandbox_port: int = SANDBOX_WEB_PORT,
    log_file: Path | None = None,
    restarts: RestartPolicy = RESTARTS,
) -> AsyncIterator[WebProcess | None]:
    """Serve the web for the bot, from a child process on the bot's database (see
    bot/cli/web_process.py) restarted as `restarts` allows when it crashes, while the block
    runs, when WEB_PORT (or the sandbox) asks for it; yields None when it does not. The
    sandbox's own port (WEB_PORT unset) gives way to any free port when it is taken."""
    if settings.web_port_for(sandbox=sandbox) is None:
        yield None
        return
    port = settings.web_port if settings.web_port is not None else sandbox_port
    try:
        sock = listening(settings.web_host, port)
    except ConfigError:
        if settings.web_port is not None:
            raise  # a port asked for that is taken is an error; the default is not
        log.info("port %s is taken; the sandbox's web takes a free one", port)
        sock = listening(settings.web_host, 0)
    policy = getattr(bot, "feed_fetch_policy", None) or FetchPolicy()
    orders = ChildOrders(
        discord=discord or discord_of(settings),
        allow_private_feeds=policy.allow_private,
        log_file=log_file,
        restarts=restarts,
    )
    async with web_process(settings, bot.store_url, bot.metrics, sock, orders, bot.clock) as served:
        yield served


def alongside_bot(settings: Settings) -> Callable[[NewsBot], AbstractAsyncContextManager[object]]:
    """What `run` serves beside the bot on Discord: the web when WEB_PORT is set."""

    @contextlib.asynccontextmanager
    async def serve(bot: NewsBot) -> AsyncIterator[object]:
        async with serve_in_bot(settings, bot) as server:
            if server is not None:
                err.print(f"web newsroom: {shown(server.base_url)}", soft_wrap=True)
            yield server

    return serve


@dataclass(frozen=True)
class ForBot:
    """What the bot that started this web process handed it (the hidden options): the socket
    to serve, the bot's metrics, the Discord members sign in with, the feed policy's one
    difference."""

    sock: socket.socket
    bot: BotLink
    discord_url: str | None = None
    allow_private_feeds: bool = False


async def serve_alone(
    settings: Settings, host: str, port: int, for_bot: ForBot | None = None
) -> int:
    """`python -m bot web`: serve until SIGINT or SIGTERM (for the bot: on its socket)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    metrics = Metrics()
    tasks = BackgroundTasks("web")
    discord = discord_of(settings)
    if discord is not None and for_bot is not None and for_bot.discord_url:
        discord = dataclasses.replace(discord, base_url=for_bot.discord_url)
    store: Store
    async with await open_store(
        settings.store_url,
        readers=settings.database_readers,
        index_dir=settings.search_index_dir or None,
    ) as store:
        context = WebContext(
            store=store,
            options=WebOptions.from_settings(settings),
            discord=discord,
            metrics=metrics,
            bot=for_bot.bot if for_bot else None,
            fetch_policy=FetchPolicy(allow_private=bool(for_bot and for_bot.allow_private_feeds)),
        )
        sock = for_bot.sock if for_bot else None
        async with WebServer(context, host=host, port=port, sock=sock) as server:
            tasks.spawn(LoopLag(metrics).run(), name="loop-lag")
            if for_bot is not None:
                # The bot waits for this line (bot/cli/web_process.py); nothing else is printed.
                sys.stdout.write("ready\n")
                sys.stdout.flush()
            else:
                signing_in = "Login with Discord" if discord else "no sign-in (no client id)"
                err.print(
                    f"web newsroom on {shown(server.base_url)} ({signing_in}; "
                    f"database {shown(settings.database_label)}). Ctrl-C stops it.",
                    soft_wrap=True,
                )
            try:
                await stop.wait()
            finally:
                await tasks.cancel_all()
    # An article page may have analysed an article in the shared NLP worker.
    await asyncio.to_thread(close_default)
    return 0


def _for_bot(args: argparse.Namespace) -> ForBot | None:
    """The bot's hand-over, when the bot started this process (first: the lifeline)."""
    if args.lifeline is None:
        return None
    fd, parent, on_death = (int(part) for part in args.lifeline.split(","))
    hold_on(Connection(fd, writable=False), parent, bool(on_death))
    with contextlib.suppress(OSError):  # a priority is a wish, not a condition to serve
        os.nice(WEB_NICENESS)
    if args.listen_fd is None or args.bot_metrics is None:
        raise ConfigError("--lifeline needs --listen-fd and --bot-metrics")
    return ForBot(
        sock=socket.socket(fileno=args.listen_fd),
        bot=BotLink(args.bot_metrics),
        discord_url=args.discord_url,
        allow_private_feeds=args.allow_private_feeds,
    )


def _web(args: argparse.Namespace) -> int:
    for_bot = _for_bot(args)
    settings: Settings = args.settings
    port = args.port if args.port is not None else settings.web_port
    host = args.host or settings.web_host
    port = STANDALONE_PORT if port is None else port
    return asyncio.run(serve_alone(settings, host, port, for_bot))


def register(sub: argparse._SubParsersAction) -> None:
    """Add `web`."""
    p = sub.add_parser(
        "web",
        help="serve the web newsroom on its own (no bot in this process)",
        description="Serves the archive, entity and story pages, Login with Discord, /healthz "
        "and /metrics from the database, without a bot in the same process (run as many as you "
        "like on one PostgreSQL). Settings: WEB_HOST, WEB_PORT, WEB_BASE_URL, "
        "WEB_PUBLIC_ARCHIVE, WEB_SESSION_DAYS, DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET.",
    )
    p.add_argument("--host", help="address to listen on (default WEB_HOST, 127.0.0.1)")
    p.add_argument(
        "--port",
        type=whole(0, 65535),
        help=f"port (default WEB_PORT, else {STANDALONE_PORT}; 0: any free)",
    )
    # Set by the bot that starts this process as its child (bot/cli/web_process.py).
    for hidden in ("--listen-fd", "--lifeline", "--bot-metrics", "--discord-url"):
        p.add_argument(hidden, type=int if hidden == "--listen-fd" else str, help=argparse.SUPPRESS)
    p.add_argument("--allow-private-feeds", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=_web)
