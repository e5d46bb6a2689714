"""A server's channel follows and mute list on the web, for Manage Server, through the same core
functions as `/unfollow` and `/mute add|remove|list` (bot/insights/follows.py,
bot/mutes/manage.py)."""

from __future__ import annotations

from aiohttp import web

from bot.errors import NewsdeskError
from bot.insights.follows import unfollow
from bot.mutes.manage import MAX_MUTES_PER_GUILD, add_mute, remove_mute
from bot.mutes.rules import MuteError
from bot.servers import known_places
from bot.store import MUTE_KINDS
from bot.web.access import manager_of
from bot.web.context import context_of
from bot.web.digest_admin import server_data
from bot.web.ids import path_id
from bot.web.render import Data, page
from bot.web.sessions import Server


async def follows_data(request: web.Request) -> Data:
    """GET /servers/{guild_id}/follows (and its /api/v1 twin): the channel follows, each
    channel by the name the bot recorded for it (a gone one said plainly)."""
    _, server = await manager_of(request, request.match_info["guild_id"])
    store = context_of(request).store
    follows = await store.channel_follows(server.id)
    places = await known_places(store, server.id)
    return {
        "server": server_data(server),
        "follows": [
            {
                "id": f.id,
                "channel_id": str(f.channel_id),
                # A channel follow always has a channel (a member's has a user instead).
                "channel": places.channel_label(f.channel_id or 0),
                "kind": f.kind,
                "target": f.target,
                "created_at": f.created_at,
            }
            for f in follows
        ],
    }


async def remove_follow(request: web.Request) -> web.StreamResponse:
    """POST /servers/{guild_id}/follows/{id}/remove: as `/unfollow` by a manager."""
    viewer, server = await manager_of(request, request.match_info["guild_id"])
    assert viewer.session is not None
    await unfollow(
        context_of(request).store,
        server.id,
        path_id(request),
        user_id=viewer.session.user_id,
        manages_guild=True,
    )
    raise web.HTTPSeeOther(f"/servers/{server.id}/follows")


async def mutes_page_data(request: web.Request, server: Server) -> Data:
    """The mute list and the form to add a rule."""
    mutes = await context_of(request).store.guild_mutes(server.id)
    return {
        "server": server_data(server),
        "mutes": [
            {"id": m.id, "kind": m.kind, "value": m.value, "created_at": m.created_at}
            for m in mutes
        ],
        "most": MAX_MUTES_PER_GUILD,
        "kinds": list(MUTE_KINDS),
        "form": {"kind": "word", "value": ""},
        "error": "",
    }


async def mutes_data(request: web.Request) -> Data:
    """GET /servers/{guild_id}/mutes (and its /api/v1 twin)."""
    _, server = await manager_of(request, request.match_info["guild_id"])
    return await mutes_page_data(request, server)


async def add_mute_rule(request: web.Request) -> web.StreamResponse:
    """POST /servers/{guild_id}/mutes: add a rule, as `/mute add`."""
    viewer, server = await manager_of(request, request.match_info["guild_id"])
    assert viewer.session is not None
    posted = await request.post()
    kind, value = str(posted.get("kind", "")), str(posted.get("value", ""))[:200]
    context = context_of(request)
    try:
        if kind not in MUTE_KINDS:
            raise MuteError("Mute a word, a phrase, a source or an entity.")
        await add_mute(
            context.store,
            server.id,
            kind,
            value,
            created_by=viewer.session.user_id,
            clock=context.clock,
        )
    except NewsdeskError as exc:  # no such rule, no such entity, the list is full
        data = await mutes_page_data(request, server)
        data["form"], data["error"] = {"kind": kind, "value": value}, str(exc)
        return await page(request, "mutes.html", data, status=400)
    raise web.HTTPSeeOther(f"/servers/{server.id}/mutes")


async def remove_mute_rule(request: web.Request) -> web.StreamResponse:
    """POST /servers/{guild_id}/mutes/{id}/remove: as `/mute remove`."""
    _, server = await manager_of(request, request.match_info["guild_id"])
    await remove_mute(context_of(request).store, server.id, str(path_id(request)))
    raise web.HTTPSeeOther(f"/servers/{server.id}/mutes")
