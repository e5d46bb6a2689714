"""People using Discord around the bot under soak, many at once: each action is dispatched
straight to the gateway (the test harness waits for the emulator to be idle before each one,
which a crowd never is) and timed from dispatch to the bot's visible answer."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import DiscordEmulator
from bot.sandbox import events as sandbox_events
from bot.sandbox.emulator.state import Channel, Interaction, Message, User

WAIT_SECONDS = 20.0


@dataclass
class Trip:
    """One action and how it went: its kind, who did it, milliseconds to the first response
    (`ack_ms`: Discord's 3 s rule; a deferral counts) and to the visible answer (`ms`), each
    None when none came within WAIT_SECONDS."""

    kind: str
    hostile: bool
    ms: float | None
    interaction: Interaction | None = None
    ack_ms: float | None = None
    at: float = 0.0  # wall time (time.time()) the action was sent
    message_id: int | None = None  # a message's id (its reply references it)


@dataclass
class Crowd:
    """The emulator and every trip made through it."""

    discord: DiscordEmulator
    trips: list[Trip] = field(default_factory=list)

    @property
    def world(self) -> Any:
        """The emulator's world."""
        return self.discord.world

    async def slash(self, user: User, command: str, *, hostile: bool, **options: Any) -> Trip:
        """Invoke `/command` as `user` in #general."""
        channel = self.discord.channel("general")
        data = sandbox_events.command_data(self.world, command, channel, options, None)
        return await self._interact(f"/{command}", 2, data, user, channel, hostile, None)

    async def autocomplete(
        self, user: User, command: str, option: str, value: str, *, hostile: bool
    ) -> Trip:
        """Type `value` into `option` of `/command`."""
        channel = self.discord.channel("general")
        data = sandbox_events.command_data(self.world, command, channel, {option: value}, option)
        return await self._interact(
            f"/{command} autocomplete", 4, data, user, channel, hostile, None
        )

    async def click(self, user: User, message: Message, label: str, *, hostile: bool) -> Trip:
        """Click a button of `message`."""
        data = {
            "custom_id": sandbox_events.component_id(message, label),
            "component_type": 2,
        }
        channel = self.world.channels[message.channel_id]
        return await self._interact("click", 3, data, user, channel, hostile, message)

    async def related(self, user: User, target: Message, *, hostile: bool) -> Trip:
        """Right-click `target` → Apps → Find related news."""
        name = "Find related news"
        command = self.world.command_named(name, target.guild_id)
        data = {
            "id": str(command["id"]) if command else "0",
            "name": name,
            "type": 3,
            "target_id": str(target.id),
            "resolved": {
                "messages": {str(target.id): target.payload(self.discord.emulator.base_url)}
            },
        }
        channel = self.world.channels[target.channel_id]
        return await self._interact(name, 2, data, user, channel, hostile, None)

    async def say(self, user: User, channel: Channel, content: str, *, hostile: bool) -> Trip:
        """Post `content` as `user`; the trip ends at the bot's first reply to it."""
        message = self.post(user, channel, content)
        at = time.time()
        await self._dispatch_message(message)
        started = time.perf_counter()

        def reply() -> bool:
            return any(
                m.reference_id == message.id
                for m in self.world.messages.values()
                if m.author is self.world.bot
            )

        trip = Trip("message", hostile, None, at=at, message_id=message.id)
        try:
            await self.discord.wait_for(reply, wait_seconds=WAIT_SECONDS, what="a reply")
            trip.ms = trip.ack_ms = (time.perf_counter() - started) * 1000
        except AssertionError:
            pass
        self.trips.append(trip)
        return trip

    def post(self, user: User, channel: Channel, content: str) -> Message:
        """A message from `user` in `channel`, recorded (not yet sent to the bot)."""
        message = Message(
            id=self.world.ids.next(),
            channel_id=channel.id,
            author=user,
            content=content,
            guild_id=channel.guild_id,
            kind="user",
        )
        self.world.messages[message.id] = message
        return message

    async def _dispatch_message(self, message: Message) -> None:
        event = message.payload(self.discord.emulator.base_url)
        if f"<@{self.world.bot.id}>" in message.content:
            event["mentions"] = [self.world.bot.payload()]
        guild = self.world.guild_by_id(message.guild_id)
        member = guild.member(message.author.id)
        event["member"] = {k: v for k, v in member.payload().items() if k != "user"}
        await self.discord.emulator.gateway.dispatch("MESSAGE_CREATE", event)

    async def _interact(
        self,
        kind: str,
        type_: int,
        data: dict[str, Any],
        user: User,
        channel: Channel,
        hostile: bool,
        source: Message | None,
    ) -> Trip:
        emulator = self.discord.emulator
        interaction = sandbox_events.new_interaction(
            self.world, type_, data, user, channel, emulator.now(), source
        )
        event = sandbox_events.interaction_event(self.world, interaction, emulator.base_url)
        at, started = time.time(), time.perf_counter()
        await emulator.gateway.dispatch("INTERACTION_CREATE", event)
        trip = Trip(kind, hostile, None, interaction, at=at)
        try:
            await self.discord.wait_for(
                lambda: interaction.acknowledged, wait_seconds=WAIT_SECONDS, what=kind
            )
            trip.ack_ms = (time.perf_counter() - started) * 1000
            await self.discord.wait_for(
                lambda: interaction.answered, wait_seconds=WAIT_SECONDS, what=kind
            )
            trip.ms = (time.perf_counter() - started) * 1000
        except AssertionError:
            pass
        self.trips.append(trip)
        return trip
