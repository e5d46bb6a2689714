"""Reading the emulator's request log: every message the bot sent, and answers per interaction."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.server import RecordedRequest

_SENDS = ("/messages", "/callback", "/webhooks/", "/threads")


def message_bodies(discord: DiscordEmulator) -> list[tuple[RecordedRequest, dict[str, Any]]]:
    """(request, message body) for every message the bot created or edited, callbacks included."""
    found = []
    for request in discord.requests:
        if request.method not in ("POST", "PATCH") or not any(p in request.path for p in _SENDS):
            continue
        body = request.json or {}
        if request.path.endswith("/callback"):
            body = body.get("data") or {}
        elif "message" in body and isinstance(body["message"], dict):
            body = body["message"]  # forum posts carry their first message inside
        if body.get("content") or body.get("embeds"):
            found.append((request, body))
    return found


def callbacks_per_interaction(discord: DiscordEmulator) -> Counter[str]:
    """How many initial responses Discord accepted for each interaction id."""
    return Counter(
        r.path.split("/")[2]
        for r in discord.requests
        if r.method == "POST" and r.path.endswith("/callback") and 200 <= r.status < 300
    )


def pings_allowed(body: dict[str, Any]) -> dict[str, Any] | None:
    """The body's allowed_mentions when it could ping anyone, else None."""
    allowed = body.get("allowed_mentions")
    if allowed is None:
        return {"missing": True}  # Discord's default parses every mention in the content
    if allowed.get("parse") or allowed.get("users") or allowed.get("roles"):
        return allowed
    if allowed.get("replied_user"):
        return allowed
    return None
