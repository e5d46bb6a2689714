"""A resolved place to post (text channel, thread, forum or a member's DMs): find what an
earlier attempt posted there, and send a delivery's parts in order with their nonces."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Literal

import discord

from bot.client.delivery.parts import FORUM_POSTS_READ, ForumLayout, Part, Recovery
from bot.models.delivery import DeliveryResult, Failure, FailureKind, PostedMessage

log = logging.getLogger(__name__)

Place = discord.TextChannel | discord.Thread | discord.ForumChannel | discord.DMChannel
Kind = Literal["text", "thread", "forum", "dm"]


def failure_from(
    exc: discord.HTTPException, *, channel_id: int | None = None, user_id: int | None = None
) -> Failure:
    """The typed failure for a Discord error answer."""
    if isinstance(exc, discord.NotFound):
        kind = FailureKind.MISSING_CHANNEL
    elif isinstance(exc, discord.Forbidden):
        kind = FailureKind.MISSING_PERMISSION
    else:
        kind = FailureKind.HTTP_ERROR
    return Failure(
        kind,
        channel_id=channel_id,
        user_id=user_id,
        status=exc.status,
        code=exc.code or None,
        detail=exc.text or str(exc),
    )


class Outlet:
    """One place the bot may post in (resolved by `Poster.open`, which checked access)."""

    def __init__(self, client: discord.Client, place: Place) -> None:
        self.client = client
        self.place = place

    @property
    def kind(self) -> Kind:
        """What the place is."""
        if isinstance(self.place, discord.ForumChannel):
            return "forum"
        if isinstance(self.place, discord.Thread):
            return "thread"
        if isinstance(self.place, discord.DMChannel):
            return "dm"
        return "text"

    @property
    def guild_id(self) -> int | None:
        """The guild the place belongs to (None for DMs)."""
        guild = getattr(self.place, "guild", None)
        return guild.id if guild is not None else None

    def _ours(self, message: discord.Message) -> bool:
        me = self.client.user
        return me is not None and message.author.id == me.id

    def _failure(self, exc: discord.HTTPException, channel_id: int | None = None) -> Failure:
        if isinstance(self.place, discord.DMChannel) and self.place.recipient is not None:
            return failure_from(exc, user_id=self.place.recipient.id)
        return failure_from(exc, channel_id=channel_id or self.place.id)

    # -- after a crash ----------------------------------------------------------------------

    async def find(self, recovery: Recovery) -> dict[str, PostedMessage] | Failure:
        """What an earlier attempt already posted here: each mark `recovery` reads in the
        bot's recent messages (in a forum: its posts), with the message carrying it. Without
        Read Message History nothing is found (a retry within minutes is still caught by the
        parts' nonces); a deleted channel or an outage is a failure."""
        found: dict[str, PostedMessage] = {}
        try:
            if isinstance(self.place, discord.ForumChannel):
                await self._find_in_forum(self.place, recovery, found)
            else:
                await self._find_in(self.place, recovery, found)
        except discord.Forbidden as exc:
            log.warning("cannot look for earlier posts in %s: %s", self.place.id, exc)
        except discord.HTTPException as exc:
            return self._failure(exc)
        return found

    async def _find_in(
        self,
        channel: discord.abc.Messageable,
        recovery: Recovery,
        found: dict[str, PostedMessage],
    ) -> None:
        async for message in channel.history(limit=recovery.history):
            if self._ours(message):
                posted = PostedMessage(message.channel.id, message.id, self.guild_id, earlier=True)
                for mark in recovery.marks(message):
                    found.setdefault(mark, posted)

    async def _find_in_forum(
        self, forum: discord.ForumChannel, recovery: Recovery, found: dict[str, PostedMessage]
    ) -> None:
        me = self.client.user
        mine = [t for t in forum.threads if me is not None and t.owner_id == me.id]
        mine.sort(key=lambda t: t.id, reverse=True)
        if recovery.post_marks is not None:
            for thread in mine[: recovery.history]:
                # A forum post's starter message shares the post's id.
                posted = PostedMessage(thread.id, thread.id, self.guild_id, earlier=True)
                for mark in recovery.post_marks(thread.name):
                    found.setdefault(mark, posted)
            return
        for thread in mine[:FORUM_POSTS_READ]:
            await self._find_in(thread, recovery, found)

    # -- sending ----------------------------------------------------------------------------

    async def send(
        self,
        parts: Sequence[Part],
        *,
        forum: ForumLayout = ForumLayout.ONE_POST,
        already: Mapping[str, PostedMessage] | None = None,
    ) -> DeliveryResult:
        """Post `parts` in order, adopting those in `already` (found by `find`) instead of
        posting them again; stop at the first failure. Each message carries its part's key as
        an enforced nonce, so a send that reached Discord but whose answer was lost returns
        the first message when retried (for a few minutes; forum posts have no nonce)."""
        already = already or {}
        posted: list[PostedMessage] = []
        into: discord.abc.Messageable | discord.ForumChannel = self.place
        if forum is ForumLayout.ONE_POST and isinstance(self.place, discord.ForumChannel):
            # A one-post delivery resumes inside the post an earlier attempt opened.
            opened = next((already[p.key] for p in parts if p.key in already), None)
            if opened is not None:
                into = self.client.get_partial_messageable(opened.channel_id)
        for part in parts:
            if part.key in already:
                posted.append(already[part.key])
                continue
            try:
                message, post = await self._post(into, part)
            except discord.HTTPException as exc:
                return DeliveryResult(tuple(posted), self._failure(exc, getattr(into, "id", None)))
            posted.append(PostedMessage(message.channel.id, message.id, self.guild_id))
            if post is not None and forum is ForumLayout.ONE_POST:
                into = post  # the rest follow inside the post just opened
        return DeliveryResult(tuple(posted))

    async def _post(
        self, into: discord.abc.Messageable | discord.ForumChannel, part: Part
    ) -> tuple[discord.Message, discord.abc.Messageable | None]:
        """Post one part as the bot: a message (with its nonce), or a forum post (returned
        too, for the parts that follow inside it). `webhooks.WebhookOutlet` posts this step
        through a channel webhook instead."""
        # Left out, these take discord.py's defaults: no embeds, the bot's mentions (none).
        mentions = part.mentions or discord.utils.MISSING
        embeds = list(part.embeds) or discord.utils.MISSING
        view = part.view or discord.utils.MISSING
        if isinstance(into, discord.ForumChannel):
            created = await into.create_thread(
                name=part.title,
                content=part.content,
                embeds=embeds,
                allowed_mentions=mentions,
                view=view,
            )
            return created.message, created.thread
        message = await into.send(
            content=part.content,
            embeds=embeds,
            allowed_mentions=mentions,
            nonce=part.key,
            view=view,
        )
        return message, None
