"""REST routes of the emulator for channel webhooks: create and list a channel's webhooks (Manage
Webhooks), get and delete one, execute one (`?wait=true` returns the message; `thread_id`
posts in a thread of its channel, `thread_name` opens a forum post) and get, edit or delete
the messages it posted.

`/webhooks/{id}/{token}` is also where an interaction's follow-ups go (interactions.py): these
handlers claim the requests whose id is not the application's. Discord's answers: 10015
Unknown Webhook, 10008 Unknown Message, 10003 Unknown Channel, 30007 at 15 webhooks in a
channel, 50013 without Manage Webhooks, 220001 for a forum message without a post, 50035 for
a bad name, username or avatar URL or a message over Discord's limits, and 429 past the
webhook's rate limit (see hooks.py for the rules).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from . import limits
from .hooks import WEBHOOKS_PER_CHANNEL, Webhook, name_problem
from .posting import Posting
from .routing import Host, Routes
from .state import FORUM_CHANNEL, MANAGE_WEBHOOKS, PUBLIC_THREAD, TEXT_CHANNEL, Channel, Message
from .wire import FILES, PAYLOAD, error_response, json_response, rate_limited, ratelimit_headers

AVATAR_URL_MAX = 2048
_HOOK = "/webhooks/{app_id}/{token}"


def unknown_webhook() -> web.Response:
    """Discord's 404 for a webhook id (or token) it does not know."""
    return error_response(404, 10015, "Unknown Webhook")


def _form_error(field: str, message: str, code: str = "BASE_TYPE_BAD_LENGTH") -> web.Response:
    errors = limits.FormErrors()
    errors.add([field], code, message)
    return json_response(errors.body(), status=400)


class WebhookRoutes:
    """Handlers for channel webhooks and the messages they post."""

    def __init__(self, host: Host, posting: Posting) -> None:
        self.host = host
        self.world = host.world
        self.posting = posting

    def register(self, routes: Routes) -> None:
        """Add this module's routes (sharing `/webhooks/{id}/{token}` with follow-ups)."""
        routes.add("POST", "/channels/{channel_id}/webhooks", self.create)
        routes.add("GET", "/channels/{channel_id}/webhooks", self.list_channel)
        routes.add("GET", "/webhooks/{webhook_id}", self.get)
        routes.add("DELETE", "/webhooks/{webhook_id}", self.delete)
        mine = self._channel_webhook_request
        routes.add("GET", _HOOK, self.get_with_token, claims=mine)
        routes.add("DELETE", _HOOK, self.delete_with_token, claims=mine)
        routes.add("POST", _HOOK, self.execute, claims=mine)
        for method, handler in (
            ("GET", self.get_message),
            ("PATCH", self.edit_message),
            ("DELETE", self.delete_message),
        ):
            routes.add(method, _HOOK + "/messages/{message_id}", handler, claims=mine)

    def _channel_webhook_request(self, request: web.Request) -> bool:
        """Not the application's id: a channel webhook's (interaction follow-ups are the rest)."""
        return request.match_info["app_id"] != str(self.world.bot.id)

    # -- managing webhooks (the bot's token) ----------------------------------------------------

    def _may_manage(self, channel: Channel) -> bool:
        guild = self.world.guild_by_id(channel.guild_id or 0)
        return bool(guild.permissions_of(self.world.bot.id) & MANAGE_WEBHOOKS)

    def _channel(self, request: web.Request) -> Channel | None:
        channel = self.world.channels.get(int(request.match_info["channel_id"]))
        return channel if channel is not None and channel.guild_id is not None else None

    async def create(self, request: web.Request) -> web.Response:
        """POST /channels/{id}/webhooks: a new webhook named `name` (Manage Webhooks)."""
        channel = self._channel(request)
        if channel is None:
            return error_response(404, 10003, "Unknown Channel")
        if channel.type not in (TEXT_CHANNEL, FORUM_CHANNEL):
            return error_response(400, 50024, "Cannot execute action on this channel type")
        if not self._may_manage(channel):
            return error_response(403, 50013, "Missing Permissions")
        body = request[PAYLOAD] or {}
        problem = name_problem(body.get("name"))
        if problem is not None:
            return _form_error("name", problem)
        if len(self.world.channel_webhooks(channel.id)) >= WEBHOOKS_PER_CHANNEL:
            return error_response(
                400, 30007, f"Maximum number of webhooks reached ({WEBHOOKS_PER_CHANNEL})"
            )
        webhook = self.world.add_webhook(channel, body["name"], self.world.bot)
        if body.get("avatar"):
            webhook.avatar = f"{abs(hash(body['avatar'])):032x}"[:32]
        await self._updated(webhook)
        return json_response(webhook.payload())

    async def list_channel(self, request: web.Request) -> web.Response:
        """GET /channels/{id}/webhooks (Manage Webhooks)."""
        channel = self._channel(request)
        if channel is None:
            return error_response(404, 10003, "Unknown Channel")
        if not self._may_manage(channel):
            return error_response(403, 50013, "Missing Permissions")
        return json_response([w.payload() for w in self.world.channel_webhooks(channel.id)])

    async def get(self, request: web.Request) -> web.Response:
        """GET /webhooks/{id}."""
        webhook = self.world.webhooks.get(int(request.match_info["webhook_id"]))
        return json_response(webhook.payload()) if webhook else unknown_webhook()

    async def delete(self, request: web.Request) -> web.Response:
        """DELETE /webhooks/{id} (Manage Webhooks)."""
        webhook = self.world.webhooks.get(int(request.match_info["webhook_id"]))
        if webhook is None:
            return unknown_webhook()
        if not self._may_manage(self.world.channels[webhook.channel_id]):
            return error_response(403, 50013, "Missing Permissions")
        return await self._remove(webhook)

    async def _remove(self, webhook: Webhook) -> web.Response:
        del self.world.webhooks[webhook.id]
        await self._updated(webhook)
        return web.Response(status=204)

    async def _updated(self, webhook: Webhook) -> None:
        event = {"guild_id": str(webhook.guild_id), "channel_id": str(webhook.channel_id)}
        await self.host.announce("WEBHOOKS_UPDATE", event)
        self.host.notify()

    # -- using a webhook (its token) ----------------------------------------------------------

    def _by_token(self, request: web.Request) -> Webhook | None:
        try:
            webhook = self.world.webhooks.get(int(request.match_info["app_id"]))
        except ValueError:
            return None
        if webhook is None or webhook.token != request.match_info["token"]:
            return None
        return webhook

    async def get_with_token(self, request: web.Request) -> web.Response:
        """GET /webhooks/{id}/{token} (without the user, as Discord answers it)."""
        webhook = self._by_token(request)
        if webhook is None:
            return unknown_webhook()
        data = webhook.payload()
        del data["user"]
        return json_response(data)

    async def delete_with_token(self, request: web.Request) -> web.Response:
        """DELETE /webhooks/{id}/{token}."""
        webhook = self._by_token(request)
        return await self._remove(webhook) if webhook else unknown_webhook()

    def _thread(self, request: web.Request, webhook: Webhook) -> Channel | web.Response | None:
        """The thread `thread_id` names (in the webhook's channel), None without one."""
        wanted = request.query.get("thread_id")
        if not wanted:
            return None
        thread = self.world.channels.get(int(wanted)) if wanted.isdigit() else None
        if thread is None or thread.type != PUBLIC_THREAD or thread.parent_id != webhook.channel_id:
            return error_response(404, 10003, "Unknown Channel")
        return thread

    def _problem(self, payload: dict[str, Any], files: list[Any]) -> web.Response | None:
        """Discord's 400 for a bad username, avatar URL or message body."""
        if "username" in payload and payload["username"] is not None:
            problem = name_problem(payload["username"])
            if problem is not None:
                return _form_error("username", problem)
        avatar = payload.get("avatar_url")
        if avatar is not None:
            parts = urlsplit(str(avatar))
            if len(str(avatar)) > AVATAR_URL_MAX or parts.scheme not in ("http", "https"):
                return _form_error("avatar_url", "Not a well formed URL.", "URL_TYPE_INVALID_URL")
        return self.posting.validate(payload, files, path=[], new=True)

    async def execute(self, request: web.Request) -> web.StreamResponse:
        """POST /webhooks/{id}/{token}: post as the webhook (`wait` returns the message)."""
        webhook = self._by_token(request)
        if webhook is None:
            return unknown_webhook()
        path = request.path
        now = time.monotonic()
        if not webhook.bucket.take(now):
            return rate_limited(path, webhook.bucket.reset_after(now), False)
        payload, files = request[PAYLOAD] or {}, request[FILES]
        rejected = self._problem(payload, files)
        if rejected is not None:
            return rejected
        target = self._thread(request, webhook)
        if isinstance(target, web.Response):
            return target
        opened = None
        if target is None:
            home = self.world.channels.get(webhook.channel_id)
            if home is None:
                return unknown_webhook()
            target = home
            if home.type == FORUM_CHANNEL:
                opened = await self._open_post(home, webhook, payload)
                if isinstance(opened, web.Response):
                    return opened
                target = opened
        message = self.posting.new_message(target, payload, kind="webhook")
        message.author = webhook.author(payload.get("username"))
        message.webhook_id = webhook.id
        message.avatar_url = payload.get("avatar_url")
        if opened is not None:
            message.id = opened.id  # a forum post's starter message shares the post's id
        await self.posting.store_message(message, files, payload)
        headers = ratelimit_headers(
            path,
            remaining=webhook.bucket.remaining(now),
            reset_after=webhook.bucket.reset_after(now),
            limit=webhook.bucket.limit,
        )
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(self.posting.payload_of(message), headers=headers)
        return web.Response(status=204, headers=headers)

    async def _open_post(
        self, forum: Channel, webhook: Webhook, payload: dict[str, Any]
    ) -> Channel | web.Response:
        """A forum post opened by the webhook, named `thread_name`."""
        name = payload.get("thread_name") or ""
        if not name:
            return error_response(
                400,
                220001,
                "Webhooks posted to forum channels must have a thread_name or thread_id",
            )
        if len(name) > 100:
            return _form_error("thread_name", "Must be between 1 and 100 in length.")
        thread = self.world.add_thread(forum, name, webhook.author(None))
        await self.host.announce("THREAD_CREATE", {**thread.payload(), "newly_created": True})
        return thread

    # -- the webhook's messages ------------------------------------------------------------------

    def _message(self, request: web.Request) -> tuple[Webhook, Message] | web.Response:
        webhook = self._by_token(request)
        if webhook is None:
            return unknown_webhook()
        raw = request.match_info["message_id"]
        message = self.world.messages.get(int(raw)) if raw.isdigit() else None
        thread = request.query.get("thread_id")
        if (
            message is None
            or message.deleted
            or message.webhook_id != webhook.id
            or (thread is not None and str(message.channel_id) != thread)
        ):
            return error_response(404, 10008, "Unknown Message")
        return webhook, message

    async def get_message(self, request: web.Request) -> web.Response:
        """GET /webhooks/{id}/{token}/messages/{id}."""
        found = self._message(request)
        if isinstance(found, web.Response):
            return found
        return json_response(self.posting.payload_of(found[1]))

    async def edit_message(self, request: web.Request) -> web.Response:
        """PATCH /webhooks/{id}/{token}/messages/{id}."""
        found = self._message(request)
        if isinstance(found, web.Response):
            return found
        _, message = found
        payload, files = request[PAYLOAD] or {}, request[FILES]
        rejected = self.posting.validate(payload, files, path=[], new=False)
        if rejected is not None:
            return rejected
        self.posting.apply_edit(message, payload, files)
        self.host.notify()
        return json_response(self.posting.payload_of(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        """DELETE /webhooks/{id}/{token}/messages/{id}."""
        found = self._message(request)
        if isinstance(found, web.Response):
            return found
        return await self.posting.delete(found[1])
