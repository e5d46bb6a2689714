"""The emulated Discord world: users, guilds, channels, roles, messages and interactions."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

# Discord epoch plus a fixed offset keeps ids realistic (18-19 digits) and deterministic.
_FIRST_SNOWFLAKE = 1_300_000_000_000_000_000
DISCORD_EPOCH_MS = 1_420_070_400_000

# Channel types used by the emulator (Discord's numbering).
TEXT_CHANNEL = 0
DM_CHANNEL = 1
PUBLIC_THREAD = 11
FORUM_CHANNEL = 15

EPHEMERAL = 1 << 6

# Discord's deadlines for an interaction token.
ACK_DEADLINE = 3.0
TOKEN_LIFETIME = 15 * 60.0

# Permissions granted to every member of an emulated guild: administrator keeps tests focused on
# the bot's behaviour rather than on permission set-up.
ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 50) - 1


class Clock(Protocol):
    """Where the emulator reads "now" for interaction deadlines.

    Either monotonic seconds (the default SystemClock) or an aware datetime, so the project's
    `bot.clock.FakeClock` can drive the emulator and the bot's schedulers together.
    """

    def now(self) -> float | datetime:
        """Return the current time."""
        ...


class SystemClock:
    """The real monotonic clock (the default)."""

    def now(self) -> float:
        """Return time.monotonic()."""
        return time.monotonic()


def seconds(clock: Clock) -> float:
    """Read a clock as seconds, whichever kind it is."""
    value = clock.now()
    return value.timestamp() if isinstance(value, datetime) else float(value)


class Snowflakes:
    """Hands out increasing snowflake ids, deterministic per emulator."""

    def __init__(self) -> None:
        self._counter = itertools.count(_FIRST_SNOWFLAKE, 4096)

    def next(self) -> int:
        """Return a fresh id."""
        return next(self._counter)

    def now(self) -> int:
        """Return a fresh id whose timestamp is the real present, as Discord's interaction ids
        are: discord.py treats an interaction older than 15 minutes by its id as expired."""
        present = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        upcoming = max(next(self._counter), present)
        self._counter = itertools.count(upcoming + 4096, 4096)
        return upcoming

    def tick(self, milliseconds: int = 1) -> None:
        """Make later ids look created `milliseconds` later (a snowflake's bits 22 and up are
        its time), e.g. so guilds created one after another land on different shards."""
        upcoming = next(self._counter) + (milliseconds << 22)
        self._counter = itertools.count(upcoming, 4096)


def iso_now() -> str:
    """Return the current UTC time in Discord's ISO-8601 form."""
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    """A Discord user (a person or the bot)."""

    id: int
    username: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        """Return the user object as Discord sends it."""
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.username,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


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


@dataclass
class Attachment:
    """A file attached to a message."""

    id: int
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass
class Message:
    """A message the emulator holds; also what tests inspect as the bot's answer.

    `kind` says how it was made: "channel" (REST create), "callback" (interaction response),
    "deferred" (a deferred response's placeholder), "followup" (webhook follow-up) or "user"
    (sent by an emulated person through the gateway).
    """

    id: int
    channel_id: int
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    guild_id: int | None = None
    kind: str = "channel"
    interaction_id: int | None = None
    reference_id: int | None = None
    webhook_id: int | None = None
    edits: int = 0
    deleted: bool = False
    timestamp: str = field(default_factory=iso_now)

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user sees this message."""
        return bool(self.flags & EPHEMERAL)

    @property
    def files(self) -> dict[str, bytes]:
        """The attachments as {filename: bytes}."""
        return {a.filename: a.data for a in self.attachments}

    @property
    def filenames(self) -> list[str]:
        """The attachments' filenames in order."""
        return [a.filename for a in self.attachments]

    @property
    def custom_ids(self) -> list[str]:
        """Every custom_id in the message's components, in order."""
        found: list[str] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for item in items:
                if "custom_id" in item:
                    found.append(item["custom_id"])
                walk(item.get("components", []))

        walk(self.components)
        return found

    def payload(self, base_url: str, interaction: Interaction | None = None) -> dict[str, Any]:
        """Return the message object as Discord sends it."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": 19 if self.reference_id is not None else 0,
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": iso_now() if self.edits else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": str(a.id),
                    "filename": a.filename,
                    "size": len(a.data),
                    "url": f"{base_url}/attachments/{self.channel_id}/{a.id}/{a.filename}",
                    "proxy_url": f"{base_url}/attachments/{self.channel_id}/{a.id}/{a.filename}",
                    "content_type": a.content_type,
                }
                for a in self.attachments
            ],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.reference_id is not None:
            data["message_reference"] = {
                "message_id": str(self.reference_id),
                "channel_id": str(self.channel_id),
            }
        if interaction is not None:
            # Views sent with an interaction response are keyed by this metadata in discord.py.
            data["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": {},
            }
        return data


@dataclass
class Interaction:
    """An interaction the emulator sent to the bot, and everything the bot answered to it.

    `response_type` is the callback type (4 message, 5 deferred, 6 deferred update, 7 update,
    8 autocomplete result, 9 modal) or None before the bot acknowledged.
    """

    id: int
    token: str
    type: int
    user: User
    channel_id: int
    guild_id: int | None
    data: dict[str, Any]
    created_at: float
    source_message: Message | None = None
    response_type: int | None = None
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    original_edited: bool = False

    @property
    def messages(self) -> list[Message]:
        """The original response (if any) then each follow-up, skipping deleted ones."""
        found = [self.original] if self.original is not None else []
        # A deferred response's "thinking" placeholder (flag 128) is not an answer yet.
        return [m for m in found + self.followups if not m.deleted and not m.flags & 128]

    @property
    def message(self) -> Message:
        """The first visible message the bot answered with (raises if none)."""
        if not self.messages:
            raise AssertionError(f"interaction {self.id} has no message response")
        return self.messages[0]

    @property
    def acknowledged(self) -> bool:
        """Whether the bot sent an initial response of any type (including a silent deferral)."""
        return self.response_type is not None

    @property
    def answered(self) -> bool:
        """Whether the bot gave a visible answer (not just a deferral)."""
        if self.response_type in (4, 7, 8, 9):
            return True
        return self.response_type in (5, 6) and (self.original_edited or bool(self.followups))
