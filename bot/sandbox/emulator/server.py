"""The emulator's aiohttp application: REST under /api/v10, the gateway, recording and faults.

`Emulator` owns the world, the gateway, the fault plan, the clock and the request log, and
serves them on 127.0.0.1 at an ephemeral port between `start()` and `stop()`. Every REST request
is recorded (method, path, JSON body, files, status) and wakes anyone in `wait_for`. The route
modules (application, channels, guilds, interactions, oauth, webhooks) add their handlers to
one `Routes` table and see the emulator only as a `Host`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .application import ApplicationRoutes
from .channels import ChannelRoutes
from .faults import FaultPlan
from .gateway import Gateway
from .guilds import GuildRoutes
from .interactions import InteractionRoutes
from .oauth import OAuthRoutes
from .posting import Posting
from .routing import Handler, Routes
from .state import Clock, SystemClock, seconds
from .webhooks import WebhookRoutes
from .wire import (
    FILES,
    PAYLOAD,
    UploadedFile,
    error_response,
    rate_limited,
    ratelimit_headers,
)
from .world import World

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"

# Paths reached with an interaction or webhook token instead of the bot token.
_TOKENLESS_PREFIXES = ("/interactions/", "/webhooks/")

# Event-loop turns given to the client to read and act on delivered responses (see settle()).
_SETTLE_TURNS = 50


@dataclass
class RecordedRequest:
    """One REST request as the emulator saw and answered it."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile] = field(default_factory=list)
    status: int = 0
    at: float = 0.0

    @property
    def route(self) -> str:
        """ "METHOD /path", handy for asserting on the log."""
        return f"{self.method} {self.path}"


class Emulator:
    """A Discord API emulator on 127.0.0.1; see `bot.sandbox.harness` for the test API."""

    def __init__(
        self,
        world: World | None = None,
        *,
        clock: Clock | None = None,
        token: str = "sandbox-token",
        shard_count: int = 1,
    ) -> None:
        self.world = world or World()
        # What GET /gateway/bot recommends (an AutoShardedBot without shard_count uses it).
        self.shard_count = shard_count
        self.clock: Clock = clock or SystemClock()
        self.token = token
        self.faults = FaultPlan()
        self.requests: list[RecordedRequest] = []
        self._changed = asyncio.Event()
        self._in_flight = 0
        self.gateway = Gateway(self, self.notify)
        # Called with ("create" | "edit", message) for every bot message; see harness.watch().
        self.listeners: list[Callable[[str, Any], None]] = []
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._app = web.Application(middlewares=[self._middleware], client_max_size=64 * 2**20)
        self._app.router.add_get("/gateway", self.gateway.handle)
        routes = Routes()
        posting = Posting(self)
        ApplicationRoutes(self).register(routes)
        ChannelRoutes(self, posting).register(routes)
        GuildRoutes(self).register(routes)
        InteractionRoutes(self, posting).register(routes)
        WebhookRoutes(self, posting).register(routes)
        # "Login with Discord": tests and the sandbox register the web's redirect URI here.
        self.oauth = OAuthRoutes(self)
        self.oauth.register(routes)
        routes.mount(self._app.router, API_PREFIX)

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Serve on 127.0.0.1 at an ephemeral port."""
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("Discord emulator listening on %s", self.base_url)

    async def stop(self) -> None:
        """Close sockets and stop serving."""
        await self.gateway.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT, without the API prefix."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The REST base discord.py's Route.BASE must point at."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """The websocket URL given to discord.py and sent back as resume_gateway_url."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    def now(self) -> float:
        """The emulator's clock in seconds (interaction deadlines are measured with it)."""
        return seconds(self.clock)

    # -- waiting ----------------------------------------------------------------------------

    def notify(self) -> None:
        """Wake every waiter; called whenever the emulator records something."""
        # Swapping in a fresh Event wakes current waiters without creating tasks or taking locks.
        self._changed.set()
        self._changed = asyncio.Event()

    async def announce(self, event: str, data: dict[str, Any]) -> None:
        """Dispatch a gateway event to the bot, if it has a session to hear it."""
        if self.gateway.current is not None:
            await self.gateway.dispatch(event, data)

    def publish(self, event: str, message: Any) -> None:
        """Tell listeners that the bot created or edited a message; a failing one is logged."""
        for listener in self.listeners:
            try:
                listener(event, message)
            except Exception:
                log.exception("emulator listener %r failed on %s", listener, event)

    async def wait_for(
        self, predicate: Callable[[], Any], *, wait_seconds: float = 10.0, what: str = "condition"
    ) -> Any:
        """Wait until predicate() is truthy and return it; fail loudly after `wait_seconds`.

        The predicate is re-checked only when the emulator records something, so it must read
        emulator state (requests, messages, interactions, frames), not the bot's own variables.
        """
        try:
            async with asyncio.timeout(wait_seconds):
                while not (result := predicate()):
                    await self._changed.wait()
                return result
        except TimeoutError:
            recent = "\n".join(f"  {r.route} -> {r.status}" for r in self.requests[-10:])
            raise AssertionError(
                f"timed out after {wait_seconds}s waiting for {what}; last requests:\n{recent}"
            ) from None

    async def settle(self, wait_seconds: float = 10.0) -> None:
        """Let the bot finish taking in the answers it has been sent before the next event.

        The emulator records a response before the client has read it, but discord.py only
        registers a message's view once it has; a person could never click that fast. So: wait
        until no request is being answered, then let the event loop run the client's callbacks
        (loopback data is already in its socket, so a few loop turns suffice; no time passes).
        """
        await self.wait_for(lambda: self._in_flight == 0, wait_seconds=wait_seconds, what="idle")
        for _ in range(_SETTLE_TURNS):
            await asyncio.sleep(0)

    # -- REST plumbing ----------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if not path.startswith(API_PREFIX):
            return await handler(request)
        path = path[len(API_PREFIX) :]
        payload, files = await _read_body(request)
        request[PAYLOAD], request[FILES] = payload, files
        record = RecordedRequest(
            request.method, path, dict(request.query), payload, files, at=time.monotonic()
        )
        self.requests.append(record)
        self._in_flight += 1
        self.notify()  # seen on arrival: a slow answer must not hide that the request came
        try:
            response = await self._answer(request, handler, path)
        finally:
            self._in_flight -= 1
        record.status = response.status
        self.notify()
        return response

    async def _answer(
        self, request: web.Request, handler: Handler, path: str
    ) -> web.StreamResponse:
        # A user's OAuth2 token (Login with Discord) reaches only that user's own reads.
        bearer = request.headers.get("Authorization", "").startswith("Bearer ")
        authorized = request.headers.get("Authorization") == f"Bot {self.token}"
        if not path.startswith(_TOKENLESS_PREFIXES) and not authorized and not bearer:
            return error_response(401, 0, "401: Unauthorized")
        for fault in self.faults.take(request.method, path):
            if fault.kind == "slow":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "rate_limit":
                return rate_limited(path, fault.retry_after, fault.is_global)
            else:
                message = fault.message or f"{fault.status}: emulated server error"
                return error_response(fault.status, fault.code, message)
        if bearer:
            return await self.oauth.answer_bearer(request, path)
        try:
            response = await handler(request)
        except web.HTTPNotFound:
            log.warning(
                "UNKNOWN DISCORD ROUTE %s %s: the emulator has no such route", request.method, path
            )
            return error_response(404, 0, "404: Not Found")
        except web.HTTPMethodNotAllowed:
            log.warning("UNKNOWN DISCORD ROUTE %s %s: method not emulated", request.method, path)
            return error_response(405, 0, "405: Method Not Allowed")
        _add_ratelimit_headers(response, path)
        return response


def _add_ratelimit_headers(response: web.StreamResponse, path: str) -> None:
    # Remaining stays above zero so discord.py never pre-emptively sleeps on healthy routes;
    # a route that keeps a real bucket (webhook execution) has set its own headers.
    if "X-RateLimit-Bucket" not in response.headers:
        response.headers.update(ratelimit_headers(path, remaining=4, reset_after=1.0))


async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """Parse a JSON body, or a multipart body of `payload_json` plus `files[n]` parts."""
    if not request.can_read_body:
        return None, []
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[UploadedFile] = []
        reader = await request.multipart()
        async for part in reader:
            name = part.name or ""  # type: ignore[union-attr]
            data = await part.read()  # type: ignore[union-attr]
            if name == "payload_json":
                payload = json.loads(data)
            else:
                files.append(
                    UploadedFile(
                        name,
                        part.filename or name,  # type: ignore[union-attr]
                        bytes(data),
                        part.headers.get("Content-Type", "application/octet-stream"),
                    )
                )
        return payload, files
    text = await request.text()
    return (json.loads(text) if text else None), []
