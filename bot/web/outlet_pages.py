"""An outlet's coverage of a server's news on the web, as `/outlet` answers it in Discord: the
same core (bot/insights/outlets.py), the same peers (the server's feeds' outlets), and only for
members of that server (bot/web/access.py). Without a name, the server's outlets to pick from."""

from __future__ import annotations

from aiohttp import web

from bot.errors import QueryError
from bot.insights.outlets import (
    DEFAULT_DAYS,
    MAX_DAYS,
    OutletCoverage,
    find_outlet,
    outlet_choices,
    outlet_coverage,
)
from bot.web.access import member_of
from bot.web.context import context_of
from bot.web.render import Data
from bot.web.story_pages import later_by

# Outlets listed to pick from (those with the most articles first).
LISTED = 50


def _days(request: web.Request) -> int | None:
    """The period asked for, or None when it is not a whole number of days in range."""
    typed = request.query.get("days", str(DEFAULT_DAYS)).strip()
    if not typed.isdigit() or not 1 <= int(typed) <= MAX_DAYS:
        return None
    return int(typed)


async def outlets_data(request: web.Request) -> Data:
    """GET /servers/{guild_id}/outlets[?name=&days=] (and its /api/v1 twin): the server's
    outlets, or one outlet's coverage over the period, against the server's other outlets."""
    _, server = await member_of(request, request.match_info["guild_id"])
    context = context_of(request)
    name = request.query.get("name", "").strip()[:100]
    days = _days(request)
    data: Data = {
        "server": {"id": str(server.id), "name": server.name},
        "name": name,
        "days": days or DEFAULT_DAYS,
        "error": None,
        "outlets": [],
        "coverage": None,
    }
    if days is None:
        return {**data, "error": f"Choose between 1 and {MAX_DAYS} days."}
    if not name:
        known = await outlet_choices(
            context.store, server.id, "", limit=LISTED, clock=context.clock
        )
        data["outlets"] = [{"name": o.outlet, "articles": o.articles} for o in known]
        return data
    try:
        pick = await find_outlet(
            context.store, name, guild_id=server.id, days=days, clock=context.clock
        )
    except QueryError as exc:
        return {**data, "error": str(exc)}
    return {**data, "coverage": _coverage(await outlet_coverage(context.store, pick))}


def _coverage(found: OutletCoverage) -> Data:
    return {
        "outlet": found.outlet,
        "since": found.since.isoformat(),
        "until": found.until.isoformat(),
        "days": found.days,
        "peers": "this server's feeds" if found.scope == "feeds" else "the whole archive",
        "peer_count": len(found.peers),
        "stories": found.stories,
        "shared": found.shared,
        "first": found.first,
        "median_delay": later_by(found.median_delay) if found.median_delay else None,
        "names": [
            {
                "id": n.entity.id,
                "name": n.entity.name,
                "mine": n.mine,
                "others": n.others,
                "z": round(n.z, 2),
            }
            for n in found.names
        ],
        "blindspots": [
            {"story_id": b.story.id, "title": b.story.lead.title, "outlets": b.outlets}
            for b in found.blindspots
        ],
        "capped": found.capped,
    }
