"""REST routes of the emulator for guilds: the guild, its channels, roles and members."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from .routing import Host, Routes
from .state import Guild
from .wire import error_response, json_response


class GuildRoutes:
    """Handlers for guild reads, answering 10004 Unknown Guild / 10007 Unknown Member."""

    def __init__(self, host: Host) -> None:
        self.world = host.world

    def register(self, routes: Routes) -> None:
        """Add this module's routes."""
        routes.add("GET", "/guilds/{guild_id}", self.get_guild)
        routes.add("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        routes.add("GET", "/guilds/{guild_id}/roles", self.get_roles)
        routes.add("GET", "/guilds/{guild_id}/members", self.list_members)
        routes.add("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)

    def _guild(self, request: web.Request) -> Any:
        try:
            return self.world.guild_by_id(int(request.match_info["guild_id"]))
        except KeyError:
            return None

    async def get_guild(self, request: web.Request) -> web.Response:
        """GET /guilds/{id}."""
        guild = self._guild(request)
        return (
            json_response(guild.payload()) if guild else error_response(404, 10004, "Unknown Guild")
        )

    def _listing(self, request: web.Request, items: Callable[[Guild], list[Any]]) -> web.Response:
        """A guild's channels, roles or members as Discord lists them."""
        guild = self._guild(request)
        if guild is None:
            return error_response(404, 10004, "Unknown Guild")
        return json_response([item.payload() for item in items(guild)])

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        """GET /guilds/{id}/channels."""
        return self._listing(request, lambda guild: guild.channels)

    async def get_roles(self, request: web.Request) -> web.Response:
        """GET /guilds/{id}/roles."""
        return self._listing(request, lambda guild: guild.roles)

    async def list_members(self, request: web.Request) -> web.Response:
        """GET /guilds/{id}/members."""
        return self._listing(request, lambda guild: guild.members)

    async def get_member(self, request: web.Request) -> web.Response:
        """GET /guilds/{id}/members/{user_id}."""
        guild = self._guild(request)
        if guild is None:
            return error_response(404, 10004, "Unknown Guild")
        member = guild.member(int(request.match_info["user_id"]))
        if member is None:
            return error_response(404, 10007, "Unknown Member")
        return json_response(member.payload())
