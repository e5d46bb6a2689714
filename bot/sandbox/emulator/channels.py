"""REST routes of the emulator for channels: messages, threads and forum posts, attachments.

Login, the application, DMs and command sync are in `application.py`, guilds in `guilds.py`,
interaction callbacks and webhook follow-ups in `interactions.py`; what they share about bot
messages in `posting.py`. Each handler answers the way Discord does, including its error codes
(10003 Unknown Channel, 10008 Unknown Message, ...).
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from . import limits
from .posting import Posting
from .routing import Host, Routes
from .state import FORUM_CHANNEL, Channel, Message
from .wire import FILES, PAYLOAD, error_response, json_response

# How long Discord remembers a message's nonce (with enforce_nonce), in real seconds: "a few
# minutes" in its documentation.
NONCE_WINDOW = 300.0


def unknown_channel() -> web.Response:
    """Discord's 404 for a channel id it does not know."""
    return error_response(404, 10003, "Unknown Channel")


def unknown_message() -> web.Response:
    """Discord's 404 for a message id it does not know."""
    return error_response(404, 10008, "Unknown Message")


class ChannelRoutes:
    """Handlers for channels, their messages and threads, and attachment downloads."""

    def __init__(self, host: Host, posting: Posting) -> None:
        self.host = host
        self.world = host.world
        self.posting = posting

    def register(self, routes: Routes) -> None:
        """Add this module's routes (and the attachment download, outside the API)."""
        table: list[tuple[str, str, Any]] = [
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("GET", "/channels/{channel_id}/messages", self.list_messages),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message),
            ("POST", "/channels/{channel_id}/typing", self.no_content),
            ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
             self.no_content),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
             self.no_content),
            ("POST", "/channels/{channel_id}/threads", self.create_thread),
            ("POST", "/channels/{channel_id}/messages/{message_id}/threads", self.create_thread),
        ]  # fmt: skip
        for method, path, handler in table:
            routes.add(method, path, handler)
        routes.add(
            "GET",
            "/attachments/{channel_id}/{attachment_id}/{filename}",
            self.download,
            under_api=False,
        )

    # -- channels and messages --------------------------------------------------------------

    def _channel(self, request: web.Request) -> Channel | None:
        return self.world.channels.get(int(request.match_info["channel_id"]))

    def _message(self, request: web.Request) -> Message | None:
        message = self.world.messages.get(int(request.match_info["message_id"]))
        if message is None or message.deleted or message.ephemeral:
            return None
        if message.channel_id != int(request.match_info["channel_id"]):
            return None
        return message

    async def get_channel(self, request: web.Request) -> web.Response:
        """GET /channels/{id}."""
        channel = self._channel(request)
        return json_response(channel.payload()) if channel else unknown_channel()

    async def list_messages(self, request: web.Request) -> web.Response:
        """GET /channels/{id}/messages (newest first, `limit` honoured)."""
        channel = self._channel(request)
        if channel is None:
            return unknown_channel()
        limit = int(request.query.get("limit", 50))
        found = list(reversed(self.world.channel_messages(channel.id)))[:limit]
        return json_response([self.posting.payload_of(m) for m in found])

    async def create_message(self, request: web.Request) -> web.Response:
        """POST /channels/{id}/messages (JSON or multipart with files)."""
        channel = self._channel(request)
        if channel is None:
            return unknown_channel()
        if channel.type == FORUM_CHANNEL:
            return error_response(400, 50008, "Cannot send messages in a non-text channel")
        payload, files = request[PAYLOAD] or {}, request[FILES]
        rejected = self.posting.validate(payload, files, path=[], new=True)
        if rejected is not None:
            return rejected
        nonce = (channel.id, str(payload.get("nonce"))) if payload.get("enforce_nonce") else None
        sent = self.world.nonces.get(nonce) if nonce else None
        if sent is not None and time.monotonic() - sent[1] < NONCE_WINDOW:
            # Discord answers a repeated nonce with the message it already created.
            return json_response(self.posting.payload_of(sent[0]))
        message = self.posting.new_message(channel, payload)
        await self.posting.store_message(message, files, payload)
        if nonce:
            self.world.nonces[nonce] = (message, time.monotonic())
        return json_response(self.posting.payload_of(message))

    async def get_message(self, request: web.Request) -> web.Response:
        """GET /channels/{id}/messages/{id}."""
        message = self._message(request)
        return json_response(self.posting.payload_of(message)) if message else unknown_message()

    async def edit_message(self, request: web.Request) -> web.Response:
        """PATCH /channels/{id}/messages/{id}: only the bot's own messages."""
        message = self._message(request)
        if message is None:
            return unknown_message()
        if message.author.id != self.world.bot.id:
            return error_response(403, 50005, "Cannot edit a message authored by another user")
        payload, files = request[PAYLOAD] or {}, request[FILES]
        rejected = self.posting.validate(payload, files, path=[], new=False)
        if rejected is not None:
            return rejected
        self.posting.apply_edit(message, payload, files)
        self.host.notify()
        return json_response(self.posting.payload_of(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        """DELETE /channels/{id}/messages/{id}."""
        message = self._message(request)
        if message is None:
            return unknown_message()
        return await self.posting.delete(message)

    async def no_content(self, request: web.Request) -> web.Response:
        """Typing indicators and reactions: accepted, nothing to store."""
        return web.Response(status=204)

    async def create_thread(self, request: web.Request) -> web.Response:
        """POST /channels/{id}/threads (forum post or thread) and .../messages/{id}/threads."""
        parent = self._channel(request)
        if parent is None or parent.guild_id is None:
            return unknown_channel()
        body = request[PAYLOAD] or {}
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            errors = limits.FormErrors()
            errors.add(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
            return json_response(errors.body(), status=400)
        thread = self.world.add_thread(parent, name, self.world.bot)
        data = thread.payload()
        if parent.type == FORUM_CHANNEL:
            starter = body.get("message") or {}
            files = request[FILES]
            rejected = self.posting.validate(starter, files, path=["message"], new=True)
            if rejected is not None:
                return rejected
            # A forum post's starter message shares the thread's id, as on Discord.
            message = self.posting.new_message(thread, starter)
            message.id = thread.id
            await self._announce_thread(data)
            await self.posting.store_message(message, files, starter)
            data["message"] = self.posting.payload_of(message)
        else:
            await self._announce_thread(data)
        self.host.notify()
        return json_response(data, status=201)

    async def _announce_thread(self, data: dict[str, Any]) -> None:
        await self.host.announce("THREAD_CREATE", {**data, "newly_created": True})

    async def download(self, request: web.Request) -> web.Response:
        """Serve an attachment's bytes (stands in for the CDN)."""
        attachment_id = int(request.match_info["attachment_id"])
        upload = self.world.uploads.get(attachment_id)
        if upload is not None:
            return web.Response(body=upload.data, content_type=upload.content_type)
        for message in self.world.messages.values():
            for attachment in message.attachments:
                if attachment.id == attachment_id:
                    return web.Response(body=attachment.data, content_type=attachment.content_type)
        return error_response(404, 0, "404: Not Found")
