"""The one place that points the unmodified discord.py client at the loopback emulator.

discord.py reads two process-wide settings that decide where it connects:

- `discord.http.Route.BASE`: read whenever a `Route` is built, so it redirects every REST call,
  including interaction callbacks, follow-ups and webhook edits (they use the same `Route`).
- `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`: the websocket URL `Client.connect` opens.
  Resumes use READY's `resume_gateway_url`, which the emulator sets to itself.

`pointed_at(api_url, gateway_url)` sets both and restores them on exit. Nothing else of
discord.py is patched. Because the settings are process-wide, only one emulator may be pointed
at per process at a time (pytest-xdist workers are separate processes, so they are fine).
The CDN (`Asset.read`) is not redirected: tests must not read avatars or icons.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


@contextmanager
def pointed_at(api_url: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py's REST base and gateway URL at an emulator for the duration."""
    if not api_url.startswith("http://127.0.0.1:") or not gateway_url.startswith("ws://127.0.0.1:"):
        # The seam exists for loopback emulation only; refuse anything that could leave the host.
        raise ValueError("the sandbox seam only points at 127.0.0.1")
    saved_base, saved_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE = saved_base
        DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway
