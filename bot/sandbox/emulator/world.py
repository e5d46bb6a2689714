"""The emulator's mutable world: who exists, where they talk, and what has been said."""

from __future__ import annotations

from typing import Any

from .hooks import Webhook
from .state import (
    ADMINISTRATOR,
    DM_CHANNEL,
    FORUM_CHANNEL,
    TEXT_CHANNEL,
    Attachment,
    Channel,
    Guild,
    Interaction,
    Member,
    Message,
    Role,
    Snowflakes,
    User,
)


class World:
    """Users, guilds, channels, messages, interactions and synced commands of one emulator."""

    def __init__(self, bot_name: str = "Newsdesk") -> None:
        self.ids = Snowflakes()
        self.bot = User(self.ids.next(), bot_name, bot=True)
        self.users: dict[int, User] = {self.bot.id: self.bot}
        self.guilds: list[Guild] = []
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        # Synced application commands: None for global, else the guild id.
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        # (channel id, nonce) of messages sent with enforce_nonce, and when (monotonic).
        self.nonces: dict[tuple[int, str], tuple[Message, float]] = {}
        self.webhooks: dict[int, Webhook] = {}
        # Files people picked for slash command options (served like attachments).
        self.uploads: dict[int, Attachment] = {}

    # -- building ---------------------------------------------------------------------------

    def add_user(self, username: str, *, bot: bool = False) -> User:
        """Create a user."""
        user = User(self.ids.next(), username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        text_channels: tuple[str, ...] = ("general", "news"),
        forum_channels: tuple[str, ...] = (),
        members: tuple[User, ...] = (),
        roles: tuple[str, ...] = ("Editors",),
    ) -> Guild:
        """Create a guild with channels, roles and members (the bot is always a member)."""
        guild_id = self.ids.next()
        owner = members[0] if members else self.bot
        guild = Guild(guild_id, name, owner_id=owner.id)
        # @everyone's id is the guild id, as on Discord.
        guild.roles.append(Role(guild_id, "@everyone", permissions=ADMINISTRATOR))
        for position, role_name in enumerate(roles, start=1):
            guild.roles.append(Role(self.ids.next(), role_name, position=position))
        for position, channel_name in enumerate(text_channels):
            self._add_channel(guild, channel_name, TEXT_CHANNEL, position)
        for position, channel_name in enumerate(forum_channels, start=len(text_channels)):
            self._add_channel(guild, channel_name, FORUM_CHANNEL, position)
        for user in (self.bot, *members):
            guild.members.append(Member(user))
        self.guilds.append(guild)
        return guild

    def _add_channel(self, guild: Guild, name: str, kind: int, position: int) -> Channel:
        channel = Channel(self.ids.next(), name, kind, guild_id=guild.id, position=position)
        guild.channels.append(channel)
        self.channels[channel.id] = channel
        return channel

    def add_thread(self, parent: Channel, name: str, owner: User) -> Channel:
        """Create a public thread (or forum post) under `parent`."""
        guild = self.guild_by_id(parent.guild_id or 0)
        thread = Channel(
            self.ids.next(), name, 11, guild_id=guild.id, parent_id=parent.id, owner_id=owner.id
        )
        guild.threads.append(thread)
        self.channels[thread.id] = thread
        return thread

    def add_webhook(self, channel: Channel, name: str, user: User) -> Webhook:
        """Create an incoming webhook in a guild channel, made by `user`."""
        assert channel.guild_id is not None, "webhooks live in guild channels"
        webhook = Webhook(self.ids.next(), channel.id, channel.guild_id, name, user)
        self.webhooks[webhook.id] = webhook
        return webhook

    def channel_webhooks(self, channel_id: int) -> list[Webhook]:
        """The webhooks of one channel, oldest first."""
        return [w for w in self.webhooks.values() if w.channel_id == channel_id]

    def remove_channel(self, channel: Channel) -> list[Channel]:
        """Delete a guild channel or thread (a channel takes its threads along); return what
        was removed, threads first."""
        guild = self.guild_by_id(channel.guild_id or 0)
        threads = [t for t in guild.threads if t.parent_id == channel.id]
        for webhook in self.channel_webhooks(channel.id):
            del self.webhooks[webhook.id]
        for gone in [*threads, channel]:
            self.channels.pop(gone.id, None)
            for kept in (guild.channels, guild.threads):
                if gone in kept:
                    kept.remove(gone)
        return [*threads, channel]

    def dm_channel(self, user: User) -> Channel:
        """Return (creating once) the DM channel between the bot and `user`."""
        for channel in self.channels.values():
            if channel.type == DM_CHANNEL and channel.recipients == [user]:
                return channel
        channel = Channel(self.ids.next(), "", DM_CHANNEL, recipients=[user])
        self.channels[channel.id] = channel
        return channel

    @property
    def owner(self) -> User:
        """The application's owner: the first person created (so `Bot.is_owner` has a human)."""
        return next((u for u in self.users.values() if not u.bot), self.bot)

    # -- looking up -------------------------------------------------------------------------

    def guild_by_id(self, guild_id: int) -> Guild:
        """Return the guild with this id (KeyError if unknown)."""
        for guild in self.guilds:
            if guild.id == guild_id:
                return guild
        raise KeyError(guild_id)

    def user_named(self, username: str) -> User:
        """Return the user called `username` (KeyError if unknown)."""
        for user in self.users.values():
            if user.username == username:
                return user
        raise KeyError(username)

    def channel_named(self, name: str, guild: Guild | None = None) -> Channel:
        """Return the first guild channel or thread called `name`."""
        for g in [guild] if guild else self.guilds:
            try:
                return g.channel(name)
            except KeyError:
                continue
        raise KeyError(name)

    def channel_messages(self, channel_id: int, *, ephemeral: bool = False) -> list[Message]:
        """Messages in a channel, oldest first; ephemeral ones only when asked."""
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and not m.deleted and (ephemeral or not m.ephemeral)
        ]

    def command_named(self, name: str, guild_id: int | None) -> dict[str, Any] | None:
        """Return the synced command `name` for this guild (guild commands win over global)."""
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command
        return None
