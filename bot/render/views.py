"""Paged answers: Previous/Next buttons (and an optional select menu) that belong to one user.

    pager = bot.pagers.open(owner=interaction.user, source=load_page, command="/search",
                            pick=open_article, placeholder="Open an article…")
    await pager.respond(interaction, ephemeral=private)     # or: await pager.reply(message)

`source(n)` returns page `n` (1-based) as a `Page`: an embed, the page count, and the select
menu's choices for that page. Only the owner can turn pages; anyone else gets an ephemeral
"these buttons belong to …". A pager disables its components after `idle` without use, timed
by the bot's injectable clock (a `FakeClock` in tests, so no test waits), and on shutdown.
Live pagers are bounded: a member keeps their PER_MEMBER newest ones, the bot LIVE newest in
all; an older one is closed as a new one opens (each holds its page, menu and interaction).
Custom ids are `pager:<kind>:<action>`; clicks on a pager the bot no longer knows (e.g. after
a restart) are answered by the client with "these buttons have expired".
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import discord

from bot.clock import Clock
from bot.render import errors, limits, text
from bot.tasks import BackgroundTasks

log = logging.getLogger(__name__)

CUSTOM_ID_PREFIX = "pager:"
IDLE = timedelta(minutes=5)
# Paged answers kept live (buttons answered) per member and in all: a flood of /search or
# /article must not keep thousands of pagers in memory for their idle minutes (found by the
# soak: 10,000 select options and 6,000 buttons more after two minutes of load).
PER_MEMBER = 5
LIVE = 500
# Past this age an interaction's token can no longer edit; edit the message itself instead.
TOKEN_AGE = timedelta(seconds=limits.TOKEN_LIFETIME - 60)
CLOSE_SECONDS = 5.0
_ID_PART = re.compile(r"^[a-z0-9_-]{1,30}$")


@dataclass(frozen=True)
class Page:
    """One page of a paged answer."""

    embed: discord.Embed
    pages: int = 1
    choices: Sequence[discord.SelectOption] = field(default_factory=tuple)


PageSource = Callable[[int], Awaitable[Page]]
Pick = Callable[[discord.Interaction, str], Awaitable[None]]


def custom_id(kind: str, action: str) -> str:
    """The custom_id of a pager component; both parts are short lowercase words."""
    if not (_ID_PART.match(kind) and _ID_PART.match(action)):
        raise ValueError(f"bad custom_id parts {kind!r}, {action!r}")
    return f"{CUSTOM_ID_PREFIX}{kind}:{action}"


def static_source(embeds: Sequence[discord.Embed]) -> PageSource:
    """A pager source over embeds rendered up front (an article's pages, /help's pages)."""
    pages = list(embeds)

    async def source(number: int) -> Page:
        return Page(pages[min(max(number, 1), len(pages)) - 1], pages=len(pages))

    return source


def choice(label: str, value: str, description: str = "") -> discord.SelectOption:
    """A select-menu option from raw text, shortened to Discord's limits."""
    return discord.SelectOption(
        label=text.plain(label, limits.SELECT_OPTION_LABEL) or value,
        value=value[: limits.SELECT_OPTION_VALUE],
        description=text.plain(description, limits.SELECT_OPTION_DESCRIPTION) or None,
    )


class Pager(discord.ui.View):
    """A paged answer owned by one user; make one with `Pagers.open`."""

    def __init__(
        self,
        pagers: Pagers,
        *,
        owner: discord.abc.User,
        source: PageSource,
        command: str,
        kind: str,
        pick: Pick | None,
        placeholder: str,
        idle: timedelta,
    ) -> None:
        super().__init__(timeout=None)  # the bot's clock times pagers out, see expire_when_idle
        self._pagers = pagers
        self.owner_id = owner.id
        self._owner_name = getattr(owner, "display_name", None) or owner.name
        self._source = source
        self._command = command
        self._pick = pick
        self._idle = idle
        self.page = 1
        self.pages = 1
        self.message: discord.Message | None = None
        self._last: discord.Interaction | None = None
        self._last_at = pagers.clock.now()
        self._deadline = self._last_at + idle
        self._expiry: asyncio.Task[None] | None = None
        self._previous = discord.ui.Button(
            label="Previous", emoji="◀️", custom_id=custom_id(kind, "prev")
        )
        self._next = discord.ui.Button(label="Next", emoji="▶️", custom_id=custom_id(kind, "next"))
        self._select = discord.ui.Select(
            custom_id=custom_id(kind, "pick"),
            placeholder=text.plain(placeholder, limits.SELECT_PLACEHOLDER),
            options=[discord.SelectOption(label="-")],
        )
        self._previous.callback = self._go_previous
        self._next.callback = self._go_next
        self._select.callback = self._picked

    # -- sending ----------------------------------------------------------------------------

    async def respond(self, interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
        """Answer an interaction with page 1 (a follow-up if it was deferred)."""
        page = await self._show(1)
        view: Any = self if self.children else discord.utils.MISSING
        if interaction.response.is_done():
            sent = await interaction.followup.send(
                embed=page.embed, view=view, ephemeral=ephemeral, wait=True
            )
            self.message = sent
        else:
            callback = await interaction.response.send_message(
                embed=page.embed, view=view, ephemeral=ephemeral
            )
            resource = callback.resource
            self.message = resource if isinstance(resource, discord.Message) else None
        self._last, self._last_at = interaction, self._pagers.clock.now()
        self._started()

    async def reply(self, message: discord.Message) -> None:
        """Reply to a channel message with page 1."""
        page = await self._show(1)
        self.message = await message.reply(
            embed=page.embed, view=self if self.children else None, mention_author=False
        )
        self._started()

    def _started(self) -> None:
        if not self.children or self.message is None:
            self.stop()
            return
        self._pagers.register(self, self.message.id)

    # -- pages ------------------------------------------------------------------------------

    async def _show(self, number: int) -> Page:
        """Load page `number` and lay out the components for it."""
        page = await self._source(number)
        self.page, self.pages = min(max(number, 1), max(page.pages, 1)), max(page.pages, 1)
        self.clear_items()
        if self.pages > 1:
            self._previous.disabled = self.page <= 1
            self._next.disabled = self.page >= self.pages
            self.add_item(self._previous)
            self.add_item(self._next)
        if self._pick is not None and page.choices:
            self._select.options = list(page.choices[: limits.SELECT_OPTIONS])
            self.add_item(self._select)
        return page

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        page = await self._show(self.page + step)
        self._touch(interaction)
        await interaction.response.edit_message(embed=page.embed, view=self)

    async def _go_previous(self, interaction: discord.Interaction) -> None:
        await self._turn(interaction, -1)

    async def _go_next(self, interaction: discord.Interaction) -> None:
        await self._turn(interaction, +1)

    async def _picked(self, interaction: discord.Interaction) -> None:
        value = self._select.values[0] if self._select.values else ""
        self._touch(interaction)
        if value not in {option.value for option in self._select.options}:
            # Discord only sends offered values; anything else is stale or forged.
            await interaction.response.send_message(
                "That choice is no longer on this page.", ephemeral=True
            )
            return
        assert self._pick is not None
        await self._pick(interaction, value)

    def _touch(self, interaction: discord.Interaction) -> None:
        self._last_at = self._pagers.clock.now()
        self._deadline = self._last_at + self._idle
        self._last = interaction

    # -- ownership, errors, expiry ----------------------------------------------------------

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the owner may use the components; others are told whose they are."""
        track = getattr(interaction.client, "track_reply", None)
        if track is not None:
            track(f"{self._command} pages")
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            f"These buttons belong to {text.escape(self._owner_name)}. "
            f"Use {self._command} to get your own.",
            ephemeral=True,
        )
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Answer like a command error would (friendly text, traceback logged if unexpected)."""
        await errors.send_error(interaction, error, where=f"{self._command} ({item.custom_id})")

    def start_idle_timer(self, tasks: BackgroundTasks, name: str) -> None:
        """Run `expire_when_idle` as a background task the pager can cancel when closed."""
        self._expiry = tasks.spawn(self.expire_when_idle(), name=name)

    async def expire_when_idle(self) -> None:
        """Wait on the bot's clock until the pager has been idle for `idle`, then close it."""
        while True:
            deadline = self._deadline
            await self._pagers.clock.sleep_until(deadline)
            if self._deadline <= deadline:
                break
        await self.close()

    async def close(self) -> None:
        """Disable every component and stop listening (idle timeout or bot shutdown)."""
        if self.is_finished():
            return
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        self.stop()
        self._pagers.forget(self)
        if self._expiry is not None and self._expiry is not asyncio.current_task():
            self._expiry.cancel()  # its idle wait would otherwise live on for minutes
        try:
            fresh = self._pagers.clock.now() - self._last_at < TOKEN_AGE
            if self._last is not None and fresh:
                await self._last.edit_original_response(view=self)
            elif self.message is not None and not self.message.flags.ephemeral:
                await self.message.edit(view=self)
        except discord.HTTPException as exc:
            # The message may be deleted or the token expired: nothing is left to disable.
            log.debug("could not disable pager components: %s", exc)


class Pagers:
    """The live pagers of one bot: opens them, times them out, closes them all on shutdown."""

    def __init__(
        self,
        clock: Clock,
        tasks: BackgroundTasks,
        idle: timedelta = IDLE,
        *,
        per_member: int = PER_MEMBER,
        live: int = LIVE,
    ) -> None:
        self.clock = clock
        self._tasks = tasks
        self._idle = idle
        self._per_member = per_member
        self._most = live
        self._live: dict[int, Pager] = {}  # oldest first

    def open(
        self,
        *,
        owner: discord.abc.User,
        source: PageSource,
        command: str,
        kind: str = "pages",
        pick: Pick | None = None,
        placeholder: str = "Open…",
        idle: timedelta | None = None,
    ) -> Pager:
        """A new pager for `owner`; `command` is how to get one's own (e.g. "/search")."""
        return Pager(
            self,
            owner=owner,
            source=source,
            command=command,
            kind=kind,
            pick=pick,
            placeholder=placeholder,
            idle=idle or self._idle,
        )

    def register(self, pager: Pager, message_id: int) -> None:
        """Track a sent pager and start its idle timer; close the oldest past the bounds."""
        for old in self._overflow(pager.owner_id):
            self.forget(old)  # at once: the next registration must not count it again
            self._tasks.spawn(old.close(), name="pager-close")
        self._live[message_id] = pager
        pager.start_idle_timer(self._tasks, name=f"pager-{message_id}")

    def _overflow(self, owner_id: int) -> list[Pager]:
        """The live pagers to close so that one more of `owner_id`'s fits both bounds."""
        theirs = [p for p in self._live.values() if p.owner_id == owner_id]
        closing = theirs[: max(0, len(theirs) - self._per_member + 1)]
        others = [p for p in self._live.values() if p not in closing]
        return closing + others[: max(0, len(others) - self._most + 1)]

    def forget(self, pager: Pager) -> None:
        """Stop tracking a closed pager."""
        for message_id, live in list(self._live.items()):
            if live is pager:
                del self._live[message_id]

    def is_live(self, message_id: int) -> bool:
        """Whether a message's pager components are still answered."""
        return message_id in self._live

    def handles(self, message_id: int, custom_id: str, component_type: int) -> bool:
        """Whether the live pager on this message has this component (so its view answers)."""
        pager = self._live.get(message_id)
        return pager is not None and any(
            getattr(item, "custom_id", None) == custom_id and item.type.value == component_type
            for item in pager.children
        )

    def __len__(self) -> int:
        return len(self._live)

    async def close_all(self) -> None:
        """Disable the components of every live pager (at shutdown), a few seconds at most."""
        pagers = list(self._live.values())
        if pagers:
            closing = [self._tasks.spawn(p.close(), name="pager-close") for p in pagers]
            await asyncio.wait(closing, timeout=CLOSE_SECONDS)
