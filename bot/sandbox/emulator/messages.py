"""Messages and interactions the emulator holds: what the bot answered, as tests inspect it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .ids import iso_now
from .users import User

EPHEMERAL = 1 << 6

# Discord's deadlines for an interaction token.
ACK_DEADLINE = 3.0
TOKEN_LIFETIME = 15 * 60.0


@dataclass
class Attachment:
    """A file attached to a message (or to a slash command's option)."""

    id: int
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"

    def payload(self, base_url: str, channel_id: int) -> dict[str, Any]:
        """The attachment object as Discord sends it (its URL served by the emulator)."""
        url = f"{base_url}/attachments/{channel_id}/{self.id}/{self.filename}"
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": url,
            "proxy_url": url,
            "content_type": self.content_type,
        }


@dataclass
class Upload:
    """A file a person picked for a slash command's attachment option: pass it as the
    option's value (`DiscordEmulator.upload` makes one)."""

    attachment: Attachment
    base_url: str

    def payload(self) -> dict[str, Any]:
        """The resolved attachment of the interaction (not in any channel yet)."""
        return self.attachment.payload(self.base_url, 0)


@dataclass
class Message:
    """A message the emulator holds; also what tests inspect as the bot's answer.

    `kind` says how it was made: "channel" (REST create), "callback" (interaction response),
    "deferred" (a deferred response's placeholder), "followup" (webhook follow-up), "webhook"
    (a channel webhook's message: its author is the webhook, `avatar_url` its override) or
    "user" (sent by an emulated person through the gateway).
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
    avatar_url: str | None = None
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
            "attachments": [a.payload(base_url, self.channel_id) for a in self.attachments],
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
