"""What a test sees of the emulated Discord: its guild, users, channels, messages and requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .emulator.hooks import Webhook
from .emulator.server import Emulator, RecordedRequest
from .emulator.state import PUBLIC_THREAD, Attachment, Channel, Guild, Message, Upload, User
from .emulator.world import World


class WorldView:
    """Lookups and records over the emulator's world; mixed into `DiscordEmulator`."""

    emulator: Emulator
    world: World

    @property
    def guild(self) -> Guild:
        """The first guild."""
        return self.world.guilds[0]

    @property
    def alice(self) -> User:
        """The default invoking user."""
        return self.world.user_named("alice")

    @property
    def bob(self) -> User:
        """A second user."""
        return self.world.user_named("bob")

    @property
    def bot_user(self) -> User:
        """The bot's own user."""
        return self.world.bot

    def user(self, username: str) -> User:
        """The user called `username`."""
        return self.world.user_named(username)

    def channel(self, name: str) -> Channel:
        """The guild channel or thread called `name`."""
        return self.world.channel_named(name)

    async def delete_channel(self, channel: Channel) -> None:
        """A server admin deletes `channel` (with its threads): the bot gets CHANNEL_DELETE /
        THREAD_DELETE, and its later requests there answer 404 Unknown Channel."""
        for gone in self.world.remove_channel(channel):
            event = "THREAD_DELETE" if gone.type == PUBLIC_THREAD else "CHANNEL_DELETE"
            await self.emulator.announce(event, gone.payload())
        self.emulator.notify()

    async def join_guild(self, name: str, *, members: tuple[User, ...] = ()) -> Guild:
        """The bot is added to a new server: the bot gets GUILD_CREATE."""
        guild = self.world.add_guild(name, members=members)
        # A join's GUILD_CREATE has no `unavailable` (with it, discord.py reads an outage's end).
        payload = {k: v for k, v in guild.payload().items() if k != "unavailable"}
        await self.emulator.announce("GUILD_CREATE", payload)
        self.emulator.notify()
        return guild

    async def leave_guild(self, guild: Guild) -> None:
        """The bot is removed from `guild`: the bot gets GUILD_DELETE."""
        self.world.guilds.remove(guild)
        await self.emulator.announce("GUILD_DELETE", {"id": str(guild.id)})

    def upload(
        self, filename: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> Upload:
        """A file a person picks for a slash command's attachment option (pass it as the
        option's value); the bot downloads it from the emulator."""
        attachment = Attachment(self.world.ids.next(), filename, data, content_type)
        self.world.uploads[attachment.id] = attachment
        return Upload(attachment, self.emulator.base_url)

    def webhooks(self, channel: Channel) -> list[Webhook]:
        """The webhooks of a channel, oldest first."""
        return self.world.channel_webhooks(channel.id)

    async def delete_webhook(self, webhook: Webhook) -> None:
        """A server admin deletes a webhook (the bot gets WEBHOOKS_UPDATE); posting through it
        later answers 404 Unknown Webhook."""
        self.world.webhooks.pop(webhook.id, None)
        event = {"guild_id": str(webhook.guild_id), "channel_id": str(webhook.channel_id)}
        await self.emulator.announce("WEBHOOKS_UPDATE", event)
        self.emulator.notify()

    def channel_messages(self, channel: Channel | int, *, ephemeral: bool = False) -> list[Message]:
        """Messages in a channel, oldest first (ephemeral ones only when asked)."""
        channel_id = channel if isinstance(channel, int) else channel.id
        return self.world.channel_messages(channel_id, ephemeral=ephemeral)

    def bot_messages(self) -> list[Message]:
        """Every message the bot has posted, oldest first (including ephemeral ones)."""
        return [m for m in self.world.messages.values() if m.author is self.world.bot]

    @property
    def commands(self) -> dict[int | None, list[dict[str, Any]]]:
        """Synced application commands by scope (None = global, else guild id)."""
        return self.world.commands

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request received, in order, with its answer's status."""
        return self.emulator.requests

    def requests_to(self, method: str, path_part: str) -> list[RecordedRequest]:
        """Recorded requests with this method whose path contains `path_part`."""
        return [r for r in self.requests if r.method == method and path_part in r.path]

    @property
    def clock(self) -> Any:
        """The emulator's clock (the one passed in, e.g. a bot.clock.FakeClock)."""
        return self.emulator.clock

    def watch(self, listener: Callable[[str, Message], None]) -> None:
        """Call `listener(event, message)` whenever the bot creates ("create") or edits ("edit")
        a message, e.g. for a console that shows scheduled posts as they arrive."""
        self.emulator.listeners.append(listener)
