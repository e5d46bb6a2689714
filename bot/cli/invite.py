"""CLI command `invite`: the URL that adds the bot to a server with the permissions it uses."""

from __future__ import annotations

import argparse
import base64
import binascii
from urllib.parse import urlencode

from bot.cli.arguments import MAX_SNOWFLAKE, whole
from bot.config import Settings
from bot.errors import ConfigError
from bot.terminal import terminal

out = terminal()

# The permission bits Newsdesk needs (Discord's documented values), and why.
PERMISSIONS = {
    "View Channels": 1 << 10,  # see the channels it answers in
    "Send Messages": 1 << 11,  # answers, digests, feed announcements
    "Embed Links": 1 << 14,  # every answer is an embed
    "Attach Files": 1 << 15,  # entity charts
    "Read Message History": 1 << 16,  # digests check what they already posted
    "Create Public Threads": 1 << 35,  # forum digests and announcements
    "Send Messages in Threads": 1 << 38,  # digests and feeds posting into threads
}
SCOPES = ("bot", "applications.commands")


def application_id_from_token(token: str) -> int:
    """A bot token starts with its application's id in base64; read it (the token is not shown)."""
    head = token.split(".", 1)[0]
    try:
        return int(base64.b64decode(head + "=" * (-len(head) % 4)).decode("ascii"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token; pass --client-id from the Developer "
            "Portal (General Information → Application ID)"
        ) from None


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that invites the bot with its scopes and permissions."""
    query = {
        "client_id": str(application_id),
        "scope": " ".join(SCOPES),
        "permissions": str(sum(PERMISSIONS.values())),
    }
    return "https://discord.com/oauth2/authorize?" + urlencode(query)


def _invite(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    if args.client_id:
        app_id = args.client_id
    elif settings.has_token:
        app_id = application_id_from_token(settings.discord_token.reveal())
    else:
        raise ConfigError(
            "no DISCORD_TOKEN set: pass --client-id (Developer Portal → General Information)"
        )
    print(invite_url(app_id))  # plain print: a URL must never be wrapped
    out.print(f"[dim]scopes: {', '.join(SCOPES)}; permissions: {', '.join(PERMISSIONS)}[/]")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `invite`."""
    p = sub.add_parser("invite", help="print the URL that adds the bot to a Discord server")
    p.add_argument(
        "--client-id",
        type=whole(1, MAX_SNOWFLAKE),
        help="application id (default: read from the token)",
    )
    p.set_defaults(func=_invite)
