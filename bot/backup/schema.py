"""The server backup file: one JSON document holding a server's settings, feeds (with their
templates and own options), digests, channel follows (entities, quotes, searches, pairs), its
mute list and channels' pacing, versioned and validated (pydantic: types, lengths and counts,
unknown fields refused) before anything in it is believed.

Ids are written as strings (JSON numbers lose precision past 2^53, Discord's ids do not fit)
and are the exporting server's: a restore maps them onto the server it is restored into.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from bot.errors import NewsdeskError

VERSION = 2
#: Versions this Newsdesk reads: 2 added quote and pair follows; a version 1 file is a version
#: 2 file without them.
READABLE = (1, 2)
MAX_BACKUP_BYTES = 2 * 1024 * 1024
MAX_FEEDS = 100
MAX_DIGESTS = 25
MAX_FOLLOWS = 500
MAX_PACINGS = 500
MAX_MUTES = 100
TEMPLATE_CHARS = 8000

# The largest id the store keeps (a signed 64-bit integer, as Discord's snowflakes are).
MAX_ID = 2**63 - 1


def _storable(value: str) -> str:
    if int(value) > MAX_ID:
        raise ValueError(f"an id is at most {MAX_ID}")
    return value


Snowflake = Annotated[str, Field(pattern=r"^[0-9]{1,19}$"), AfterValidator(_storable)]
Text = Annotated[str, Field(max_length=300)]
Address = Annotated[str, Field(min_length=1, max_length=2000)]


class BackupRefused(NewsdeskError):
    """The file is not a backup this Newsdesk can restore (the message says why)."""


class Strict(BaseModel):
    """A part of the backup: unknown fields refused, values not coerced from other types."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ServerRef(Strict):
    """The server a backup was taken from."""

    id: Snowflake
    name: Text = ""


class FeedBackup(Strict):
    """One feed subscription of one channel, with its own options."""

    url: Address
    title: Text = ""
    channel: Snowflake
    filter: Text = ""
    role: Snowflake | None = None
    identity_name: Annotated[str, Field(max_length=80)] = ""
    avatar_url: Annotated[str, Field(max_length=2048)] = ""
    selector: Annotated[str, Field(max_length=200)] = ""
    template: Annotated[str, Field(max_length=TEMPLATE_CHARS)] = ""  # its own (JSON), '' none
    max_age_hours: Annotated[int, Field(ge=0, le=24 * 365)] = 0
    paused: bool = False
    # Where later reports of a story it posted go (bot.store.UPDATE_MODES).
    updates: Literal["off", "thread", "followers"] = "off"


class DigestBackup(Strict):
    """One digest schedule."""

    channel: Snowflake
    target: Annotated[str, Field(pattern=r"^(text|thread|forum)$")] = "text"
    time: Annotated[str, Field(max_length=10)]
    timezone: Annotated[str, Field(max_length=64)]
    every: Annotated[str, Field(max_length=100)] = "daily"
    filter: Text = ""
    max_items: Annotated[int, Field(ge=1, le=20)] = 5
    nothing_new: Annotated[str, Field(pattern=r"^(skip|note)$")] = "skip"
    paused: bool = False


class PairMember(Strict):
    """One of the two entities a pair follow is about."""

    name: Text
    label: Annotated[str, Field(max_length=40)]


class FollowBackup(Strict):
    """One channel's follow of an entity, what an entity is quoted saying ("quotes"), a saved
    search, or a pair of entities (`pair` names both; `target` is "A × B")."""

    channel: Snowflake
    kind: Annotated[str, Field(pattern=r"^(entity|quotes|query|pair)$")]
    target: Text
    entity_label: Annotated[str, Field(max_length=40)] | None = None
    pair: Annotated[list[PairMember], Field(min_length=2, max_length=2)] | None = None


class MuteBackup(Strict):
    """One rule of the server's mute list."""

    kind: Annotated[str, Field(pattern=r"^(word|phrase|source|entity)$")]
    value: Text
    entity_label: Annotated[str, Field(max_length=40)] | None = None


class PacingBackup(Strict):
    """One channel's flood control and quiet hours."""

    channel: Snowflake
    max_posts: Annotated[int, Field(ge=1, le=50)]
    window_minutes: Annotated[int, Field(ge=1, le=24 * 60)]
    quiet_start: Annotated[str, Field(max_length=5)] | None = None
    quiet_end: Annotated[str, Field(max_length=5)] | None = None


class SettingsBackup(Strict):
    """The server's own settings."""

    prefix: Annotated[str, Field(max_length=5)] | None = None
    digest_role: Snowflake | None = None
    timezone: Annotated[str, Field(max_length=64)] | None = None
    feed_template: Annotated[str, Field(max_length=TEMPLATE_CHARS)] | None = None


class Backup(Strict):
    """A whole server backup (version 2, or 1: the same without quote and pair follows)."""

    newsdesk_backup: Literal[1, 2]
    exported_at: Annotated[str, Field(max_length=40)]
    server: ServerRef
    channels: dict[Snowflake, Text] = Field(default_factory=dict, max_length=1000)
    roles: dict[Snowflake, Text] = Field(default_factory=dict, max_length=1000)
    settings: SettingsBackup = SettingsBackup()
    feeds: list[FeedBackup] = Field(default_factory=list, max_length=MAX_FEEDS)
    digests: list[DigestBackup] = Field(default_factory=list, max_length=MAX_DIGESTS)
    follows: list[FollowBackup] = Field(default_factory=list, max_length=MAX_FOLLOWS)
    pacing: list[PacingBackup] = Field(default_factory=list, max_length=MAX_PACINGS)
    mutes: list[MuteBackup] = Field(default_factory=list, max_length=MAX_MUTES)


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"]) or "the file"
    return f"{where}: {problem['msg']}"


def read_backup(data: bytes) -> Backup:
    """A backup file, validated whole; BackupRefused (nothing believed) if it is not one."""
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupRefused(f"the file is over the {MAX_BACKUP_BYTES // 1024} kB a backup may be")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BackupRefused("it is not JSON") from None
    if not isinstance(raw, dict) or "newsdesk_backup" not in raw:
        raise BackupRefused("it is not a Newsdesk backup (no `newsdesk_backup` version)")
    if raw["newsdesk_backup"] not in READABLE:
        raise BackupRefused(
            f"it is a version {str(raw['newsdesk_backup'])[:10]} backup; this Newsdesk reads "
            f"versions {READABLE[0]} to {READABLE[-1]}"
        )
    try:
        return Backup.model_validate(raw)
    except ValidationError as exc:
        problem = _first_problem(exc)
        raise BackupRefused(f"it does not hold what a backup holds ({problem})") from None


def write_backup(backup: Backup) -> bytes:
    """The backup as indented JSON (UTF-8)."""
    return backup.model_dump_json(indent=2).encode("utf-8") + b"\n"
