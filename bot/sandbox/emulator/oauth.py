"""OAuth2 routes of the emulator ("Login with Discord"): the authorization page where you pick an
emulated user, the token exchange (authorization code + PKCE), and the bearer-token reads of
that user and their servers, as Discord answers them.

    GET  /oauth2/authorize            consent page (client_id, redirect_uri, state, PKCE S256)
    POST /oauth2/authorize            the choice: redirect back with ?code=… or ?error=…
    POST /api/oauth2/token            code → access token
    GET  /api/v10/users/@me           with `Authorization: Bearer …` (scope identify)
    GET  /api/v10/users/@me/guilds    the user's servers with their permissions (scope guilds)
    GET  /api/v10/users/@me/guilds/{id}/member   their member record there, roles and all
                                      (scope guilds.members.read)

Like Discord, a redirect URI must be registered (`redirect_uris`) and the token request must
name the same one; a code is used once and lasts ten minutes; a bearer token reaches only these
reads.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from .routing import Host, Routes
from .state import ADMINISTRATOR, ALL_PERMISSIONS, Guild, User
from .wire import error_response, json_response

CODE_SECONDS = 600
TOKEN_SECONDS = 7 * 24 * 3600
SCOPES = frozenset({"identify", "guilds", "guilds.members.read"})


@dataclass
class Grant:
    """An authorization code waiting to be exchanged."""

    user_id: int
    redirect_uri: str
    scopes: frozenset[str]
    challenge: str | None
    expires: float


@dataclass
class Token:
    """An access token and what it may read."""

    user_id: int
    scopes: frozenset[str]
    expires: float


def s256(verifier: str) -> str:
    """PKCE's S256 code challenge of a verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def member_permissions(guild: Guild, user: User) -> int:
    """A member's server-wide permissions as `/users/@me/guilds` reports them: everything for
    the owner and administrators, else @everyone's and their roles' permissions combined."""
    if guild.owner_id == user.id:
        return ALL_PERMISSIONS
    member = guild.member(user.id)
    held = set(member.roles) if member else set()
    bits = 0
    for role in guild.roles:
        if role.id == guild.id or role.id in held:
            bits |= role.permissions
    return ALL_PERMISSIONS if bits & ADMINISTRATOR else bits


class OAuthRoutes:
    """The application's OAuth2: registered redirect URIs, its client secret, codes, tokens."""

    def __init__(self, host: Host, client_secret: str = "sandbox-client-secret") -> None:
        self.host = host
        self.world = host.world
        self.client_secret = client_secret
        self.redirect_uris: list[str] = []
        self.grants: dict[str, Grant] = {}
        self.tokens: dict[str, Token] = {}

    @property
    def client_id(self) -> int:
        """The application's id, which OAuth2 calls its client id."""
        return self.world.bot.id

    def register(self, routes: Routes) -> None:
        """Add this module's routes (bearer reads are answered through `answer_bearer`)."""
        routes.add("GET", "/oauth2/authorize", self.consent_page, under_api=False)
        routes.add("POST", "/oauth2/authorize", self.decide, under_api=False)
        routes.add("POST", "/api/oauth2/token", self.token, under_api=False)

    # -- authorization ----------------------------------------------------------------------

    def _check_request(self, query: Any) -> str | None:
        """Why an authorization request is refused (Discord shows such a page), or None."""
        if query.get("client_id") != str(self.client_id):
            return "Unknown application: client_id does not name this application."
        if query.get("redirect_uri") not in self.redirect_uris:
            return "Invalid OAuth2 redirect_uri: it is not registered for this application."
        if query.get("response_type") != "code":
            return "Unsupported response_type: only code is supported."
        scopes = set(str(query.get("scope", "")).split())
        if not scopes or not scopes <= SCOPES:
            return f"Invalid scope: use {' '.join(sorted(SCOPES))}."
        if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
            return "Invalid code_challenge_method: only S256 is supported."
        return None

    async def consent_page(self, request: web.Request) -> web.Response:
        """GET /oauth2/authorize: who do you want to sign in as?"""
        problem = self._check_request(request.query)
        if problem:
            return _page("Authorization failed", f"<p>{html.escape(problem)}</p>", status=400)
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in request.query.items()
        )
        people = [u for u in self.world.users.values() if not u.bot]
        buttons = "".join(
            f'<button type="submit" name="user" value="{u.id}">Sign in as '
            f"{html.escape(u.username)}</button> "
            for u in people
        )
        app = html.escape(self.world.bot.username)
        body = (
            f"<p>{app} (emulated) wants to know who you are and which servers you are in "
            f"(scopes: {html.escape(request.query.get('scope', ''))}).</p>"
            f'<form method="post" action="/oauth2/authorize">{hidden}{buttons}'
            '<button type="submit" name="deny" value="1">Cancel</button></form>'
        )
        return _page(f"Sign in to {app}", body)

    async def decide(self, request: web.Request) -> web.StreamResponse:
        """POST /oauth2/authorize: send the browser back with a code, or with access_denied."""
        form = await request.post()
        problem = self._check_request(form)
        if problem:
            return _page("Authorization failed", f"<p>{html.escape(problem)}</p>", status=400)
        back: dict[str, str] = {}
        if form.get("deny") or str(form.get("user", "")) not in {str(u) for u in self.world.users}:
            back["error"] = "access_denied"
            back["error_description"] = (
                "The resource owner or authorization server denied the request"
            )
        else:
            code = secrets.token_urlsafe(24)
            self.grants[code] = Grant(
                user_id=int(str(form["user"])),
                redirect_uri=str(form["redirect_uri"]),
                scopes=frozenset(str(form["scope"]).split()),
                challenge=str(form["code_challenge"]) if form.get("code_challenge") else None,
                expires=self.host.now() + CODE_SECONDS,
            )
            back["code"] = code
        if form.get("state"):
            back["state"] = str(form["state"])
        target = str(form["redirect_uri"])
        joiner = "&" if urlsplit(target).query else "?"
        raise web.HTTPFound(f"{target}{joiner}{urlencode(back)}")

    # -- token exchange ---------------------------------------------------------------------

    def _client_ok(self, request: web.Request, form: Any) -> bool:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                decoded = base64.b64decode(header.removeprefix("Basic ").strip()).decode()
            except (ValueError, UnicodeDecodeError):
                return False
            client_id, _, secret = decoded.partition(":")
        return client_id == str(self.client_id) and hmac.compare_digest(
            str(secret).encode(), self.client_secret.encode()
        )

    async def token(self, request: web.Request) -> web.Response:
        """POST /api/oauth2/token: exchange an authorization code (once) for a token."""
        form = await request.post()
        if not self._client_ok(request, form):
            return json_response({"error": "invalid_client"}, status=401)
        if form.get("grant_type") != "authorization_code":
            return json_response({"error": "unsupported_grant_type"}, status=400)
        grant = self.grants.pop(str(form.get("code", "")), None)
        if grant is None or grant.expires < self.host.now():
            return _invalid_grant('Invalid "code" in request.')
        if form.get("redirect_uri") != grant.redirect_uri:
            return _invalid_grant('Invalid "redirect_uri" in request.')
        if grant.challenge is not None:
            verifier = str(form.get("code_verifier", ""))
            if not verifier or not hmac.compare_digest(s256(verifier), grant.challenge):
                return _invalid_grant('Invalid "code_verifier" in request.')
        access = secrets.token_urlsafe(30)
        self.tokens[access] = Token(grant.user_id, grant.scopes, self.host.now() + TOKEN_SECONDS)
        return json_response(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS,
                "refresh_token": secrets.token_urlsafe(30),
                "scope": " ".join(sorted(grant.scopes)),
            }
        )

    # -- bearer reads -----------------------------------------------------------------------

    async def answer_bearer(self, request: web.Request, path: str) -> web.Response:
        """A request with `Authorization: Bearer …`: the user's own reads, nothing else."""
        token = self.tokens.get(request.headers["Authorization"].removeprefix("Bearer ").strip())
        if token is None or token.expires < self.host.now():
            return error_response(401, 0, "401: Unauthorized")
        user = self.world.users[token.user_id]
        if request.method == "GET" and path == "/users/@me" and "identify" in token.scopes:
            return json_response({**user.payload(), "mfa_enabled": False, "locale": "en-GB"})
        if request.method == "GET" and path == "/users/@me/guilds" and "guilds" in token.scopes:
            return json_response(
                [_partial_guild(g, user) for g in self.world.guilds if g.member(user.id)]
            )
        member_path = path.removeprefix("/users/@me/guilds/").removesuffix("/member")
        if (
            request.method == "GET"
            and path.endswith("/member")
            and member_path.isdigit()
            and "guilds.members.read" in token.scopes
        ):
            guild = next((g for g in self.world.guilds if g.id == int(member_path)), None)
            member = guild.member(user.id) if guild else None
            if member is None:
                return error_response(404, 10004, "Unknown Guild")
            return json_response(member.payload())
        return error_response(403, 50001, "Missing Access")


def _partial_guild(guild: Guild, user: User) -> dict[str, Any]:
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "banner": None,
        "owner": guild.owner_id == user.id,
        "permissions": str(member_permissions(guild, user)),
        "features": [],
    }


def _invalid_grant(description: str) -> web.Response:
    return json_response({"error": "invalid_grant", "error_description": description}, status=400)


def _page(title: str, body: str, *, status: int = 200) -> web.Response:
    """A small HTML page (everything in it already escaped)."""
    text = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="data:,"><title>{html.escape(title)}</title></head>'
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )
    return web.Response(text=text, status=status, content_type="text/html")
