"""What became of a post to Discord, as plain data: the messages posted (ids and links), or a
typed failure (missing channel, missing permission, a channel that takes no posts, an HTTP
error with Discord's status and code). The client's delivery module produces it; the core
reads it to decide whether to retry, give up, or report."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.errors import NewsdeskError

# Discord's JSON error codes the delivery module tells apart (the rest keep their number).
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
CANNOT_MESSAGE_USER = 50007
MISSING_PERMISSIONS = 50013


class FailureKind(StrEnum):
    """Why nothing (more) could be posted."""

    MISSING_CHANNEL = "missing channel"  # deleted, or never known (HTTP 404)
    MISSING_PERMISSION = "missing permission"  # a permission the bot lacks, or DMs closed (403)
    CANNOT_POST = "cannot post"  # a channel kind that takes no posts (voice, category)
    HTTP_ERROR = "http error"  # any other refusal or outage: 400s, 5xx after discord.py's retries


@dataclass(frozen=True)
class Failure:
    """One failed delivery step; `lasting` failures will fail the same way if retried."""

    kind: FailureKind
    channel_id: int | None = None  # the channel (or thread) it failed in, when known
    user_id: int | None = None  # the member whose DMs it failed in
    status: int | None = None  # the HTTP status Discord answered
    code: int | None = None  # Discord's JSON error code (10003, 50013, ...)
    detail: str = ""  # Discord's error message, or what the bot found itself
    missing: tuple[str, ...] = ()  # permissions the bot lacks ("Embed Links"), when it knows

    @property
    def lasting(self) -> bool:
        """True unless the failure may pass (an HTTP error that is not about access)."""
        return self.kind is not FailureKind.HTTP_ERROR

    def describe(self, channel: str = "the channel") -> str:
        """One line for logs and admins, e.g. `its channel was deleted` with channel="its
        channel", or `I am missing Embed Links in <#1>`."""
        where = f"<#{self.channel_id}>" if self.channel_id else channel
        if self.kind is FailureKind.MISSING_CHANNEL:
            return f"{channel} was deleted"
        if self.kind is FailureKind.CANNOT_POST:
            return f"{channel} can no longer take posts"
        if self.kind is FailureKind.MISSING_PERMISSION:
            if self.user_id is not None:
                return f"<@{self.user_id}> takes no direct messages from me ({self.detail})"
            if self.missing:
                return f"I am missing {', '.join(self.missing)} in {where}"
            return f"I may not post in {where} ({self.detail})"
        code = f", code {self.code}" if self.code else ""
        return f"Discord answered HTTP {self.status}{code}: {self.detail}"


@dataclass(frozen=True)
class PostedMessage:
    """A message the bot posted: where it lives (a thread's id for a forum post) and its id."""

    channel_id: int
    message_id: int
    guild_id: int | None = None  # None in direct messages
    earlier: bool = False  # posted by an earlier attempt (found after a crash), not this one

    @property
    def link(self) -> str:
        """The message's jump link."""
        guild = self.guild_id if self.guild_id is not None else "@me"
        return f"https://discord.com/channels/{guild}/{self.channel_id}/{self.message_id}"


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of posting a sequence of parts: the parts posted, in order (a prefix of
    them, adopted ones included), and the failure that stopped the rest, if any."""

    posted: tuple[PostedMessage, ...] = ()
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        """Every part is posted."""
        return self.failure is None

    @property
    def message_ids(self) -> list[int]:
        """The posted messages' ids, in part order."""
        return [p.message_id for p in self.posted]


class NotDelivered(NewsdeskError):
    """A delivery failed in a way its caller retries later; `failure` says how."""

    def __init__(self, failure: Failure, channel: str = "the channel") -> None:
        super().__init__(failure.describe(channel))
        self.failure = failure
