"""Ids in URLs: numbers only, so an id never reaches the store as text."""

from __future__ import annotations

from aiohttp import web

MAX_ID = 2**63 - 1


def path_id(request: web.Request, name: str = "id") -> int:
    """A numeric id from the URL; 404 for anything else."""
    text = request.match_info[name]
    if not text.isdigit() or int(text) > MAX_ID:
        raise web.HTTPNotFound()
    return int(text)
