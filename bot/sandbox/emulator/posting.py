"""What every route that creates or edits a bot message shares: Discord's checks on the body,
attachments, storing (and telling the gateway), edits, and the message's wire form."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import limits
from .routing import Host
from .state import Attachment, Channel, Message
from .wire import UploadedFile, error_response, json_response


class Posting:
    """Bot messages of one emulator, however they were sent (channel, callback, follow-up)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.world = host.world

    def payload_of(self, message: Message) -> dict[str, Any]:
        """The wire form of a stored message (with interaction metadata when it has one)."""
        interaction = self.world.interactions.get(message.interaction_id or 0)
        return message.payload(self.host.base_url, interaction)

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
        self.host.publish("edit", message)

    async def store_message(
        self, message: Message, files: list[UploadedFile], payload: dict
    ) -> None:
        """Store a new message, tell the gateway, and wake waiters."""
        message.attachments = self.attachments_from(payload, files, [])
        self.world.messages[message.id] = message
        channel = self.world.channels.get(message.channel_id)
        if channel is not None:
            channel.last_message_id = message.id
        if not message.ephemeral:
            await self.host.announce("MESSAGE_CREATE", self.payload_of(message))
        self.host.notify()
        if message.author is self.world.bot:
            self.host.publish("create", message)

    async def delete(self, message: Message) -> web.Response:
        """Delete a stored message (the gateway hears MESSAGE_DELETE); Discord's 204."""
        message.deleted = True
        event = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id:
            event["guild_id"] = str(message.guild_id)
        await self.host.announce("MESSAGE_DELETE", event)
        self.host.notify()
        return web.Response(status=204)

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
