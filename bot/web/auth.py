"""Signing in with Discord and out again.

/login shows the button; /login/discord starts an OAuth2 authorization-code sign-in (a random
`state` kept as a hash in the store with the PKCE verifier and in a short cookie, so the
callback must come back to the browser that started it); /auth/callback checks both, exchanges
the code, reads the member and their servers, and opens a session; POST /logout ends it.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
from datetime import timedelta
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bot.clock import utc_iso
from bot.digest.manage import ROLE_KEY
from bot.store import MemberGuild
from bot.web.access import Refused
from bot.web.context import WebContext, context_of
from bot.web.discord_oauth import (
    SignInError,
    authorize_url,
    exchange_code,
    new_verifier,
    read_member,
    read_roles,
)
from bot.web.render import page
from bot.web.sessions import (
    close_session,
    digest,
    load_viewer,
    manages,
    new_secret,
    open_session,
)

log = logging.getLogger(__name__)

SIGN_IN_COOKIE = "newsdesk_sign_in"
SIGN_IN_TIME = timedelta(minutes=10)
HTTP: web.AppKey[aiohttp.ClientSession] = web.AppKey("newsdesk_http", aiohttp.ClientSession)


def see_other(location: str) -> web.Response:
    """A 303 to `location` (cookies set on it are kept, unlike on a raised redirect)."""
    return web.Response(status=303, headers={"Location": location})


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another site ("//evil")."""
    target = (target or "/").strip()
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return "/"
    return target[:500]


async def login_page(request: web.Request) -> web.Response:
    """GET /login: why to sign in, and the button."""
    viewer = await load_viewer(request)
    target = safe_next(request.query.get("next"))
    if viewer.signed_in:
        return see_other(target)
    return await page(request, "login.html", {"next": target})


async def start_sign_in(request: web.Request) -> web.Response:
    """GET /login/discord: send the browser to Discord's authorization page."""
    context = context_of(request)
    if context.discord is None:
        raise Refused("Signing in is not set up here: set DISCORD_CLIENT_ID and SECRET.")
    state, verifier = new_secret(), new_verifier()
    now = context.clock.now()
    async with context.store.transaction():
        # Sign-ins nobody finished expire in ten minutes: what piles up stays that small.
        await context.store.purge_web_sessions(utc_iso(now))
        await context.store.start_sign_in(
            digest(state),
            verifier,
            safe_next(request.query.get("next")),
            now=utc_iso(now),
            expires_at=utc_iso(now + SIGN_IN_TIME),
        )
    response = see_other(
        authorize_url(context.discord, context.options.redirect_uri, state, verifier)
    )
    response.set_cookie(
        SIGN_IN_COOKIE,
        state,
        max_age=int(SIGN_IN_TIME.total_seconds()),
        path="/auth",
        httponly=True,
        samesite="Lax",
        secure=context.options.secure,
    )
    return response


async def callback(request: web.Request) -> web.Response:
    """GET /auth/callback: Discord sends the browser back with a code (or an error)."""
    context = context_of(request)
    if context.discord is None:
        raise Refused("Signing in is not set up here.")
    state = request.query.get("state", "")
    kept = request.cookies.get(SIGN_IN_COOKIE, "")
    if not state or not kept or not hmac.compare_digest(state.encode(), kept.encode()):
        log.warning("refused a sign-in callback whose state is not this browser's")
        raise Refused("This sign-in did not start in this browser, or took too long. Try again.")
    async with context.store.transaction():
        sign_in = await context.store.finish_sign_in(digest(state), utc_iso(context.clock.now()))
    if sign_in is None:
        raise Refused("This sign-in was already used or took too long. Try again.")
    if "error" in request.query or "code" not in request.query:
        return await page(request, "login.html", {"next": sign_in.next_path, "cancelled": True})
    try:
        http = request.app[HTTP]
        token = await exchange_code(
            http,
            context.discord,
            request.query["code"],
            sign_in.verifier,
            context.options.redirect_uri,
        )
        user_id, username, guilds = await read_member(http, context.discord, token)
        guilds = await with_roles(context, http, token, guilds)
    except SignInError as exc:
        return await page(request, "error.html", {"status": 502, "message": str(exc)}, status=502)
    response = see_other(sign_in.next_path)
    await close_session(context, request, response)  # a new session, never a planted one
    await open_session(context, response, user_id, username, guilds)
    response.set_cookie(SIGN_IN_COOKIE, "", max_age=0, path="/auth", httponly=True, samesite="Lax")
    log.info("user %s signed in to the web (%d servers)", user_id, len(guilds))
    return response


async def with_roles(
    context: WebContext, http: aiohttp.ClientSession, token: str, guilds: tuple[MemberGuild, ...]
) -> tuple[MemberGuild, ...]:
    """The member's servers, with their roles where a role could let them manage something:
    servers with the bot and a digest role set, which they cannot manage anyway."""
    assert context.discord is not None
    present = {g.id for g in await context.store.bot_guilds([g.id for g in guilds])}
    wanted = [
        g.id
        for g in guilds
        if g.id in present and not manages(g) and await context.store.guild_setting(g.id, ROLE_KEY)
    ]
    if not wanted:
        return guilds
    roles = await read_roles(http, context.discord, token, wanted)
    return tuple(dataclasses.replace(g, roles=roles.get(g.id, ())) for g in guilds)


async def logout(request: web.Request) -> web.Response:
    """POST /logout (with the CSRF token): end the session everywhere."""
    context: WebContext = context_of(request)
    response = see_other("/")
    await close_session(context, request, response)
    return response
