"""What every emulated route answers with and reads: JSON in Discord's exact content type,
Discord's error body, and the request body the server parsed once (JSON and uploaded files)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class UploadedFile:
    """A file received in a multipart request."""

    field: str
    filename: str
    data: bytes
    content_type: str


# The parsed body of the current request, stored once by the server's middleware for handlers.
PAYLOAD: web.RequestKey[Any] = web.RequestKey("discord_payload", object)
FILES: web.RequestKey[list[UploadedFile]] = web.RequestKey("discord_files", list)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Answer JSON with exactly `Content-Type: application/json`, which discord.py requires."""
    response = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
    response.headers["Content-Type"] = "application/json"
    return response


def error_response(status: int, code: int, message: str) -> web.Response:
    """Answer with Discord's error body shape."""
    return json_response({"message": message, "code": code}, status=status)
