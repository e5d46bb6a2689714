"""The web newsroom from the command line: `python -m bot web` serves it as a process of its own
(several on one PostgreSQL are fine: everything is in the store), and `run` serves it inside the
bot when WEB_PORT is set (the sandbox by default)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

from bot.cli.arguments import whole
from bot.config import SANDBOX_WEB_PORT, Settings
from bot.errors import ConfigError
from bot.feeds.fetcher import FetchPolicy
from bot.metrics import LoopLag, Metrics
from bot.store import Store
from bot.store.backend import open_store
from bot.tasks import BackgroundTasks
from bot.terminal import shown, terminal
from bot.web import Discord, WebContext, WebOptions, WebServer

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
) -> AsyncIterator[WebServer | None]:
    """Serve the web inside the bot's process (its database, clock, metrics and gateway) while
    the block runs, when WEB_PORT (or the sandbox) asks for it; yields None when it does not.
    The sandbox's own port (WEB_PORT unset) gives way to any free port when it is taken."""
    if settings.web_port_for(sandbox=sandbox) is None:
        yield None
        return
    port = settings.web_port if settings.web_port is not None else sandbox_port
    async with contextlib.AsyncExitStack() as stack:
        # The web's pages go through a connection of their own (SQLite: its own thread, which
        # leaves the GIL while SQLite works), so readers' queries never queue in front of the
        # bot's commands on the bot's one connection.
        store = await stack.enter_async_context(bot.store.opened_again())
        context = WebContext(
            store=store,
            options=WebOptions.from_settings(settings),
            discord=discord or discord_of(settings),
            clock=bot.clock,
            metrics=bot.metrics,
            gateway=bot.gateway_connected,
            nlp=bot.nlp_service,
            fetch_policy=getattr(bot, "feed_fetch_policy", None) or FetchPolicy(),
        )
        try:
            server = await stack.enter_async_context(
                WebServer(context, host=settings.web_host, port=port)
            )
        except ConfigError:
            if settings.web_port is not None:
                raise  # a port asked for that is taken is an error; the default is not
            log.info("port %s is taken; the sandbox's web takes a free one", port)
            server = await stack.enter_async_context(
                WebServer(context, host=settings.web_host, port=0)
            )
        yield server


def alongside_bot(settings: Settings) -> Callable[[NewsBot], AbstractAsyncContextManager[object]]:
    """What `run` serves beside the bot on Discord: the web when WEB_PORT is set."""

    @contextlib.asynccontextmanager
    async def serve(bot: NewsBot) -> AsyncIterator[object]:
        async with serve_in_bot(settings, bot) as server:
            if server is not None:
                err.print(f"web newsroom: {shown(server.base_url)}", soft_wrap=True)
            yield server

    return serve


async def serve_alone(settings: Settings, host: str, port: int) -> int:
    """`python -m bot web`: serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    metrics = Metrics()
    tasks = BackgroundTasks("web")
    store: Store
    async with await open_store(settings.store_url, readers=settings.database_readers) as store:
        context = WebContext(
            store=store,
            options=WebOptions.from_settings(settings),
            discord=discord_of(settings),
            metrics=metrics,
        )
        async with WebServer(context, host=host, port=port) as server:
            tasks.spawn(LoopLag(metrics).run(), name="loop-lag")
            signing_in = "Login with Discord" if context.discord else "no sign-in (no client id)"
            err.print(
                f"web newsroom on {shown(server.base_url)} ({signing_in}; "
                f"database {shown(settings.database_label)}). Ctrl-C stops it.",
                soft_wrap=True,
            )
            try:
                await stop.wait()
            finally:
                await tasks.cancel_all()
    return 0


def _web(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    port = args.port if args.port is not None else settings.web_port
    host = args.host or settings.web_host
    return asyncio.run(serve_alone(settings, host, STANDALONE_PORT if port is None else port))


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
    p.set_defaults(func=_web)
