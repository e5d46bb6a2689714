"""Keeping the bot's web child alive: started, watched, restarted on the same socket when it
crashes (after a wait that doubles with each recent crash), and given up on, loudly, when it
crashes too often, so a web that cannot run does not restart forever beside the bot.

The bot keeps the listening socket for as long as the web should be served: a browser that
connects while the child is down waits in the socket's queue and is answered by the next child;
once the keeper gives up, the socket is closed and connections are refused, not left waiting.
Each child gets a lifeline of its own (bot/workers/lifeline.py), so it dies with the bot however
the bot ends. Waits are on the bot's clock (bot/clock.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.errors import ConfigError
from bot.tasks import BackgroundTasks
from bot.workers.lifeline import Lifeline

log = logging.getLogger(__name__)
# Bounds on waits, not expectations: a cold start imports aiohttp, Jinja2 and the store.
START_SECONDS = 60.0
STOP_SECONDS = 10.0
READY = b"ready"

# Starts one child on the lifeline given (the caller knows the command, environment and fds).
Spawn = Callable[[Lifeline], Awaitable[asyncio.subprocess.Process]]


@dataclass(frozen=True)
class RestartPolicy:
    """How often a crashed web child is restarted: at most `most` restarts within `within`
    (then never again until the bot restarts), the first after `first_wait`, each later one
    after twice the last wait, up to `longest_wait`."""

    most: int = 5
    within: timedelta = timedelta(minutes=10)
    first_wait: timedelta = timedelta(seconds=1)
    longest_wait: timedelta = timedelta(minutes=1)


# What the bot does: five restarts in ten minutes, waiting 1, 2, 4, 8, 16 s.
RESTARTS = RestartPolicy()


class Restarts:
    """The restarts made so far, and whether (and after how long) the next may be made."""

    def __init__(self, policy: RestartPolicy) -> None:
        self.policy = policy
        self._made: deque[datetime] = deque()

    def after_crash(self, now: datetime) -> timedelta | None:
        """The wait before restarting a child that crashed at `now`, counted as a restart;
        None when `most` restarts were already made within `within` (stop trying)."""
        while self._made and now - self._made[0] >= self.policy.within:
            self._made.popleft()
        if len(self._made) >= self.policy.most:
            return None
        wait = min(self.policy.first_wait * 2 ** len(self._made), self.policy.longest_wait)
        self._made.append(now)
        return wait


def ended(status: int) -> str:
    """How a child ended, as a log line says it."""
    if status < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-status).name}"
    return f"exit status {status}"


class WebKeeper:
    """The web child of the bot: the one running now, and the task that restarts it."""

    def __init__(
        self, spawn: Spawn, sock: socket.socket, policy: RestartPolicy, clock: Clock
    ) -> None:
        self._spawn, self._sock, self._clock = spawn, sock, clock
        self._restarts = Restarts(policy)
        self._child: asyncio.subprocess.Process | None = None
        self._lifeline: Lifeline | None = None
        self._stopping = False
        self.gave_up = False

    @property
    def pid(self) -> int:
        """The process id of the child serving now (or of the last one)."""
        assert self._child is not None
        return self._child.pid

    @contextlib.asynccontextmanager
    async def kept(self) -> AsyncIterator[None]:
        """Start the child (ConfigError if it does not start), keep it while the block runs,
        then stop it."""
        tasks = BackgroundTasks("web-process")
        try:
            await self._start()
            tasks.spawn(self._keep(), name="keep")
            yield
        finally:
            self._stopping = True
            await tasks.cancel_all()  # a restart under way is abandoned; its child stopped below
            await self._stop()

    async def _start(self) -> None:
        """Start a child and wait until it serves (it says `ready`)."""
        await self._stop()  # the last child's lifeline, if any, goes
        self._lifeline = Lifeline()
        self._child = await self._spawn(self._lifeline)
        self._lifeline.worker_end.close()  # the child holds it now
        await _started(self._child)

    async def _keep(self) -> None:
        """Restart the child whenever it ends unasked, within the policy's bound."""
        while True:
            assert self._child is not None
            pid, status = self._child.pid, await self._child.wait()
            if self._stopping:
                return
            wait = self._restarts.after_crash(self._clock.now())
            policy = self._restarts.policy
            if wait is None:
                log.error(
                    "the web process %s ended (%s) after %d restarts within %s: not restarting "
                    "it again; the web is DOWN until the bot restarts",
                    pid,
                    ended(status),
                    policy.most,
                    policy.within,
                )
                self.gave_up = True
                self._sock.close()  # browsers are refused now, not left waiting in its queue
                return
            log.warning(
                "the web process %s ended (%s); restarting it in %s s",
                pid,
                ended(status),
                wait.total_seconds(),
            )
            await self._clock.sleep_until(self._clock.now() + wait)
            try:
                await self._start()
            except ConfigError as exc:
                log.error("%s", exc)  # and its end counts as another crash

    async def _stop(self) -> None:
        """Stop the current child, if it runs, and let go of its lifeline."""
        if self._child is not None:
            await _stop(self._child)
        if self._lifeline is not None:
            self._lifeline.release()
            self._lifeline = None


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
