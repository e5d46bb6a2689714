"""Test and console API over the Discord emulator: connect a real bot, then act as its users.

    async with DiscordEmulator() as discord:              # serves 127.0.0.1:<ephemeral>
        async with discord.connected(bot):                 # seam + bot.start(); waits for on_ready
            reply = await discord.slash("search", query="Qatar", user=discord.alice)
            reply.message.content, reply.message.embeds, reply.message.ephemeral
            clicked = await discord.click(reply.message, "next")     # custom_id or label
            picked = await discord.select(reply.message, "topic", ["sport"])
            choices = await discord.autocomplete("summary", "article", "Qat")
            replies = await discord.say(discord.channel("general"), "!news Qatar")
            discord.requests                               # every REST request, with status
            discord.channel_messages(channel)

Actions return the emulator's records (`Interaction`, `Message`): the bot's answers with their
content, embeds and components (dicts as sent), `ephemeral`, `files` ({name: bytes}) and ids.
They wait for a visible answer (`until="ack"`: any acknowledgement; `wait=False`: not at all).
Waiting never sleeps: it re-checks whenever the emulator records something and fails after
`wait_seconds`, listing the last requests. Before dispatching an event, actions let the bot take
in the responses already delivered (see `Emulator.settle`).

Faults: `discord.faults.rate_limit(route, ...)`, `.server_error(...)`, `.refuse(...)`,
`.slow(...)` for REST; `drop_connection(code)`, `abort_connection()`, `request_reconnect()`,
`invalidate_session()` for the gateway, and `gateway_held()` to dispatch events the bot is sure
to miss until it RESUMEs.
Time: pass `clock=bot.clock.FakeClock()` and call `clock.advance(seconds=3.5)` to pass Discord's
3 s acknowledgement deadline without sleeping (default: the real monotonic clock).
The console can follow the bot's posts with `watch(listener)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Literal

import discord

from bot.tasks import BackgroundTasks, first_of

from . import events
from .emulator.server import Emulator
from .emulator.state import DM_CHANNEL, Channel, Clock, Interaction, Message, User
from .emulator.world import World
from .faults import Faults
from .seam import pointed_at
from .world_view import WorldView

log = logging.getLogger(__name__)

MESSAGE_CONTENT_INTENT = 1 << 15
DEFAULT_TIMEOUT = 10.0
# Starting the bot (every cog, its database, the gateway handshake) on a loaded machine can take
# longer than an answer; a ready bot returns at once, so a generous bound costs a passing test
# nothing and only a broken start waits for it.
READY_TIMEOUT = 60.0

# What an action waits for: a visible answer, or merely an acknowledgement (e.g. a deferral).
Until = Literal["answer", "ack"]


__all__ = ["DiscordEmulator", "Interaction", "Message", "default_world"]


def default_world() -> World:
    """A newsroom guild with #general, #news, forum #briefings and members alice and bob."""
    world = World()
    alice, bob = world.add_user("alice"), world.add_user("bob")
    world.add_guild(
        "Newsroom",
        text_channels=("general", "news"),
        forum_channels=("briefings",),
        members=(alice, bob),
    )
    return world


class DiscordEmulator(WorldView, Faults):
    """A running emulator plus the actions of the people using Discord around the bot."""

    def __init__(self, world: World | None = None, *, clock: Clock | None = None) -> None:
        self.emulator = Emulator(world or default_world(), clock=clock)
        self.world = self.emulator.world
        self.token = self.emulator.token
        self._tasks = BackgroundTasks("sandbox")

    async def __aenter__(self) -> DiscordEmulator:
        await self.emulator.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.emulator.stop()

    # -- connecting the bot -----------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def connected(
        self, bot: discord.Client, *, wait_seconds: float = READY_TIMEOUT
    ) -> AsyncIterator[discord.Client]:
        """Point discord.py here, start `bot`, wait for on_ready; close the bot on exit."""
        with pointed_at(self.emulator.api_url, self.emulator.gateway_url):
            runner = self._tasks.spawn(bot.start(self.token), name="bot")
            try:
                try:
                    async with asyncio.timeout(wait_seconds):
                        first = await first_of(runner, bot.wait_until_ready())
                except TimeoutError:
                    raise AssertionError(f"bot not ready after {wait_seconds}s") from None
                if first == 0:
                    runner.result()  # re-raise the start-up failure (e.g. LoginFailure)
                    raise AssertionError("bot stopped before it was ready")
                yield bot
            finally:
                await bot.close()
                with contextlib.suppress(asyncio.CancelledError, discord.ConnectionClosed):
                    await asyncio.wait_for(runner, wait_seconds)

    # -- waiting ----------------------------------------------------------------------------

    async def wait_for(
        self, predicate: Any, *, wait_seconds: float = DEFAULT_TIMEOUT, what: str = "condition"
    ) -> Any:
        """Wait until predicate() is truthy (re-checked whenever the emulator records anything)."""
        return await self.emulator.wait_for(predicate, wait_seconds=wait_seconds, what=what)

    # -- slash commands, autocomplete, components, modals -----------------------------------

    async def slash(
        self,
        command: str,
        *,
        user: User | None = None,
        channel: Channel | None = None,
        wait: bool = True,
        until: Until = "answer",
        wait_seconds: float = DEFAULT_TIMEOUT,
        named: dict[str, Any] | None = None,
        **options: Any,
    ) -> Interaction:
        """Invoke `/command` ("group sub" for subcommands) and wait for the bot's answer.

        `until="ack"` returns once the bot acknowledged (e.g. a deferral it never follows up);
        `wait=False` returns at once. Options whose names clash with these keywords (an option
        called `channel` or `user`) go in `named`.
        """
        options = {**options, **(named or {})}
        data = events.command_data(
            self.world, command, channel or self.channel("general"), options, None
        )
        interaction = await self._send_interaction(2, data, user, channel)
        if wait:
            await self._await_response(interaction, until, wait_seconds, f"/{command}")
        return interaction

    async def autocomplete(
        self,
        command: str,
        option: str,
        value: str,
        *,
        user: User | None = None,
        channel: Channel | None = None,
        wait_seconds: float = DEFAULT_TIMEOUT,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type `value` into `option` of `/command`; return the choices the bot offered."""
        data = events.command_data(
            self.world,
            command,
            channel or self.channel("general"),
            {**options, option: value},
            option,
        )
        interaction = await self._send_interaction(4, data, user, channel)
        await self.wait_for(
            lambda: interaction.choices is not None,
            wait_seconds=wait_seconds,
            what=f"autocomplete choices for /{command} {option}",
        )
        assert interaction.choices is not None
        return interaction.choices

    async def click(
        self,
        message: Message,
        custom_id: str,
        *,
        user: User | None = None,
        wait: bool = True,
        until: Until = "answer",
        wait_seconds: float = DEFAULT_TIMEOUT,
    ) -> Interaction:
        """Click the button `custom_id` (or labelled so) on `message`; wait for the answer."""
        data = {"custom_id": self.component_id(message, custom_id), "component_type": 2}
        return await self._component(message, data, user, until if wait else None, wait_seconds)

    async def select(
        self,
        message: Message,
        custom_id: str,
        values: list[str],
        *,
        user: User | None = None,
        wait: bool = True,
        until: Until = "answer",
        wait_seconds: float = DEFAULT_TIMEOUT,
    ) -> Interaction:
        """Pick `values` in the string select `custom_id` on `message`; wait for the answer."""
        custom_id = self.component_id(message, custom_id)
        data = {"custom_id": custom_id, "component_type": 3, "values": list(values)}
        return await self._component(message, data, user, until if wait else None, wait_seconds)

    async def submit_modal(
        self,
        shown: Interaction,
        values: dict[str, str],
        *,
        user: User | None = None,
        wait_seconds: float = DEFAULT_TIMEOUT,
    ) -> Interaction:
        """Fill the modal the bot showed in answer to `shown` and submit it."""
        if shown.modal is None:
            raise AssertionError("the bot did not answer with a modal")
        data = events.modal_submission(shown.modal, values)
        channel = self.world.channels[shown.channel_id]
        interaction = await self._send_interaction(5, data, user or shown.user, channel)
        await self.wait_for(
            lambda: interaction.answered, wait_seconds=wait_seconds, what="a modal answer"
        )
        return interaction

    # -- plain messages ---------------------------------------------------------------------

    async def say(
        self,
        channel: Channel,
        content: str,
        *,
        user: User | None = None,
        expect: int = 1,
        wait_seconds: float = DEFAULT_TIMEOUT,
    ) -> list[Message]:
        """Post `content` as `user` and return the first `expect` messages the bot posts after."""
        author = user or self.alice
        message = Message(
            id=self.world.ids.next(),
            channel_id=channel.id,
            author=author,
            content=content,
            guild_id=channel.guild_id,
            kind="user",
        )
        self.world.messages[message.id] = message
        event = message.payload(self.emulator.base_url)
        session = await self._session()
        mentioned = f"<@{self.world.bot.id}>" in content
        can_read = channel.type == DM_CHANNEL or session.intents & MESSAGE_CONTENT_INTENT
        if not can_read and not mentioned:
            # Without the message content intent Discord blanks other people's messages.
            event["content"], event["embeds"], event["attachments"] = "", [], []
        if mentioned:
            event["mentions"] = [self.world.bot.payload()]
        if channel.guild_id is not None:
            member = self.world.guild_by_id(channel.guild_id).member(author.id)
            if member is not None:
                event["member"] = {k: v for k, v in member.payload().items() if k != "user"}
        await self.emulator.gateway.dispatch("MESSAGE_CREATE", event)

        def replies() -> list[Message]:
            return [
                m
                for m in self.world.messages.values()
                if m.author is self.world.bot and m.id > message.id and not m.deleted
            ]

        if expect:
            await self.wait_for(
                lambda: len(replies()) >= expect,
                wait_seconds=wait_seconds,
                what=f"a reply to {content!r}",
            )
        return replies()[: expect or None]

    async def dm(self, content: str, *, user: User | None = None, expect: int = 1) -> list[Message]:
        """Send the bot a direct message as `user`; return its replies."""
        channel = self.world.dm_channel(user or self.alice)
        return await self.say(channel, content, user=user, expect=expect)

    # -- internals --------------------------------------------------------------------------

    async def _session(self) -> Any:
        gateway = self.emulator.gateway
        # After an invalid session the bot needs a moment to IDENTIFY again; events need a session.
        await self.wait_for(lambda: gateway.current, what="a gateway session")
        await self.emulator.settle()
        return gateway.current

    async def _component(
        self,
        message: Message,
        data: dict[str, Any],
        user: User | None,
        until: Until | None,
        wait_seconds: float,
    ) -> Interaction:
        channel = self.world.channels[message.channel_id]
        interaction = await self._send_interaction(3, data, user, channel, source=message)
        if until is not None:
            what = f"a click on {data['custom_id']!r}"
            await self._await_response(interaction, until, wait_seconds, what)
        return interaction

    async def _await_response(
        self, interaction: Interaction, until: Until, wait_seconds: float, what: str
    ) -> None:
        def ready() -> bool:
            return interaction.acknowledged if until == "ack" else interaction.answered

        await self.wait_for(ready, wait_seconds=wait_seconds, what=f"the bot's {until} to {what}")

    def component_id(self, message: Message, wanted: str) -> str:
        """The custom_id of the component on `message` whose custom_id or label is `wanted`."""
        return events.component_id(message, wanted)

    async def _send_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user: User | None,
        channel: Channel | None,
        *,
        source: Message | None = None,
    ) -> Interaction:
        """Create an interaction record and dispatch INTERACTION_CREATE for it."""
        await self._session()
        channel = channel or self.channel("general")
        now = self.emulator.now()
        interaction = events.new_interaction(
            self.world, kind, data, user or self.alice, channel, now, source
        )
        event = events.interaction_event(self.world, interaction, self.emulator.base_url)
        await self.emulator.gateway.dispatch("INTERACTION_CREATE", event)
        return interaction
