"""The web served for the bot from a process of its own: with WEB_PORT set (and in the sandbox)
the bot starts `python -m bot web` as its child, so readers' pages (sessions, templates,
snippets: Python's CPU) run on another interpreter and another core, never on the bot's GIL and
event loop.

The bot binds the port itself and hands the listening socket over (a port that is taken is
said at once, and browsers that connect early wait in the socket's queue); the child reads and
writes the same database, which is where the bot's servers, channels, feeds and schedules are
and how its changes reach the bot (bot/changes.py); the bot's gateway state and metrics come
from the bot's Prometheus exporter on loopback (bot/web/bot_link.py). The child dies with the
bot however the bot ends (bot/workers/lifeline.py: a pipe only the bot writes to, and Linux's
parent-death signal), the bot's stop stops it, and the bot restarts it on the same socket when
it crashes, within a bound (bot/cli/web_keeper.py). The child runs below the bot's CPU priority
(WEB_NICENESS), so on a busy machine the bot's users come first."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import bot
from bot.cli.web_keeper import RESTARTS, RestartPolicy, WebKeeper
from bot.clock import Clock
from bot.config import Settings
from bot.errors import ConfigError
from bot.metrics import Metrics, exported
from bot.store.backend import backend_of, sqlite_path
from bot.web import Discord
from bot.web.server import local_base_url
from bot.workers.lifeline import Lifeline

# How much lower the child's CPU priority is than the bot's (nice(2) increment), as the chart
# renderer's: on a busy machine readers' pages wait for the bot's users, not the other way
# round (bench/web.py, at the bot's priority: the bot's /search p99 beside 50 readers 2.0x and
# 3.5x its p99 alone at load 4-7; at this one 3.0x in the same hour: the machine's own load
# still decides most of it).
WEB_NICENESS = 5


@dataclass(frozen=True)
class WebProcess:
    """The web served for the bot: where browsers reach it, and its child process."""

    base_url: str
    host: str
    port: int
    keeper: WebKeeper

    @property
    def pid(self) -> int:
        """The process id of the child serving now (a restart changes it)."""
        return self.keeper.pid

    @property
    def redirect_uri(self) -> str:
        """Where Discord sends members back after they sign in."""
        return f"{self.base_url}/auth/callback"


@dataclass(frozen=True)
class ChildOrders:
    """What the bot tells its web child beyond the settings: the sign-in's Discord (the
    sandbox's emulator) and whether feeds on private addresses may be test-fetched."""

    discord: Discord | None = None
    allow_private_feeds: bool = False
    log_file: Path | None = None  # the child's stderr (the sandbox logs to a file)
    restarts: RestartPolicy = RESTARTS


def listening(host: str, port: int) -> socket.socket:
    """A socket listening on host:port (0: any free port), or ConfigError saying what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=128)
    except OSError as exc:
        raise ConfigError(
            f"cannot serve the web on {host}:{port} ({exc.strerror or exc}); "
            "set WEB_PORT to a free port, or WEB_PORT=off"
        ) from None


def database_url(store_url: str) -> str:
    """The bot's database as a URL the child can open (a path becomes sqlite:///absolute)."""
    if backend_of(store_url) != "sqlite":
        return store_url
    path = sqlite_path(store_url)
    if str(path) in {"", ":memory:"}:
        raise ConfigError("the web needs the bot's database in a file or on PostgreSQL")
    return f"sqlite:///{path.resolve()}"


def child_env(settings: Settings, store_url: str, discord: Discord | None) -> dict[str, str]:
    """The child's environment: the bot's, with the bot's own settings for the web (they may
    not come from the environment), and without the bot's token (the web has no use for it)."""
    env = dict(os.environ)
    # The same code as the bot, wherever it is imported from.
    package_root = str(Path(bot.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env.update(
        DISCORD_TOKEN="",
        DATABASE_URL=database_url(store_url),
        DATABASE_READERS=str(settings.database_readers),
        LOG_LEVEL=settings.log_level,
        TIMEZONE=settings.timezone,
        WEB_HOST=settings.web_host,
        WEB_BASE_URL=settings.web_base_url,
        WEB_PUBLIC_ARCHIVE="true" if settings.web_public_archive else "false",
        WEB_SESSION_DAYS=str(settings.web_session_days),
        DISCORD_CLIENT_ID=str(discord.client_id) if discord else "",
        DISCORD_CLIENT_SECRET=discord.client_secret.reveal() if discord else "",
    )
    return env


def child_args(
    sock: socket.socket, lifeline: Lifeline, metrics_url: str, orders: ChildOrders
) -> list[str]:
    """`python -m bot web` as the bot's child (the hidden options of bot/cli/web.py)."""
    fd, parent, on_death = lifeline.worker_args()
    args = [sys.executable, "-m", "bot", "web", "--listen-fd", str(sock.fileno())]
    args += ["--lifeline", f"{fd.fileno()},{parent},{int(on_death)}"]
    args += ["--bot-metrics", metrics_url]
    if orders.discord is not None:
        args += ["--discord-url", orders.discord.base_url]
    if orders.allow_private_feeds:
        args.append("--allow-private-feeds")
    return args


@contextlib.contextmanager
def _stderr_for(orders: ChildOrders) -> Iterator[IO[bytes] | None]:
    if orders.log_file is None:
        yield None  # the bot's own stderr
        return
    with orders.log_file.open("ab") as log_file:
        yield log_file


@contextlib.asynccontextmanager
async def web_process(
    settings: Settings,
    store_url: str,
    metrics: Metrics,
    sock: socket.socket,
    orders: ChildOrders,
    clock: Clock,
) -> AsyncIterator[WebProcess]:
    """Serve the web from a child on `sock` while the block runs, restarting the child when it
    crashes (bot/cli/web_keeper.py); `sock` stays open here meanwhile, so that a new child
    serves the same port, and is closed at the end."""
    with sock, exported(metrics) as metrics_url:
        host, port = sock.getsockname()[:2]
        env = child_env(settings, store_url, orders.discord)

        async def spawn(lifeline: Lifeline) -> asyncio.subprocess.Process:
            with _stderr_for(orders) as stderr:
                return await asyncio.create_subprocess_exec(
                    *child_args(sock, lifeline, metrics_url, orders),
                    pass_fds=(sock.fileno(), lifeline.worker_end.fileno()),
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=stderr,
                    env=env,
                    # Ctrl-C in the terminal is the bot's to act on: the bot then stops the child.
                    start_new_session=True,
                )

        keeper = WebKeeper(spawn, sock, orders.restarts, clock)
        async with keeper.kept():
            base_url = settings.web_base_url or local_base_url(host, port)
            yield WebProcess(base_url, host, port, keeper)
