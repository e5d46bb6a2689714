"""Serving the web application on a host and port, inside the bot's process or on its own
(`python -m bot web`), until the block ends."""

from __future__ import annotations

import dataclasses
import logging
import socket
from types import TracebackType

from aiohttp import web

from bot.errors import ConfigError
from bot.web.app import create_app
from bot.web.context import WebContext

log = logging.getLogger(__name__)


def local_base_url(host: str, port: int) -> str:
    """http://host:port, the site's address when WEB_BASE_URL does not say another."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class WebServer:
    """`async with WebServer(context, host=..., port=...) as server:` serves the site; port 0
    takes any free port; `sock`, a socket already listening (handed over by the bot that
    started this process), is served instead. `server.base_url` is where browsers reach it
    (WEB_BASE_URL when set, else http://host:port), and the OAuth2 redirect URL is built on it."""

    def __init__(
        self,
        context: WebContext,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        sock: socket.socket | None = None,
    ) -> None:
        self.context = context
        self.host = host
        self.port = port
        self.sock = sock
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """Where browsers reach the site."""
        return self.context.options.base_url

    async def __aenter__(self) -> WebServer:
        self._runner = web.AppRunner(create_app(self.context), access_log=None)
        await self._runner.setup()
        site: web.BaseSite
        if self.sock is not None:
            self.host, self.port = self.sock.getsockname()[:2]
            site = web.SockSite(self._runner, self.sock)
        else:
            site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise ConfigError(
                f"cannot serve the web on {self.host}:{self.port} ({exc.strerror or exc}); "
                "set WEB_PORT to a free port, or WEB_PORT=off"
            ) from None
        if isinstance(site, web.TCPSite):
            self.port = self._bound_port(site)
        if not self.context.options.base_url:
            if self.host not in {"127.0.0.1", "localhost", "::1"}:
                log.warning(
                    "the web listens on %s without WEB_BASE_URL: sign-in redirects and form "
                    "checks use http://%s:%s, which browsers elsewhere may not reach",
                    self.host,
                    self.host,
                    self.port,
                )
            options = dataclasses.replace(
                self.context.options, base_url=local_base_url(self.host, self.port)
            )
            self.context.options = options
        log.info("web newsroom on %s", self.base_url)
        return self

    @staticmethod
    def _bound_port(site: web.TCPSite) -> int:
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        return int(sockets[0].getsockname()[1]) if sockets else site._port

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
