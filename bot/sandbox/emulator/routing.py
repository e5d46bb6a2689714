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
# Whether a handler takes a request its route shares with another module's handler.
Claim = Callable[[web.Request], bool]


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
    API prefix, `outside` ones as they are (attachment downloads stand in for the CDN).

    Two modules may serve one path shape when Discord does: `/webhooks/{id}/{token}` is an
    interaction's follow-up when the id is the application's, else a channel webhook. Each
    says which requests it `claims`; a request goes to the first that claims it (a handler
    added without `claims` takes whatever the others leave)."""

    api: dict[tuple[str, str], list[tuple[Handler, Claim | None]]] = field(default_factory=dict)
    outside: list[tuple[str, str, Handler]] = field(default_factory=list)

    def add(
        self,
        method: str,
        path: str,
        handler: Handler,
        *,
        under_api: bool = True,
        claims: Claim | None = None,
    ) -> None:
        """Serve `handler` for `method path` (a path relative to the API prefix by default),
        for the requests it `claims` when the path is shared."""
        if not under_api:
            self.outside.append((method, path, handler))
            return
        self.api.setdefault((method, path), []).append((handler, claims))

    def mount(self, router: web.UrlDispatcher, api_prefix: str) -> None:
        """Add every route to an aiohttp router."""
        for (method, path), handlers in self.api.items():
            router.add_route(method, api_prefix + path, _first_claiming(handlers))
        for method, path, handler in self.outside:
            router.add_route(method, path, handler)


def _first_claiming(handlers: list[tuple[Handler, Claim | None]]) -> Handler:
    """One handler for a path: the only one, or a dispatch to the first that claims."""
    if len(handlers) == 1:
        return handlers[0][0]
    ordered = sorted(handlers, key=lambda pair: pair[1] is None)  # catch-alls last

    async def dispatch(request: web.Request) -> web.StreamResponse:
        for handler, claims in ordered:
            if claims is None or claims(request):
                return await handler(request)
        raise web.HTTPNotFound()

    return dispatch
