"""What the store keeps for the web: sign-ins under way, signed-in sessions (with the member's
servers and permissions as Discord reported them at sign-in) and the servers the bot is in;
their row decoders (both backends)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.store.records import Row


@dataclass(frozen=True)
class MemberGuild:
    """A server a signed-in member belongs to, as `/users/@me/guilds` described it."""

    id: int
    name: str
    owner: bool
    permissions: int  # Discord's permission bitfield in that server (roles, not overwrites)
    # Their role ids there, read at sign-in where a role may grant something (the digest
    # role); empty elsewhere.
    roles: tuple[int, ...] = ()


@dataclass(frozen=True)
class SignIn:
    """A sign-in under way: the PKCE verifier of its authorization request and where the
    member goes afterwards. Keyed by a hash of the `state` it was sent with; used once."""

    verifier: str
    next_path: str
    expires_at: str


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser. `key` is a hash of the cookie's secret (the cookie itself is
    never stored); the CSRF token goes in every form the session is shown."""

    key: str
    user_id: int
    username: str
    guilds: tuple[MemberGuild, ...]
    csrf_token: str
    created_at: str
    expires_at: str


@dataclass(frozen=True)
class BotGuild:
    """A server the bot is in, as the bot last saw it."""

    id: int
    name: str
    updated_at: str


SESSION_COLUMNS = "session_key, user_id, username, guilds, csrf_token, created_at, expires_at"
SIGN_IN_COLUMNS = "verifier, next_path, expires_at"
BOT_GUILD_COLUMNS = "guild_id, name, updated_at"


def guilds_json(guilds: tuple[MemberGuild, ...]) -> str:
    """A member's servers as the text both backends keep in the session row."""
    return json.dumps(
        [
            [str(g.id), g.name, g.owner, str(g.permissions), [str(r) for r in g.roles]]
            for g in guilds
        ],
        separators=(",", ":"),
    )


def guilds_from_json(text: str) -> tuple[MemberGuild, ...]:
    """The servers kept by `guilds_json`."""
    # Sessions opened before roles were kept have four fields.
    return tuple(
        MemberGuild(int(gid), str(name), bool(owner), int(perms), tuple(int(r) for r in roles))
        for gid, name, owner, perms, *rest in json.loads(text)
        for roles in (rest[0] if rest else [],)
    )


def session_values(session: WebSession) -> tuple[object, ...]:
    """A session's values in SESSION_COLUMNS order."""
    return (
        session.key,
        session.user_id,
        session.username,
        guilds_json(session.guilds),
        session.csrf_token,
        session.created_at,
        session.expires_at,
    )


def session_from_row(row: Row) -> WebSession:
    """Decode a row selected with SESSION_COLUMNS."""
    return WebSession(
        key=row["session_key"],
        user_id=int(row["user_id"]),
        username=row["username"],
        guilds=guilds_from_json(row["guilds"]),
        csrf_token=row["csrf_token"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
    )


def sign_in_from_row(row: Row) -> SignIn:
    """Decode a row selected with SIGN_IN_COLUMNS."""
    return SignIn(
        verifier=row["verifier"], next_path=row["next_path"], expires_at=row["expires_at"]
    )


def bot_guild_from_row(row: Row) -> BotGuild:
    """Decode a row selected with BOT_GUILD_COLUMNS."""
    return BotGuild(id=int(row["guild_id"]), name=row["name"], updated_at=row["updated_at"])
