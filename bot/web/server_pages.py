"""A member's servers on the web: the switcher's list, and each server's page, where its admin
pages (feeds, digests, follows, mutes, settings) hang, with channels by name as the bot recorded
them (bot/servers.py). Every server id in a URL is checked against the member's own servers
(bot/web/access.py)."""

from __future__ import annotations

from aiohttp import web

from bot.servers import known_places
from bot.web.access import SignInNeeded, member_of
from bot.web.context import context_of
from bot.web.render import Data
from bot.web.sessions import load_viewer


async def servers_data(request: web.Request) -> Data:
    """GET /servers (and /api/v1/servers): the member's servers that Newsdesk is in."""
    context = context_of(request)
    viewer = await load_viewer(request)
    if not viewer.signed_in:
        raise SignInNeeded()
    servers = await viewer.servers(context)
    return {"servers": [{"id": str(s.id), "name": s.name, "manager": s.manager} for s in servers]}


async def server_data(request: web.Request) -> Data:
    """GET /servers/{guild_id} (and its /api/v1 twin): one of the member's servers; its
    feeds and digests for those who may manage it."""
    _, server = await member_of(request, request.match_info["guild_id"])
    data: Data = {
        "server": {"id": str(server.id), "name": server.name, "manager": server.manager},
        "feeds": [],
        "digests": [],
    }
    if not server.manager:
        return data
    store = context_of(request).store
    places = await known_places(store, server.id)
    data["feeds"] = [
        {
            "id": subscription.id,
            "feed": feed.name,
            "url": feed.url,
            "channel_id": str(subscription.channel_id),
            "channel": places.channel_label(subscription.channel_id),
            "filter": subscription.filter,
            "status": feed.last_status,
            "last_success_at": feed.last_success_at,
        }
        for subscription, feed in await store.guild_subscriptions(server.id)
    ]
    data["digests"] = [
        {
            "id": schedule.id,
            "channel_id": str(schedule.channel_id),
            "channel": places.channel_label(schedule.channel_id),
            "every": schedule.cron or schedule.every,
            "time": schedule.local_time,
            "timezone": schedule.timezone,
            "filter": schedule.filter,
            "paused": schedule.paused,
        }
        for schedule in await store.digest_schedules(server.id)
    ]
    return data
