"""Sessions: who is looking at a page. The browser holds a random secret in an HttpOnly,
SameSite=Lax cookie (Secure over https); the store keeps only its SHA-256, the member's
servers and a CSRF token, until the session expires or the member signs out."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from aiohttp import web

from bot.clock import utc_iso
from bot.store import BotGuild, MemberGuild, WebSession
from bot.web.context import WebContext, context_of

COOKIE = "newsdesk_session"
# Over https the cookie takes the __Host- prefix: browsers then refuse it unless it is
# Secure, host-only and for the whole site, so no subdomain can plant or shadow it.
SECURE_COOKIE = "__Host-newsdesk_session"
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5


def digest(secret: str) -> str:
    """What the store keeps instead of a secret (a session cookie, an OAuth2 state)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A fresh random secret for a cookie, a CSRF token or an OAuth2 state (256 bits)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Server:
    """One of the member's servers that the bot is in, and whether they may manage it there
    (Manage Server or Administrator, or they own it: what the admin commands require)."""

    id: int
    name: str
    manager: bool
    roles: tuple[int, ...] = ()  # their role ids there, where read at sign-in


def manages(guild: MemberGuild) -> bool:
    """Whether a member may manage a server, from what Discord reported at sign-in."""
    return guild.owner or bool(guild.permissions & (ADMINISTRATOR | MANAGE_GUILD))


@dataclass(frozen=True)
class Viewer:
    """The person behind a request: a signed-in member (`session`) or anyone."""

    session: WebSession | None

    @property
    def signed_in(self) -> bool:
        """True for a member with a live session."""
        return self.session is not None

    @property
    def csrf_token(self) -> str:
        """The token every form of this session carries ("" for anyone)."""
        return self.session.csrf_token if self.session else ""

    @property
    def name(self) -> str:
        """The member's Discord username ("" for anyone)."""
        return self.session.username if self.session else ""

    async def servers(self, context: WebContext) -> list[Server]:
        """The member's servers that the bot is in now (Discord's list from sign-in, checked
        against the servers the bot recorded), by name."""
        if self.session is None:
            return []
        theirs = {g.id: g for g in self.session.guilds}
        shared: list[BotGuild] = await context.store.bot_guilds(list(theirs))
        return [Server(g.id, g.name, manages(theirs[g.id]), theirs[g.id].roles) for g in shared]


VIEWER: web.RequestKey[Viewer] = web.RequestKey("newsdesk_viewer", Viewer)


def cookie_name(context: WebContext) -> str:
    """The session cookie's name for this site."""
    return SECURE_COOKIE if context.options.secure else COOKIE


async def load_viewer(request: web.Request) -> Viewer:
    """The request's viewer, from its session cookie (read once per request)."""
    if VIEWER in request:
        return request[VIEWER]
    context = context_of(request)
    secret = request.cookies.get(cookie_name(context), "")
    session = None
    if secret:
        session = await context.store.web_session(digest(secret), utc_iso(context.clock.now()))
    viewer = request[VIEWER] = Viewer(session)
    return viewer


async def open_session(
    context: WebContext,
    response: web.StreamResponse,
    user_id: int,
    username: str,
    guilds: tuple[MemberGuild, ...],
) -> WebSession:
    """Start a session for a member who just signed in and give the browser its cookie."""
    secret = new_secret()
    now = context.clock.now()
    session = WebSession(
        key=digest(secret),
        user_id=user_id,
        username=username,
        guilds=guilds,
        csrf_token=new_secret(),
        created_at=utc_iso(now),
        expires_at=utc_iso(now + context.options.session_lifetime),
    )
    async with context.store.transaction():
        await context.store.purge_web_sessions(utc_iso(now))
        await context.store.open_web_session(session)
    response.set_cookie(
        cookie_name(context),
        secret,
        max_age=int(context.options.session_lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="Lax",
        secure=context.options.secure,
    )
    return session


async def close_session(context: WebContext, request: web.Request, response: web.Response) -> None:
    """End the request's session (in the store, so the cookie is worthless everywhere) and
    tell the browser to drop the cookie."""
    secret = request.cookies.get(cookie_name(context), "")
    if secret:
        async with context.store.transaction():
            await context.store.close_web_session(digest(secret))
    # Expired at once, with the attributes it was set with (a __Host- cookie needs Secure).
    response.set_cookie(
        cookie_name(context),
        "",
        max_age=0,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=context.options.secure,
    )
