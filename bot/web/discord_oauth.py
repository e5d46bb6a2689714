"""Login with Discord, the client side: the authorization URL (scopes identify and guilds,
`state`, PKCE S256), the code exchanged for a token, and the member and their servers read with
it. The token is used for those two reads and never kept."""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.errors import NewsdeskError
from bot.store import MemberGuild
from bot.web.context import Discord

log = logging.getLogger(__name__)

# guilds.members.read: the member's roles in a server, where a role grants something (the
# digest role); read for at most MAX_ROLE_READS servers per sign-in.
SCOPES = "identify guilds guilds.members.read"
TIMEOUT = aiohttp.ClientTimeout(total=15)
# /users/@me/guilds lists at most 200 servers a page; a member in more sees their first 200.
MAX_GUILDS = 200
MAX_ROLE_READS = 10


class SignInError(NewsdeskError):
    """Discord refused a sign-in or could not be reached; the message says which."""


def new_verifier() -> str:
    """A PKCE code verifier: 86 characters from the unreserved set (RFC 7636: 43 to 128)."""
    return secrets.token_urlsafe(64)


def challenge(verifier: str) -> str:
    """The S256 code challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(discord: Discord, redirect_uri: str, state: str, verifier: str) -> str:
    """Where to send the browser to ask the member to sign in."""
    query = {
        "client_id": str(discord.client_id),
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": SCOPES,
        "state": state,
        "code_challenge": challenge(verifier),
        "code_challenge_method": "S256",
    }
    return f"{discord.base_url}/oauth2/authorize?{urlencode(query)}"


async def _json(response: aiohttp.ClientResponse, what: str) -> Any:
    if response.status >= 400:
        # Discord's error body says why (invalid_grant...): logged, not shown to the member.
        log.warning("Discord refused %s: HTTP %s %s", what, response.status, await response.text())
        raise SignInError(f"Discord refused the sign-in ({what}: HTTP {response.status}).")
    return await response.json(content_type=None)


async def exchange_code(
    http: aiohttp.ClientSession, discord: Discord, code: str, verifier: str, redirect_uri: str
) -> str:
    """Exchange an authorization code (with its PKCE verifier) for an access token."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "client_id": str(discord.client_id),
        "client_secret": discord.client_secret.reveal(),
    }
    try:
        async with http.post(
            f"{discord.base_url}/api/oauth2/token", data=form, timeout=TIMEOUT
        ) as response:
            token = await _json(response, "the code")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SignInError(f"Discord could not be reached ({type(exc).__name__}).") from None
    if not isinstance(token, dict) or not isinstance(token.get("access_token"), str):
        raise SignInError("Discord's answer held no access token.")
    return str(token["access_token"])


async def read_member(
    http: aiohttp.ClientSession, discord: Discord, access_token: str
) -> tuple[int, str, tuple[MemberGuild, ...]]:
    """The signed-in member: (user id, username, their servers with permissions)."""
    headers = {"Authorization": f"Bearer {access_token}"}
    try:
        async with http.get(
            f"{discord.api_url}/users/@me", headers=headers, timeout=TIMEOUT
        ) as response:
            user = await _json(response, "who you are")
        async with http.get(
            f"{discord.api_url}/users/@me/guilds", headers=headers, timeout=TIMEOUT
        ) as response:
            listed = await _json(response, "your servers")
        guilds = tuple(
            MemberGuild(
                id=int(item["id"]),
                name=str(item.get("name", ""))[:100],
                owner=bool(item.get("owner", False)),
                permissions=int(item.get("permissions", 0)),
            )
            for item in listed[:MAX_GUILDS]
        )
        return int(user["id"]), str(user.get("username", ""))[:40], guilds
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SignInError(f"Discord could not be reached ({type(exc).__name__}).") from None
    except (KeyError, TypeError, ValueError):
        raise SignInError("Discord's answer about you could not be read.") from None


async def read_roles(
    http: aiohttp.ClientSession, discord: Discord, access_token: str, guild_ids: list[int]
) -> dict[int, tuple[int, ...]]:
    """The member's role ids in each of `guild_ids` (the first MAX_ROLE_READS); a server
    whose member record cannot be read is left out (no roles: nothing granted)."""
    headers = {"Authorization": f"Bearer {access_token}"}
    roles: dict[int, tuple[int, ...]] = {}
    for guild_id in guild_ids[:MAX_ROLE_READS]:
        url = f"{discord.api_url}/users/@me/guilds/{guild_id}/member"
        try:
            async with http.get(url, headers=headers, timeout=TIMEOUT) as response:
                if response.status >= 400:
                    log.warning(
                        "Discord refused the roles in %s: HTTP %s", guild_id, response.status
                    )
                    continue
                member = await response.json(content_type=None)
            roles[guild_id] = tuple(int(r) for r in member.get("roles", [])[:250])
        except (aiohttp.ClientError, TimeoutError, TypeError, ValueError, AttributeError) as exc:
            log.warning("could not read the roles in %s: %s", guild_id, type(exc).__name__)
    return roles
