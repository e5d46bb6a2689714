"""How REST routes plug into the emulator: each route module adds its handlers to a `Routes`
table, which the server mounts; handlers see the emulator only through `Host`, so no route
module imports the server."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from .world import World

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Host(Protocol):
    """What routes and the gateway use of the emulator that serves them."""

    world: World
    token: str
    shard_count: int

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT, without the API prefix."""
        ...

    @property
    def gateway_url(self) -> str:
        """The websocket URL given to discord.py and sent back as resume_gateway_url."""
        ...

    def now(self) -> float:
        """The emulator's clock in seconds (interaction deadlines are measured with it)."""
        ...

    def notify(self) -> None:
        """Wake every waiter: something was recorded."""
        ...

    def publish(self, event: str, message: Any) -> None:
        """Tell listeners that the bot created ("create") or edited ("edit") a message."""
        ...

    async def announce(self, event: str, data: dict[str, Any]) -> None:
        """Dispatch a gateway event to the bot, if it has a session to hear it."""
        ...


@dataclass
class Routes:
    """The (method, path, handler) table of one emulator: `api` routes are served under the
    API prefix, `outside` ones as they are (attachment downloads stand in for the CDN)."""

    api: list[tuple[str, str, Handler]] = field(default_factory=list)
    outside: list[tuple[str, str, Handler]] = field(default_factory=list)

    def add(self, method: str, path: str, handler: Handler, *, under_api: bool = True) -> None:
        """Serve `handler` for `method path` (a path relative to the API prefix by default)."""
        (self.api if under_api else self.outside).append((method, path, handler))

    def mount(self, router: web.UrlDispatcher, api_prefix: str) -> None:
        """Add every route to an aiohttp router."""
        for method, path, handler in self.api:
            router.add_route(method, api_prefix + path, handler)
        for method, path, handler in self.outside:
            router.add_route(method, path, handler)
