"""A server's feeds on the web, for those who may manage it (Manage Server, as `/feeds`): the
list with each feed's health, adding one (with the same test fetch as `/feeds add`), editing
its channel, filter, role and age limit, pausing, resuming and removing it, and its delivery
log page by page. Every handler calls the same core functions as the slash commands
(bot/feeds/adding.py, manage.py); the server id in the URL is checked against the member's
own servers, and a feed id that is not this server's is refused (404, logged) before anything
is read or changed. The template editor is in feed_templates.py."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.errors import NewsdeskError
from bot.feeds import manage
from bot.feeds.adding import NewFeed, add_feed
from bot.feeds.fetcher import Fetcher
from bot.feeds.health import assess
from bot.feeds.moving import MAX_FEEDS_PER_GUILD
from bot.feeds.own_options import OWN_CLEARABLE, OwnOptionsEdited, edit_and_try
from bot.servers import KnownPlaces, known_places
from bot.store import Feed, Subscription
from bot.web.access import manager_of
from bot.web.context import context_of
from bot.web.ids import MAX_ID, path_id
from bot.web.render import Data, page
from bot.web.sessions import Server, load_viewer

log = logging.getLogger(__name__)

FORM_FIELD_CHARS = 2000


async def managed(request: web.Request) -> tuple[Server, KnownPlaces]:
    """The server in the URL, when the member may manage it, and its channels and roles."""
    _, server = await manager_of(request, request.match_info["guild_id"])
    return server, await known_places(context_of(request).store, server.id)


async def signed_in_id(request: web.Request) -> int:
    """The Discord id of the member signed in (checked by `managed` first)."""
    viewer = await load_viewer(request)
    assert viewer.session is not None
    return viewer.session.user_id


async def feed_of(request: web.Request, server: Server) -> tuple[Subscription, Feed]:
    """The feed in the URL, when it is this server's; anything else is refused and logged (a
    forged or foreign feed number reads and changes nothing)."""
    number = path_id(request, "feed_id")
    store = context_of(request).store
    subscription = await store.subscription(server.id, number)
    feed = await store.feed(subscription.feed_id) if subscription else None
    if subscription is None or feed is None:
        log.warning(
            "refused feed #%s of server %s (not one of its feeds): %s %s",
            number,
            server.id,
            request.method,
            request.path[:200],
        )
        raise web.HTTPNotFound(text=f"There is no feed #{number} in {server.name}.")
    return subscription, feed


def _server(server: Server) -> Data:
    return {"id": str(server.id), "name": server.name}


def _places(places: KnownPlaces) -> Data:
    return {
        "channels": [{"id": str(c.id), "name": c.name} for c in places.channels],
        "roles": [{"id": str(r.id), "name": r.name} for r in places.roles],
    }


def feed_row(subscription: Subscription, feed: Feed, places: KnownPlaces, now: datetime) -> Data:
    """One feed as the list and its page show it: where it posts, how, and its health."""
    health = assess(feed, now)
    return {
        "id": subscription.id,
        "feed": feed.name,
        "url": feed.url,
        "channel_id": str(subscription.channel_id),
        "channel": places.channel_label(subscription.channel_id),
        "filter": subscription.filter,
        "role_id": str(subscription.role_id) if subscription.role_id else "",
        "role": places.role_label(subscription.role_id) if subscription.role_id else "",
        "max_age_hours": subscription.max_age_hours,
        "paused": subscription.paused,
        "own_template": bool(subscription.template),
        "health": {
            "state": health.state,
            "status": health.status,
            "http_status": health.http_status,
            "last_success_at": health.last_success_at,
            "last_new_item_at": health.last_new_item_at,
            "next_poll_at": health.next_poll_at,
            "error": health.error,
        },
    }


# -- the list, and adding a feed --------------------------------------------------------------


async def feeds_data(request: web.Request) -> Data:
    """GET /servers/{guild_id}/feeds (and its /api/v1 twin): the server's feeds and health."""
    server, places = await managed(request)
    context = context_of(request)
    now = context.clock.now()
    rows = await context.store.guild_subscriptions(server.id)
    return {
        "server": _server(server),
        "feeds": [feed_row(s, f, places, now) for s, f in rows],
        "limit": MAX_FEEDS_PER_GUILD,
        **_places(places),
    }


def _text(form: Any, name: str) -> str:
    return str(form.get(name, ""))[:FORM_FIELD_CHARS].strip()


def _number(text: str, what: str) -> int | None:
    """A number typed or chosen in a form ('' for none); a friendly error for anything else."""
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_ID:
        raise web.HTTPBadRequest(text=f"Choose a {what} from the list.")
    return int(text)


def _channel(places: KnownPlaces, text: str) -> int | None:
    """A channel chosen in a form: one the bot knows it can post in, in this server."""
    number = _number(text, "channel")
    if number is not None and places.channel(number) is None:
        raise web.HTTPBadRequest(text="Choose one of this server's channels that I can post in.")
    return number


def _role(places: KnownPlaces, text: str) -> int | None:
    """A role chosen in a form: one of this server's (never @everyone)."""
    number = _number(text, "role")
    if number is not None and places.role(number) is None:
        raise web.HTTPBadRequest(text="Choose one of this server's roles.")
    return number


async def add(request: web.Request) -> web.StreamResponse:
    """POST /servers/{guild_id}/feeds: test-fetch the address and follow it in the channel
    chosen; on success, the feed's page; else the list again, saying what is wrong."""
    server, places = await managed(request)
    form = await request.post()
    context = context_of(request)
    try:
        channel = _channel(places, _text(form, "channel"))
        if channel is None:
            raise web.HTTPBadRequest(text="Choose the channel to post the feed in.")
        wanted = NewFeed(
            server.id,
            channel,
            _text(form, "url"),
            await signed_in_id(request),
            filter_text=_text(form, "filter") or None,
            role_id=_role(places, _text(form, "role")),
        )
        async with Fetcher(context.fetch_policy, clock=context.clock) as fetcher:
            added = await add_feed(
                context.store, fetcher, wanted, clock=context.clock, entities_available=True
            )
    except (NewsdeskError, web.HTTPBadRequest) as exc:
        data = await feeds_data(request)
        data.update(error=_why(exc), typed={k: _text(form, k) for k in ("url", "filter")})
        return await page(request, "feeds.html", data, status=400)
    log.info("server %s added feed #%s on the web", server.id, added.subscription.id)
    where = f"/servers/{server.id}/feeds/{added.subscription.id}"
    raise web.HTTPSeeOther(f"{where}?added={'new' if added.created else 'already'}")


def _why(exc: Exception) -> str:
    return exc.text or "" if isinstance(exc, web.HTTPException) else str(exc)


# -- one feed: its settings, pausing, removing -------------------------------------------------


async def feed_data(request: web.Request) -> Data:
    """GET /servers/{guild_id}/feeds/{feed_id} (and its twin): one feed and its settings."""
    server, places = await managed(request)
    subscription, feed = await feed_of(request, server)
    now = context_of(request).clock.now()
    added = request.query.get("added", "")
    own = await context_of(request).store.feed_options(subscription.id)
    return {
        "server": _server(server),
        "feed": feed_row(subscription, feed, places, now),
        "options": {
            "name": own.identity_name,
            "avatar_url": own.avatar_url,
            "selector": own.selector,
        },
        "added": added if added in ("new", "already") else "",
        "error": "",
        "tried": "",
        **_places(places),
    }


async def edit(request: web.Request) -> web.StreamResponse:
    """POST /servers/{guild_id}/feeds/{feed_id}: change its channel, filter, role and age
    limit in place (manage.edit_feed, as `/feeds edit`), or clear the filter, role or limit."""
    server, places = await managed(request)
    subscription, _ = await feed_of(request, server)
    form = await request.post()
    clear = [name for name in ("filter", "role", "max_age") if form.get(f"clear_{name}")]
    channel = _channel(places, _text(form, "channel"))
    role = _role(places, _text(form, "role"))
    max_age = _number(_text(form, "max_age"), "maximum age")
    filter_text = _text(form, "filter")
    try:
        await manage.edit_feed(
            context_of(request).store,
            server.id,
            subscription.id,
            channel_id=channel if channel != subscription.channel_id else None,
            filter_text=filter_text if filter_text and filter_text != subscription.filter else None,
            role_id=role if role != subscription.role_id else None,
            max_age_hours=max_age if max_age != subscription.max_age_hours else None,
            clear=[c for c in clear if not (c == "filter" and filter_text)],
            entities_available=True,
        )
    except NewsdeskError as exc:
        data = await feed_data(request)
        data["error"] = str(exc)
        return await page(request, "feed.html", data, status=400)
    raise web.HTTPSeeOther(f"/servers/{server.id}/feeds/{subscription.id}")


async def options(request: web.Request) -> web.StreamResponse:
    """POST …/options: the name and avatar its posts carry and the CSS selector of its
    articles' text, or clearing either (own_options.edit_and_try, as `/feeds edit`); a new
    selector is tried on the feed's latest article and the page says what it picked."""
    server, _ = await managed(request)
    subscription, _ = await feed_of(request, server)
    form = await request.post()
    clear = _text(form, "clear")
    context = context_of(request)
    try:
        async with Fetcher(context.fetch_policy, clock=context.clock) as fetcher:
            edited = await edit_and_try(
                context.store,
                fetcher,
                server.id,
                subscription.id,
                name=_text(form, "name") or None,
                avatar_url=_text(form, "avatar") or None,
                selector=_text(form, "selector") or None,
                clear=clear if clear in OWN_CLEARABLE else None,
            )
        if edited is None:
            raise web.HTTPBadRequest(text="Nothing to change: give a name, avatar or selector.")
    except (NewsdeskError, web.HTTPBadRequest) as exc:
        data = await feed_data(request)
        data["error"] = _why(exc)
        return await page(request, "feed.html", data, status=400)
    data = await feed_data(request)
    data["tried"] = _trial(edited)
    return await page(request, "feed.html", data)


def _trial(edited: OwnOptionsEdited) -> str:
    """What the page says of a selector tried on the feed's latest article."""
    trial = edited.trial
    if trial is None:
        return "Saved."
    if trial.problem:
        return f"Saved, but trying it on the latest article: {trial.problem}"
    return f"Saved. On the latest article it picks {trial.words:,} words: “{trial.text[:200]}…”"


async def pause(request: web.Request) -> web.StreamResponse:
    """POST …/pause: the feed is still read but posts nothing (as `/feeds pause`)."""
    server, _ = await managed(request)
    subscription, _ = await feed_of(request, server)
    context = context_of(request)
    await manage.pause_feed(context.store, server.id, subscription.id, context.clock.now())
    raise web.HTTPSeeOther(f"/servers/{server.id}/feeds/{subscription.id}")


async def resume(request: web.Request) -> web.StreamResponse:
    """POST …/resume: the next new item posts again (as `/feeds resume`)."""
    server, _ = await managed(request)
    subscription, _ = await feed_of(request, server)
    await manage.resume_feed(context_of(request).store, server.id, subscription.id)
    raise web.HTTPSeeOther(f"/servers/{server.id}/feeds/{subscription.id}")


async def remove(request: web.Request) -> web.StreamResponse:
    """POST …/remove: stop posting the feed (as `/feeds remove`); back to the list."""
    server, _ = await managed(request)
    subscription, _ = await feed_of(request, server)
    await manage.remove_feed(context_of(request).store, server.id, subscription.id)
    log.info("server %s removed feed #%s on the web", server.id, subscription.id)
    raise web.HTTPSeeOther(f"/servers/{server.id}/feeds?removed={subscription.id}")


# -- the delivery log ---------------------------------------------------------------------------


async def log_data(request: web.Request) -> Data:
    """GET …/log?page=N (and its twin): what became of each item, newest first, paged."""
    server, places = await managed(request)
    subscription, feed = await feed_of(request, server)
    wanted = request.query.get("page", "1")
    number = int(wanted) if wanted.isdigit() and len(wanted) < 7 else 1
    store = context_of(request).store
    lines, pages = await manage.log_page(store, server.id, subscription.id, number)
    number = min(max(number, 1), pages)
    return {
        "server": _server(server),
        "feed": feed_row(subscription, feed, places, context_of(request).clock.now()),
        "lines": [
            {
                "title": line.title,
                "url": line.url or "",
                "outcome": str(line.outcome),
                "detail": line.detail,
                "link": line.link or "",
                "at": line.at,
            }
            for line in lines
        ],
        "page": number,
        "pages": pages,
    }
