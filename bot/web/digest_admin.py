"""A server's digests on the web: the list with each schedule's next five due times in its own
timezone, the schedule editor (check the times, then schedule), preview, pause, resume and
remove. For Manage Server or the digest role, checked as `/digest` checks it; every change goes
through the same core functions as the slash commands (bot/digest/manage.py), and the running
bot replans on its own (bot/changes.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from bot.digest import DigestComposer, ScheduleError
from bot.digest.manage import (
    EVERY_CHOICES,
    add_schedule,
    describe,
    draft_schedule,
    guild_schedule,
    next_posts,
    pause_schedule,
    remove_schedule,
    resume_schedule,
)
from bot.digest.posting import preview_digest
from bot.digest.schedule import COMMON_ZONES
from bot.errors import TooBroad
from bot.servers import KnownPlaces, known_places
from bot.store import Schedule, ScheduleDraft
from bot.web.access import digest_editor_of
from bot.web.context import context_of
from bot.web.ids import path_id
from bot.web.render import Data, page
from bot.web.sessions import Server

TARGETS = ("text", "thread", "forum")
# What the editor is filled with at first.
BLANK = {
    "channel": "",
    "target": "text",
    "time": "08:00",
    "timezone": "UTC",
    "every": "daily",
    "filter": "",
    "max_items": "5",
    "nothing_new": "skip",
}


def due_times(schedule: Schedule | ScheduleDraft, now: datetime) -> list[dict[str, str]]:
    """The next five due times, in the schedule's timezone: ISO and as read on a page."""
    return [
        {"at": moment.isoformat(), "shown": moment.strftime("%a %d %b %Y, %H:%M %Z")}
        for moment in next_posts(schedule, now, 5)
    ]


def schedule_data(schedule: Schedule, now: datetime, places: KnownPlaces) -> Data:
    """One schedule as pages and the API show it (its channel by name when the bot knows it)."""
    return {
        "id": schedule.id,
        "channel_id": str(schedule.channel_id),
        "channel": places.channel_label(schedule.channel_id),
        "target": schedule.target,
        "when": describe(schedule),
        "timezone": schedule.timezone,
        "filter": schedule.filter,
        "max_items": schedule.max_items,
        "nothing_new": schedule.nothing_new,
        "paused": schedule.paused,
        "paused_reason": schedule.paused_reason,
        "next": [] if schedule.paused else due_times(schedule, now),
    }


def server_data(server: Server) -> Data:
    """The server a page is about."""
    return {"id": str(server.id), "name": server.name, "manager": server.manager}


async def digests_page_data(
    request: web.Request, server: Server, form: dict[str, str] | None = None
) -> Data:
    """The list, and the editor (filled with `form` after a check or a refusal); channels are
    offered by name, from those the bot recorded it can post in (as the feeds page offers
    them)."""
    context = context_of(request)
    now = context.clock.now()
    schedules = await context.store.digest_schedules(server.id)
    places = await known_places(context.store, server.id)
    return {
        "server": server_data(server),
        "schedules": [schedule_data(s, now, places) for s in schedules],
        "channels": [{"id": str(c.id), "name": c.name} for c in places.channels],
        "form": form or dict(BLANK),
        "every_choices": list(EVERY_CHOICES),
        "zones": list(COMMON_ZONES),
        "targets": list(TARGETS),
        "checked": [],
        "error": "",
    }


async def digests_data(request: web.Request) -> Data:
    """GET /servers/{guild_id}/digests (and its /api/v1 twin)."""
    _, server = await digest_editor_of(request, request.match_info["guild_id"])
    return await digests_page_data(request, server)


def channel_id(text: str, places: KnownPlaces) -> int:
    """The channel chosen (its id, or <#id> when typed): one the bot recorded it can post in,
    in this server; any id only while the bot has recorded none (the page then asks for one)."""
    digits = text.strip().removeprefix("<#").removesuffix(">")
    if not digits.isdigit() or not 15 <= len(digits) <= 20:
        raise ScheduleError("The channel is its id (right-click it, Copy Channel ID) or <#id>.")
    if places.channels and places.channel(int(digits)) is None:
        raise ScheduleError("Choose one of this server's channels that I can post in.")
    return int(digits)


def options_of(
    form: dict[str, str], server: Server, user_id: int, places: KnownPlaces
) -> dict[str, Any]:
    """The editor's fields as `draft_schedule` takes them (checked there)."""
    try:
        max_items = int(form["max_items"] or "5")
    except ValueError:
        raise ScheduleError("`max_items` is between 1 and 20.") from None
    if form["target"] not in TARGETS:
        raise ScheduleError("Post in a text channel, a thread or a forum channel.")
    return {
        "guild_id": server.id,
        "channel_id": channel_id(form["channel"], places),
        "target": form["target"],
        "time": form["time"],
        "timezone": form["timezone"],
        "every": form["every"] or "daily",
        "filter": form["filter"],
        "max_items": max_items,
        "nothing_new": form["nothing_new"],
        "created_by": user_id,
    }


async def schedule_digest(request: web.Request) -> web.StreamResponse:
    """POST /servers/{guild_id}/digests: `check` shows the next five due times of what was
    typed; `schedule` stores it (as `/digest schedule`) and goes back to the list."""
    viewer, server = await digest_editor_of(request, request.match_info["guild_id"])
    assert viewer.session is not None
    posted = await request.post()
    form = {key: str(posted.get(key, default))[:200] for key, default in BLANK.items()}
    data = await digests_page_data(request, server, form)
    context = context_of(request)
    now = context.clock.now()
    places = await known_places(context.store, server.id)
    try:
        options = options_of(form, server, viewer.session.user_id, places)
        if posted.get("action") == "check":
            data["checked"] = due_times(draft_schedule(now=now, **options), now)
            return await page(request, "digests.html", data)
        added = await add_schedule(context.store, now, **options)
    except (ScheduleError, TooBroad) as exc:
        # As /digest schedule: a bad option, or a filter too broad to run on every digest.
        data["error"] = str(exc)
        return await page(request, "digests.html", data, status=400)
    raise web.HTTPSeeOther(f"/servers/{server.id}/digests#digest-{added.id}")


async def change_digest(request: web.Request) -> web.StreamResponse:
    """POST /servers/{guild_id}/digests/{id}/{pause|resume|remove}, as the /digest commands."""
    viewer, server = await digest_editor_of(request, request.match_info["guild_id"])
    assert viewer.session is not None
    context = context_of(request)
    schedule_id, action = path_id(request), request.match_info["action"]
    now = context.clock.now()
    if action == "pause":
        await pause_schedule(context.store, server.id, schedule_id, viewer.name, now)
    elif action == "resume":
        await resume_schedule(context.store, server.id, schedule_id, now)
    elif action == "remove":
        await remove_schedule(context.store, server.id, schedule_id)
    else:
        raise web.HTTPNotFound()
    raise web.HTTPSeeOther(f"/servers/{server.id}/digests")


async def preview_data(request: web.Request) -> Data:
    """GET /servers/{guild_id}/digests/{id}/preview: what it would post now (posts nothing)."""
    _, server = await digest_editor_of(request, request.match_info["guild_id"])
    context = context_of(request)
    schedule = await guild_schedule(context.store, server.id, path_id(request))
    digest = await preview_digest(DigestComposer(context.store), schedule, context.clock.now())
    places = await known_places(context.store, server.id)
    return {
        "server": server_data(server),
        "schedule": schedule_data(schedule, context.clock.now(), places),
        "since": digest.since.isoformat(),
        "until": digest.until.isoformat(),
        "articles": digest.articles,
        "items": [
            {
                "id": item.article_id,
                "title": item.title,
                "url": item.url,
                "when": item.when,
                "summary": item.summary,
                "sources": list(item.sources),
            }
            for item in digest.items
        ],
        "entities": [{"name": e.name, "articles": e.articles} for e in digest.entities],
    }
