"""Pages and their JSON twins from the same data: Jinja2 with autoescaping on (user and article
text never reaches HTML unescaped), the layout's shared parts (who is signed in, their servers,
the CSRF token for forms), and the filters templates use."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import cache
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup

from bot.models import SNIPPET_END, SNIPPET_START
from bot.models.text import plural
from bot.web.context import context_of
from bot.web.sessions import load_viewer

Data = dict[str, Any]
DataHandler = Callable[[web.Request], Awaitable[Data]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
JSON_TYPE = "application/json"


@cache
def environment() -> jinja2.Environment:
    """The templates in bot/web/templates/, autoescaped, strict about missing names."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.finalize = without_bidi
    env.filters["when"] = when
    env.filters["day"] = day
    env.filters["plural"] = plural
    return env


# Bidirectional overrides and isolates make text read in another order than it is stored: an
# article could title itself so a word reads backwards. Pages drop them (as Discord replies do).
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi(value: Any) -> Any:
    """What a template prints, without bidirectional controls (text only: markup a macro
    built was finalized piece by piece already)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.translate(_BIDI)
    return value


def when(value: str | None) -> str:
    """An ISO time as readers see it: "2026-11-26 12:57 UTC" ("" when unknown)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value[:25]
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def day(value: str | None) -> str:
    """An ISO time's date: "2026-11-26"."""
    return when(value)[:10]


def marked_parts(snippet: str) -> list[dict[str, Any]]:
    """A snippet with the store's match markers as parts: [{"text", "match"}], so the page
    marks matches with <mark> around escaped text and the API hands out plain text."""
    parts: list[dict[str, Any]] = []
    for index, chunk in enumerate(snippet.split(SNIPPET_START)):
        inside, _, after = chunk.partition(SNIPPET_END) if index else ("", "", chunk)
        if inside:
            parts.append({"text": inside, "match": True})
        if after:
            parts.append({"text": after, "match": False})
    return parts


async def layout(request: web.Request) -> Data:
    """What every page's layout shows: the viewer, their servers (the switcher), the form
    token, whether the archive is open to all, and where we are (for sign-in's way back)."""
    context = context_of(request)
    viewer = await load_viewer(request)
    servers = await viewer.servers(context)
    return {
        "viewer": {"name": viewer.name, "signed_in": viewer.signed_in},
        "switcher": servers,
        "csrf_token": viewer.csrf_token,
        "public_archive": context.options.public_archive,
        "can_sign_in": context.discord is not None,
        "here": request.path_qs,
        "static": lambda name: str(request.app.router["static"].url_for(filename=name)),
    }


async def page(
    request: web.Request, template: str, data: Data, *, status: int = 200
) -> web.Response:
    """Render `template` with the page's data and the layout's."""
    text = environment().get_template(template).render(**(await layout(request)), **data)
    return web.Response(text=text, status=status, content_type="text/html")


def as_json(data: Data, *, status: int = 200) -> web.Response:
    """The JSON twin of a page's data."""
    body = json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))
    return web.Response(text=body, status=status, content_type=JSON_TYPE)


def twin(template: str, data: DataHandler) -> tuple[Handler, Handler]:
    """A page and its /api/v1 twin: the same data (and the same checks, which `data` runs),
    rendered as HTML or as JSON. Data with an `error` (a query that cannot search) is a page
    that explains it, and a 400 in the API."""

    async def html_page(request: web.Request) -> web.Response:
        return await page(request, template, await data(request))

    async def json_page(request: web.Request) -> web.Response:
        found = await data(request)
        return as_json(found, status=400 if found.get("error") else 200)

    return html_page, json_page
