"""Interaction callbacks and webhook follow-ups, with Discord's deadlines and once-only rule.

- `POST /interactions/{id}/{token}/callback?with_response=1`: types 4 message, 5 deferred,
  6 deferred update, 7 update message, 8 autocomplete result, 9 modal. Answered 200 with
  `{"interaction": ..., "resource": ...}` (discord.py breaks on a 204). Later than 3 s after the
  interaction was created (by the emulator's clock) → 404 code 10062 Unknown interaction; a second
  callback → 400 code 40060.
- `POST /webhooks/{app}/{token}?wait=1` follow-ups and GET/PATCH/DELETE of `@original` or a
  follow-up id, accepted for 15 minutes after the interaction (then 401 code 50027). As on
  Discord, the first follow-up after a deferred (type 5) response fills the "thinking" message.
  (The same paths with a channel webhook's id instead of the application's are webhooks.py's.)
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import limits
from .posting import Posting
from .routing import Host, Routes
from .state import ACK_DEADLINE, EPHEMERAL, TOKEN_LIFETIME, Interaction, Message
from .wire import FILES, PAYLOAD, error_response, json_response

LOADING = 1 << 7
MESSAGE_TYPES = (4, 5, 6, 7)
APPLICATION_COMMAND, COMPONENT = 2, 3


def unknown_interaction() -> web.Response:
    """Discord's answer to a callback for an unknown or expired interaction."""
    return error_response(404, 10062, "Unknown interaction")


def unknown_webhook() -> web.Response:
    """Discord's answer to a follow-up with an unknown token."""
    return error_response(404, 10015, "Unknown Webhook")


class InteractionRoutes:
    """Handlers for interaction callbacks and interaction webhooks."""

    def __init__(self, host: Host, posting: Posting) -> None:
        self.host = host
        self.world = host.world
        self.posting = posting

    def register(self, routes: Routes) -> None:
        """Add this module's routes."""
        hook = "/webhooks/{app_id}/{token}"
        routes.add("POST", "/interactions/{interaction_id}/{token}/callback", self.callback)
        routes.add("POST", hook, self.followup)
        routes.add("GET", hook + "/messages/{message_id}", self.get_webhook_message)
        routes.add("PATCH", hook + "/messages/{message_id}", self.edit_webhook_message)
        routes.add("DELETE", hook + "/messages/{message_id}", self.delete_webhook_message)

    # -- initial response -------------------------------------------------------------------

    async def callback(self, request: web.Request) -> web.Response:
        """Create the initial response to an interaction."""
        interaction = self.world.interactions.get(int(request.match_info["interaction_id"]))
        if interaction is None or interaction.token != request.match_info["token"]:
            return unknown_interaction()
        if interaction.response_type is not None:
            return error_response(400, 40060, "Interaction has already been acknowledged.")
        if self.host.now() - interaction.created_at > ACK_DEADLINE:
            return unknown_interaction()
        body, files = request[PAYLOAD] or {}, request[FILES]
        kind, data = int(body.get("type", 0)), body.get("data") or {}
        rejected = self._validate(interaction, kind, data, files)
        if rejected is not None:
            return rejected

        message: Message | None = None
        if kind in (4, 5):
            message = self.posting.new_message(
                self.world.channels[interaction.channel_id],
                data,
                kind="callback" if kind == 4 else "deferred",
                interaction_id=interaction.id,
            )
            if kind == 5:
                message.flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
                message.content, message.embeds, message.components = "", [], []
            interaction.original = message
        elif kind in (6, 7):
            message = interaction.source_message
            interaction.original = message
            if kind == 7 and message is not None:
                self.posting.apply_edit(message, data, files)
                interaction.original_edited = True
        elif kind == 8:
            interaction.choices = list(data.get("choices") or [])
        elif kind == 9:
            interaction.modal = data
        interaction.response_type = kind
        if message is not None and kind in (4, 5):
            await self.posting.store_message(message, files, data)
        self.host.notify()
        return json_response(self._callback_body(interaction, kind, message))

    def _validate(
        self, interaction: Interaction, kind: int, data: dict[str, Any], files: list[Any]
    ) -> web.Response | None:
        if kind not in (4, 5, 6, 7, 8, 9):
            errors = limits.FormErrors()
            errors.add(["type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9}.")
            return json_response(errors.body(), status=400)
        if kind in (6, 7) and interaction.type != COMPONENT:
            # Discord refuses "update message" for anything but component interactions.
            return error_response(
                400, 40043, "Interaction response type is invalid for this interaction"
            )
        errors = limits.FormErrors()
        if kind == 4:
            if limits.is_empty_message(data, bool(files)):
                return error_response(400, 50006, "Cannot send an empty message")
            limits.check_message(errors, ["data"], data)
        elif kind == 7:
            limits.check_message(errors, ["data"], data)
        elif kind == 8:
            limits.check_choices(errors, ["data", "choices"], data.get("choices") or [])
        elif kind == 9:
            limits.check_modal(errors, ["data"], data)
        return json_response(errors.body(), status=400) if errors else None

    def _callback_body(
        self, interaction: Interaction, kind: int, message: Message | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "activity_instance_id": None,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and message.ephemeral),
            },
            "resource": {"type": kind},
        }
        if message is not None and kind in (4, 7):
            body["resource"]["message"] = self.posting.payload_of(message)
        return body

    # -- follow-ups and edits ---------------------------------------------------------------

    def _by_token(self, request: web.Request) -> tuple[Interaction | None, web.Response | None]:
        interaction = self.world.interactions_by_token.get(request.match_info["token"])
        if interaction is None or request.match_info["app_id"] != str(self.world.bot.id):
            return None, unknown_webhook()
        if self.host.now() - interaction.created_at > TOKEN_LIFETIME:
            return None, error_response(401, 50027, "Invalid Webhook Token")
        if interaction.response_type is None:
            # The webhook only exists once the interaction has been acknowledged.
            return None, unknown_webhook()
        return interaction, None

    def _target(self, interaction: Interaction, message_id: str) -> Message | None:
        if message_id == "@original":
            message = interaction.original
        else:
            message = next((m for m in interaction.messages if str(m.id) == message_id), None)
        return None if message is None or message.deleted else message

    def _webhook_message(self, request: web.Request) -> tuple[Interaction, Message] | web.Response:
        """The interaction and the message (@original or a follow-up) a webhook request names,
        or Discord's error answer."""
        interaction, failure = self._by_token(request)
        if interaction is None:
            assert failure is not None
            return failure
        message = self._target(interaction, request.match_info["message_id"])
        if message is None:
            return error_response(404, 10008, "Unknown Message")
        return interaction, message

    async def followup(self, request: web.Request) -> web.Response:
        """POST a follow-up message (`?wait=1` returns it)."""
        interaction, failure = self._by_token(request)
        if interaction is None:
            assert failure is not None
            return failure
        payload, files = request[PAYLOAD] or {}, request[FILES]
        rejected = self.posting.validate(payload, files, path=[], new=True)
        if rejected is not None:
            return rejected
        original = interaction.original
        if (
            interaction.response_type == 5
            and original is not None
            and original.flags & LOADING
            and not interaction.followups
        ):
            # Discord turns the first follow-up after a deferral into the original response.
            self.posting.apply_edit(original, payload, files)
            original.flags &= ~LOADING
            original.edits = 0
            interaction.original_edited = True
            message = original
        else:
            message = self.posting.new_message(
                self.world.channels[interaction.channel_id],
                payload,
                kind="followup",
                interaction_id=interaction.id,
                webhook_id=self.world.bot.id,
            )
            interaction.followups.append(message)
            await self.posting.store_message(message, files, payload)
        self.host.notify()
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(self.posting.payload_of(message))
        return web.Response(status=204)

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        """GET @original or a follow-up."""
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        _, message = found
        return json_response(self.posting.payload_of(message))

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        """PATCH @original or a follow-up."""
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        interaction, message = found
        payload, files = request[PAYLOAD] or {}, request[FILES]
        rejected = self.posting.validate(payload, files, path=[], new=False)
        if rejected is not None:
            return rejected
        self.posting.apply_edit(message, payload, files)
        if message.flags & LOADING:
            message.flags &= ~LOADING
        if message is interaction.original:
            interaction.original_edited = True
        self.host.notify()
        return json_response(self.posting.payload_of(message))

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        """DELETE @original or a follow-up."""
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        _, message = found
        message.deleted = True
        self.host.notify()
        return web.Response(status=204)
