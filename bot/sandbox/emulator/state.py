"""The emulated Discord world: guilds, channels and roles (users in `users.py`, messages in
`messages.py`).

Users, messages, interactions and the emulator's clock and ids are re-exported here, where
tests and the sandbox import them from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .ids import DISCORD_EPOCH_MS, Clock, Snowflakes, SystemClock, iso_now, seconds
from .messages import (
    ACK_DEADLINE,
    EPHEMERAL,
    TOKEN_LIFETIME,
    Attachment,
    Interaction,
    Message,
    Upload,
)
from .users import User

__all__ = [
    "ACK_DEADLINE",
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "DISCORD_EPOCH_MS",
    "DM_CHANNEL",
    "EPHEMERAL",
    "FORUM_CHANNEL",
    "MANAGE_WEBHOOKS",
    "PUBLIC_THREAD",
    "TEXT_CHANNEL",
    "TOKEN_LIFETIME",
    "Attachment",
    "Channel",
    "Clock",
    "Guild",
    "Interaction",
    "Member",
    "Message",
    "Role",
    "Snowflakes",
    "SystemClock",
    "Upload",
    "User",
    "iso_now",
    "seconds",
]

# Channel types used by the emulator (Discord's numbering).
TEXT_CHANNEL = 0
DM_CHANNEL = 1
PUBLIC_THREAD = 11
FORUM_CHANNEL = 15

# Permissions granted to every member of an emulated guild: administrator keeps tests focused on
# the bot's behaviour rather than on permission set-up.
ADMINISTRATOR = 1 << 3
MANAGE_WEBHOOKS = 1 << 29
ALL_PERMISSIONS = (1 << 50) - 1


@dataclass
class Role:
    """A guild role."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0

    def payload(self) -> dict[str, Any]:
        """Return the role object as Discord sends it."""
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Channel:
    """A guild channel, thread or DM channel."""

    id: int
    name: str
    type: int = TEXT_CHANNEL
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    owner_id: int | None = None
    recipients: list[User] = field(default_factory=list)
    last_message_id: int | None = None

    def payload(self) -> dict[str, Any]:
        """Return the channel object as Discord sends it."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "rate_limit_per_user": 0,
            "nsfw": False,
            "permission_overwrites": [],
            "flags": 0,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.parent_id is not None:
            data["parent_id"] = str(self.parent_id)
        if self.type == DM_CHANNEL:
            data["recipients"] = [u.payload() for u in self.recipients]
            del data["name"], data["position"]
        if self.type == FORUM_CHANNEL:
            data["available_tags"] = []
            data["default_reaction_emoji"] = None
            data["default_sort_order"] = None
            data["default_forum_layout"] = 0
        if self.type == PUBLIC_THREAD:
            data["owner_id"] = str(self.owner_id) if self.owner_id else None
            data["message_count"] = 0
            data["member_count"] = 1
            data["total_message_sent"] = 0
            data["applied_tags"] = []
            data["thread_metadata"] = {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": iso_now(),
                "locked": False,
            }
        return data


@dataclass
class Member:
    """A user's membership in a guild."""

    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None

    def payload(self, *, with_permissions: bool = False) -> dict[str, Any]:
        """Return the guild member object as Discord sends it."""
        data: dict[str, Any] = {
            "user": self.user.payload(),
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
        }
        if with_permissions:
            data["permissions"] = str(ALL_PERMISSIONS)
        return data


@dataclass
class Guild:
    """A guild with its roles, channels and members."""

    id: int
    name: str
    owner_id: int
    roles: list[Role] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    threads: list[Channel] = field(default_factory=list)

    def member(self, user_id: int) -> Member | None:
        """Return the member with this user id, if any."""
        return next((m for m in self.members if m.user.id == user_id), None)

    def permissions_of(self, user_id: int) -> int:
        """A member's permissions in the guild: @everyone's and their roles' together, or
        every permission with Administrator (channel overwrites are not modelled)."""
        member = self.member(user_id)
        held = {self.id, *(member.roles if member else [])}
        granted = 0
        for role in self.roles:
            if role.id in held:
                granted |= role.permissions
        return ALL_PERMISSIONS if granted & ADMINISTRATOR else granted

    def channel(self, name: str) -> Channel:
        """Return the channel called `name` (raises KeyError if absent)."""
        for channel in self.channels + self.threads:
            if channel.name == name:
                return channel
        raise KeyError(f"no channel {name!r} in guild {self.name!r}")

    def payload(self) -> dict[str, Any]:
        """Return the GUILD_CREATE payload."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id),
            "unavailable": False,
            "large": False,
            "member_count": len(self.members),
            "features": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
            "emojis": [],
            "stickers": [],
            "roles": [r.payload() for r in self.roles],
            "channels": [c.payload() for c in self.channels],
            "threads": [t.payload() for t in self.threads],
            "members": [m.payload() for m in self.members],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
        }
