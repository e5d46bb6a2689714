"""Who may see what, the same rules as in Discord: reader pages for any signed-in member of a
server the bot is in (anyone, with WEB_PUBLIC_ARCHIVE); a server's pages only for its members,
its admin pages only for those who may manage it. A server id that is not one of the member's
(forged, foreign, malformed) is refused with 403 and logged."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.digest.errors import NotDigestEditor
from bot.digest.manage import check_digest_editor
from bot.web.context import context_of
from bot.web.sessions import Server, Viewer, load_viewer

log = logging.getLogger(__name__)


class SignInNeeded(web.HTTPUnauthorized):
    """The page needs a signed-in member: pages send the browser to sign in, the API says 401."""


class Refused(web.HTTPForbidden):
    """The member may not see this; `text` says why, in a sentence they can act on."""

    def __init__(self, why: str) -> None:
        super().__init__(text=why)


async def reader(request: web.Request) -> Viewer:
    """The viewer of a reader page (search, articles, entities, stories, feeds), if allowed."""
    context = context_of(request)
    viewer = await load_viewer(request)
    if context.options.public_archive:
        return viewer
    if not viewer.signed_in:
        raise SignInNeeded()
    if not await viewer.servers(context):
        raise Refused(
            "The archive is for members of a server Newsdesk is in, and none of your servers "
            "has it. Invite Newsdesk to one of them, or sign in with another account."
        )
    return viewer


async def member_of(request: web.Request, guild_id: str) -> tuple[Viewer, Server]:
    """The viewer and the server `guild_id` names, when it is one of their servers that the
    bot is in; anything else is refused and logged (a forged or foreign id is an attack or a
    stale link, and operators want to know which)."""
    context = context_of(request)
    viewer = await load_viewer(request)
    if not viewer.signed_in:
        raise SignInNeeded()
    servers = {str(server.id): server for server in await viewer.servers(context)}
    server = servers.get(guild_id)
    if server is None:
        assert viewer.session is not None
        log.warning(
            "refused server id %r to user %s (not one of their servers with the bot): %s %s",
            guild_id[:30],
            viewer.session.user_id,
            request.method,
            request.path[:200],
        )
        raise Refused("That is not one of your servers with Newsdesk in it.")
    return viewer, server


async def manager_of(request: web.Request, guild_id: str) -> tuple[Viewer, Server]:
    """As `member_of`, for a server's admin pages: Manage Server (or Administrator, or owning
    the server), as the admin slash commands require."""
    viewer, server = await member_of(request, guild_id)
    if not server.manager:
        assert viewer.session is not None
        log.warning(
            "refused admin page of server %s to user %s (cannot manage it): %s %s",
            server.id,
            viewer.session.user_id,
            request.method,
            request.path[:200],
        )
        raise Refused(f"Managing {server.name} on the web needs the Manage Server permission.")
    return viewer, server


async def digest_editor_of(request: web.Request, guild_id: str) -> tuple[Viewer, Server]:
    """As `manager_of`, for a server's digest pages: Manage Server or the server's digest role
    (`/digest role`), checked by the same core function as the /digest commands."""
    viewer, server = await member_of(request, guild_id)
    store = context_of(request).store
    try:
        await check_digest_editor(
            store, server.id, manages_guild=server.manager, role_ids=server.roles
        )
    except NotDigestEditor as refused:
        assert viewer.session is not None
        log.warning(
            "refused digest page of server %s to user %s (no Manage Server, no digest role): %s %s",
            server.id,
            viewer.session.user_id,
            request.method,
            request.path[:200],
        )
        raise Refused(str(refused)) from None
    return viewer, server
