"""What a delivery is made of: where it goes, its parts (one message each, with a deterministic
nonce), how a forum takes them, and how to recognise what an interrupted attempt posted."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

import discord

# Discord keeps nonces of at most 25 characters.
NONCE_CHARS = 25
# Messages read back per channel (and per forum post) when looking for an earlier attempt.
HISTORY = 50
# The bot's newest forum posts read inside when an earlier attempt's parts are looked for.
FORUM_POSTS_READ = 10


def part_key(kind: str, *ids: int | str) -> str:
    """A nonce naming one part of one delivery, the same on every attempt: `digest-7-2`, or
    `follow-` and a hash of the ids when they do not fit Discord's 25 characters. It must
    differ whenever the part's content could (Discord answers a repeated nonce with the first
    message), so it names every item the part carries."""
    plain = "-".join([kind, *(str(i) for i in ids)])
    if len(plain) <= NONCE_CHARS:
        return plain
    digest = hashlib.blake2b(plain.encode(), digest_size=8).hexdigest()
    if len(kind) + 1 + len(digest) > NONCE_CHARS:
        raise ValueError(f"part kind {kind!r} is too long for a nonce")
    return f"{kind}-{digest}"


@dataclass(frozen=True)
class Destination:
    """Where a delivery goes: a guild channel, thread or forum (`channel_id`), or a member's
    direct messages (`user_id`). With `thread_of`, the thread of that message of the channel
    (opened, named `thread_name`, when it has none; in a forum, that post), where replies to
    it go. Room to grow: who it posts as (a channel webhook's name and avatar)."""

    channel_id: int | None = None
    user_id: int | None = None
    thread_of: int | None = None
    thread_name: str = "Updates"
    # The server the channel must belong to: a channel id typed on the web or read from a
    # backup file could name another server's channel, which is never posted in.
    guild_id: int | None = None

    def __post_init__(self) -> None:
        if (self.channel_id is None) == (self.user_id is None):
            raise ValueError("a destination is one channel or one member's DMs")
        if self.thread_of is not None and self.channel_id is None:
            raise ValueError("only a channel's message has a thread")


class ForumLayout(Enum):
    """How a forum channel takes a delivery's parts."""

    ONE_POST = "one post"  # the first part opens a post, the others follow inside it
    POST_EACH = "post each"  # every part is a post of its own


@dataclass(frozen=True)
class Part:
    """One message of a delivery. `key` is its nonce (see `part_key`); `title` names the forum
    post it opens, when it opens one; `mentions` None means the bot's default (none); `view`
    holds its components (buttons), if any."""

    key: str
    content: str | None = None
    embeds: Sequence[discord.Embed] = ()
    title: str = "News"
    mentions: discord.AllowedMentions | None = None
    view: discord.ui.View | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.key) <= NONCE_CHARS:
            raise ValueError(f"a part key is 1-{NONCE_CHARS} characters: {self.key!r}")


@dataclass(frozen=True)
class Recovery:
    """How to tell, after a crash, what an earlier attempt already posted: `marks` names what
    a message of ours carries (part keys, or whatever the caller keys its items by); in a
    forum, `post_marks` reads the same from a post's name alone, without reading the post.
    Without `post_marks`, the bot's newest forum posts are read inside."""

    marks: Callable[[discord.Message], Iterable[str]]
    post_marks: Callable[[str], Iterable[str]] | None = None
    history: int = HISTORY
