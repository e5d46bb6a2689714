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
parent-death signal), and the bot's stop stops it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import bot
from bot.config import Settings
from bot.errors import ConfigError
from bot.metrics import Metrics, exported
from bot.store.backend import backend_of, sqlite_path
from bot.tasks import BackgroundTasks
from bot.web import Discord
from bot.web.server import local_base_url
from bot.workers.lifeline import Lifeline

log = logging.getLogger(__name__)
# Bounds on waits, not expectations: a cold start imports aiohttp, Jinja2 and the store.
START_SECONDS = 60.0
STOP_SECONDS = 10.0
READY = b"ready"


@dataclass(frozen=True)
class WebProcess:
    """The running web child: where browsers reach it, and its process id."""

    base_url: str
    host: str
    port: int
    pid: int

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
) -> AsyncIterator[WebProcess]:
    """Serve the web from a child on `sock` (taken over: closed here) while the block runs."""
    lifeline = Lifeline()
    try:
        with sock, exported(metrics) as metrics_url:
            host, port = sock.getsockname()[:2]
            env = child_env(settings, store_url, orders.discord)
            with _stderr_for(orders) as stderr:
                child = await asyncio.create_subprocess_exec(
                    *child_args(sock, lifeline, metrics_url, orders),
                    pass_fds=(sock.fileno(), lifeline.worker_end.fileno()),
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=stderr,
                    env=env,
                    # Ctrl-C in the terminal is the bot's to act on: the bot then stops the child.
                    start_new_session=True,
                )
            sock.close()  # the child holds it now: the port goes with the child
            lifeline.worker_end.close()
            base_url = settings.web_base_url or local_base_url(host, port)
            async with _running(child):
                yield WebProcess(base_url, host, port, child.pid)
    finally:
        lifeline.release()


@contextlib.asynccontextmanager
async def _running(child: asyncio.subprocess.Process) -> AsyncIterator[None]:
    """Once the child serves, while the block runs: its unexpected end is logged; then stop it."""
    tasks = BackgroundTasks("web-process")
    stopping = asyncio.Event()
    try:
        await _started(child)
        tasks.spawn(_watch(child, stopping), name="watch")
        yield
    finally:
        stopping.set()
        await _stop(child)
        await tasks.cancel_all()


async def _started(child: asyncio.subprocess.Process) -> None:
    """Wait until the child serves (it says `ready`), or fail saying it did not start."""
    assert child.stdout is not None
    try:
        async with asyncio.timeout(START_SECONDS):
            line = await child.stdout.readline()
    except TimeoutError:
        line = b""
    if line.strip() != READY:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(STOP_SECONDS):
                await child.wait()  # it is ending (or it hangs: stopped on the way out)
        raise ConfigError(
            f"the web process did not start (exit status {child.returncode}; its log says why)"
            if child.returncode is not None
            else "the web process did not start in time (its log says why)"
        )
    log.info("web newsroom served by process %s", child.pid)


async def _watch(child: asyncio.subprocess.Process, stopping: asyncio.Event) -> None:
    """Say when the child ends without being asked to: the bot goes on without its web."""
    status = await child.wait()
    if not stopping.is_set():
        log.error("the web process %s ended (exit status %s); the web is down", child.pid, status)


async def _stop(child: asyncio.subprocess.Process) -> None:
    """SIGTERM (the child finishes its requests and closes its store), then SIGKILL."""
    if child.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(STOP_SECONDS):
                await child.wait()
        except TimeoutError:
            log.warning("the web process %s did not stop in time; killed", child.pid)
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            await child.wait()
