"""REST routes of the emulator: channels, messages and threads, plus the helpers other routes use.

Login, the application, DMs and command sync are in `application.py`, guilds in `guilds.py`,
interaction callbacks and webhook follow-ups in `interactions.py`. Each handler answers the
way Discord does, including its error codes (10003 Unknown Channel, 10008 Unknown Message, ...).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import limits
from .application import ApplicationRoutes
from .guilds import GuildRoutes
from .interactions import InteractionRoutes
from .server import FILES, PAYLOAD, UploadedFile, error_response, json_response
from .state import FORUM_CHANNEL, Attachment, Channel, Message

if TYPE_CHECKING:
    from .server import FILES, PAYLOAD, Emulator


# How long Discord remembers a message's nonce (with enforce_nonce), in real seconds: "a few
# minutes" in its documentation.
NONCE_WINDOW = 300.0


def unknown_channel() -> web.Response:
    """Discord's 404 for a channel id it does not know."""
    return error_response(404, 10003, "Unknown Channel")


def unknown_message() -> web.Response:
    """Discord's 404 for a message id it does not know."""
    return error_response(404, 10008, "Unknown Message")


class Rest:
    """The REST handlers of one emulator."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.world = emu.world
        self.application = ApplicationRoutes(self)
        self.guilds = GuildRoutes(self)
        self.interactions = InteractionRoutes(self)

    def register(self, router: web.UrlDispatcher, prefix: str) -> None:
        """Add every route under `prefix` (plus the attachment download route)."""
        routes: list[tuple[str, str, Any]] = [
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
        routes += self.application.routes()
        routes += self.guilds.routes()
        routes += self.interactions.routes()
        for method, path, handler in routes:
            router.add_route(method, prefix + path, handler)
        router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self.download)

    # -- shared helpers ---------------------------------------------------------------------

    def payload_of(self, message: Message) -> dict[str, Any]:
        """The wire form of a stored message (with interaction metadata when it has one)."""
        interaction = self.world.interactions.get(message.interaction_id or 0)
        return message.payload(self.emu.base_url, interaction)

    def validate(
        self,
        payload: dict[str, Any],
        files: list[UploadedFile],
        *,
        path: list[str | int],
        new: bool,
    ) -> web.Response | None:
        """Return Discord's 400 answer for an invalid message body, or None if valid."""
        if new and limits.is_empty_message(payload, bool(files)):
            return error_response(400, 50006, "Cannot send an empty message")
        errors = limits.FormErrors()
        limits.check_message(errors, path, payload)
        return json_response(errors.body(), status=400) if errors else None

    def attachments_from(
        self, payload: dict[str, Any], files: list[UploadedFile], keep: list[Attachment]
    ) -> list[Attachment]:
        """Attachments after a create/edit: kept ones named in `attachments`, plus new files."""
        if "attachments" in payload:
            wanted = {str(a.get("id")) for a in payload.get("attachments") or []}
            kept = [a for a in keep if str(a.id) in wanted]
        else:
            kept = list(keep)
        new = [Attachment(self.world.ids.next(), f.filename, f.data, f.content_type) for f in files]
        return kept + new

    def apply_edit(
        self, message: Message, payload: dict[str, Any], files: list[UploadedFile]
    ) -> None:
        """Apply a PATCH body to a stored message."""
        if "content" in payload:
            message.content = payload["content"] or ""
        if "embeds" in payload:
            message.embeds = payload["embeds"] or []
        if "components" in payload:
            message.components = payload["components"] or []
        if "flags" in payload and payload["flags"] is not None:
            # Ephemerality cannot change after sending; other flags may.
            message.flags = (int(payload["flags"]) & ~64) | (message.flags & 64)
        message.attachments = self.attachments_from(payload, files, message.attachments)
        message.edits += 1
        self.emu.publish("edit", message)

    async def store_message(
        self, message: Message, files: list[UploadedFile], payload: dict
    ) -> None:
        """Store a new message, tell the gateway, and wake waiters."""
        message.attachments = self.attachments_from(payload, files, [])
        self.world.messages[message.id] = message
        channel = self.world.channels.get(message.channel_id)
        if channel is not None:
            channel.last_message_id = message.id
        if not message.ephemeral and self.emu.gateway.current is not None:
            await self.emu.gateway.dispatch("MESSAGE_CREATE", self.payload_of(message))
        self.emu.notify()
        if message.author is self.world.bot:
            self.emu.publish("create", message)

    def new_message(self, channel: Channel, payload: dict[str, Any], **extra: Any) -> Message:
        """Build (not store) a bot message from a create body."""
        reference = (payload.get("message_reference") or {}).get("message_id")
        return Message(
            id=self.world.ids.next(),
            channel_id=channel.id,
            author=self.world.bot,
            content=payload.get("content") or "",
            embeds=payload.get("embeds") or [],
            components=payload.get("components") or [],
            flags=int(payload.get("flags") or 0),
            guild_id=channel.guild_id,
            reference_id=int(reference) if reference else None,
            **extra,
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
        return json_response([self.payload_of(m) for m in found])

    async def create_message(self, request: web.Request) -> web.Response:
        """POST /channels/{id}/messages (JSON or multipart with files)."""
        channel = self._channel(request)
        if channel is None:
            return unknown_channel()
        if channel.type == FORUM_CHANNEL:
            return error_response(400, 50008, "Cannot send messages in a non-text channel")
        payload, files = request[PAYLOAD] or {}, request[FILES]
        rejected = self.validate(payload, files, path=[], new=True)
        if rejected is not None:
            return rejected
        nonce = (channel.id, str(payload.get("nonce"))) if payload.get("enforce_nonce") else None
        sent = self.world.nonces.get(nonce) if nonce else None
        if sent is not None and time.monotonic() - sent[1] < NONCE_WINDOW:
            # Discord answers a repeated nonce with the message it already created.
            return json_response(self.payload_of(sent[0]))
        message = self.new_message(channel, payload)
        await self.store_message(message, files, payload)
        if nonce:
            self.world.nonces[nonce] = (message, time.monotonic())
        return json_response(self.payload_of(message))

    async def get_message(self, request: web.Request) -> web.Response:
        """GET /channels/{id}/messages/{id}."""
        message = self._message(request)
        return json_response(self.payload_of(message)) if message else unknown_message()

    async def edit_message(self, request: web.Request) -> web.Response:
        """PATCH /channels/{id}/messages/{id}: only the bot's own messages."""
        message = self._message(request)
        if message is None:
            return unknown_message()
        if message.author.id != self.world.bot.id:
            return error_response(403, 50005, "Cannot edit a message authored by another user")
        payload, files = request[PAYLOAD] or {}, request[FILES]
        rejected = self.validate(payload, files, path=[], new=False)
        if rejected is not None:
            return rejected
        self.apply_edit(message, payload, files)
        self.emu.notify()
        return json_response(self.payload_of(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        """DELETE /channels/{id}/messages/{id}."""
        message = self._message(request)
        if message is None:
            return unknown_message()
        message.deleted = True
        if self.emu.gateway.current is not None:
            event = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id:
                event["guild_id"] = str(message.guild_id)
            await self.emu.gateway.dispatch("MESSAGE_DELETE", event)
        self.emu.notify()
        return web.Response(status=204)

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
            rejected = self.validate(starter, files, path=["message"], new=True)
            if rejected is not None:
                return rejected
            # A forum post's starter message shares the thread's id, as on Discord.
            message = self.new_message(thread, starter)
            message.id = thread.id
            await self._announce_thread(data)
            await self.store_message(message, files, starter)
            data["message"] = self.payload_of(message)
        else:
            await self._announce_thread(data)
        self.emu.notify()
        return json_response(data, status=201)

    async def _announce_thread(self, data: dict[str, Any]) -> None:
        if self.emu.gateway.current is not None:
            await self.emu.gateway.dispatch("THREAD_CREATE", {**data, "newly_created": True})

    async def download(self, request: web.Request) -> web.Response:
        """Serve an attachment's bytes (stands in for the CDN)."""
        attachment_id = int(request.match_info["attachment_id"])
        for message in self.world.messages.values():
            for attachment in message.attachments:
                if attachment.id == attachment_id:
                    return web.Response(body=attachment.data, content_type=attachment.content_type)
        return error_response(404, 0, "404: Not Found")
