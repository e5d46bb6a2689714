"""REST routes of the emulator for the bot's account: login, application, gateway, DMs, commands."""

from __future__ import annotations

from aiohttp import web

from . import limits
from .routing import Host, Routes
from .wire import PAYLOAD, error_response, json_response


class ApplicationRoutes:
    """Handlers for the bot user, its application, the gateway URL, DMs and command sync."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.world = host.world

    def register(self, routes: Routes) -> None:
        """Add this module's routes."""
        routes.add("GET", "/users/@me", self.get_me)
        routes.add("GET", "/users/{user_id}", self.get_user)
        routes.add("POST", "/users/@me/channels", self.create_dm)
        routes.add("GET", "/oauth2/applications/@me", self.get_application)
        routes.add("GET", "/applications/@me", self.get_application)
        routes.add("GET", "/gateway", self.get_gateway)
        routes.add("GET", "/gateway/bot", self.get_gateway)
        routes.add("GET", "/applications/{app_id}/commands", self.get_commands)
        routes.add("PUT", "/applications/{app_id}/commands", self.put_commands)
        routes.add("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self.get_commands)
        routes.add("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self.put_commands)

    # -- login and application --------------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        """GET /users/@me."""
        return json_response({**self.world.bot.payload(), "verified": True, "mfa_enabled": False})

    async def get_user(self, request: web.Request) -> web.Response:
        """GET /users/{id}."""
        user = self.world.users.get(int(request.match_info["user_id"]))
        return json_response(user.payload()) if user else error_response(404, 10013, "Unknown User")

    async def get_application(self, request: web.Request) -> web.Response:
        """GET /oauth2/applications/@me."""
        bot = self.world.bot
        return json_response(
            {
                "id": str(bot.id),
                "name": bot.username,
                "description": "Newsdesk (emulated)",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": self.world.owner.payload(),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "bot": bot.payload(),
            }
        )

    async def get_gateway(self, request: web.Request) -> web.Response:
        """GET /gateway and /gateway/bot."""
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response(
            {
                "url": self.host.gateway_url,
                "shards": self.host.shard_count,
                "session_start_limit": limit,
            }
        )

    async def create_dm(self, request: web.Request) -> web.Response:
        """POST /users/@me/channels: open the DM channel with a user."""
        user = self.world.users.get(int((request[PAYLOAD] or {}).get("recipient_id", 0)))
        if user is None:
            return error_response(404, 10013, "Unknown User")
        return json_response(self.world.dm_channel(user).payload())

    # -- command sync -----------------------------------------------------------------------

    def _scope(self, request: web.Request) -> int | None:
        guild_id = request.match_info.get("guild_id")
        return int(guild_id) if guild_id else None

    async def get_commands(self, request: web.Request) -> web.Response:
        """GET application commands (global or guild)."""
        return json_response(self.world.commands.get(self._scope(request), []))

    async def put_commands(self, request: web.Request) -> web.Response:
        """PUT (bulk overwrite) application commands (global or guild)."""
        body = request[PAYLOAD] or []
        errors = limits.FormErrors()
        limits.check_commands(errors, body)
        if errors:
            return json_response(errors.body(), status=400)
        scope = self._scope(request)
        known = {c["name"]: c["id"] for c in self.world.commands.get(scope, [])}
        synced = []
        for command in body:
            synced.append(
                {
                    "type": 1,
                    "description": "",
                    "options": [],
                    "default_member_permissions": None,
                    "dm_permission": True,
                    "nsfw": False,
                    **command,
                    # Discord keeps a command's id across syncs when its name is unchanged.
                    "id": known.get(command["name"], str(self.world.ids.next())),
                    "application_id": str(self.world.bot.id),
                    "version": str(self.world.ids.next()),
                    **({"guild_id": str(scope)} if scope else {}),
                }
            )
        self.world.commands[scope] = synced
        return json_response(synced)
