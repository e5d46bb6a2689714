"""What every emulated route answers with and reads: JSON in Discord's exact content type,
Discord's error body, and the request body the server parsed once (JSON and uploaded files)."""

from __future__ import annotations

import json
import time
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


def _bucket(path: str) -> str:
    # One bucket per route shape; ids are collapsed so buckets stay few, as on Discord.
    return "".join(c for c in path if not c.isdigit()).replace("/", "-")[:32] or "root"


def ratelimit_headers(
    path: str, *, remaining: int, reset_after: float, limit: int = 5
) -> dict[str, str]:
    """Discord's rate-limit headers for a request to `path` (its bucket named from the path's
    shape): discord.py waits ahead of time when `remaining` is 0."""
    return {
        "X-RateLimit-Bucket": _bucket(path),
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
    }


def rate_limited(path: str, retry_after: float, is_global: bool) -> web.Response:
    """Discord's 429: discord.py retries it only with a Via header and a JSON body, and sleeps
    for the body's retry_after (not the Retry-After header)."""
    body: dict[str, Any] = {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
    }
    if is_global:
        body["code"] = 0
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Scope": "global" if is_global else "user",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    else:
        headers.update(ratelimit_headers(path, remaining=0, reset_after=retry_after))
    return json_response(body, status=429, headers=headers)
