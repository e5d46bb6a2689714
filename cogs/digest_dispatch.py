"""The Discord side of posting digests: the scheduler's `post`, `retract` and `report`
callbacks, delivering into a text channel, a thread, or a forum (one post per digest).

Not a cog (no `setup`): `cogs/digest.py` hands a `DigestDispatch` to its scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from bot.client import NewsBot
from bot.digest import Delivery, DeliveryGone
from bot.render import digest as render
from bot.store import Schedule

log = logging.getLogger(__name__)

# How far back a resumed post looks for parts it already sent.
HISTORY = 50
Target = discord.TextChannel | discord.Thread | discord.ForumChannel


class DigestDispatch:
    """Posts digests for one bot, resumes interrupted posts, retracts stale duplicates."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def deliver(self, delivery: Delivery) -> list[int]:
        """Post a digest into its channel, thread or forum; raise DeliveryGone when that is
        impossible for good (deleted channel, missing access or permission)."""
        await self.bot.wait_until_ready()
        schedule, run = delivery.schedule, delivery.run
        intro = ""
        if delivery.late:
            intro = render.late_note(run.slot, delivery.digest.since, run.missed)
        heading = render.Heading(
            render.digest_title(schedule, run.slot),
            footer=f"Digest #{schedule.id}",
            run_id=run.id,
            when=run.slot,
        )
        parts = render.digest_embeds(delivery.digest, heading, intro=intro)
        try:
            target = await self._target(schedule)
            if isinstance(target, discord.ForumChannel):
                return await self._post_forum(target, parts, heading, delivery)
            return await self._post_messages(target, parts, delivery, already=None)
        except discord.NotFound as exc:
            raise DeliveryGone("its channel was deleted") from exc
        except discord.Forbidden as exc:
            raise DeliveryGone(f"I may not post in <#{schedule.channel_id}> ({exc.text})") from exc

    async def retract(self, schedule: Schedule, message_ids: Sequence[int]) -> None:
        """Delete messages of a digest another bot posted too (we had lost the claim)."""
        # A forum post's messages live in its thread, whose id is its first message's.
        where = message_ids[0] if schedule.target == "forum" else schedule.channel_id
        channel = self.bot.get_partial_messageable(where)
        for message_id in message_ids:
            try:
                await channel.get_partial_message(message_id).delete()
            except discord.NotFound:
                continue  # already gone
            except discord.HTTPException as exc:
                log.warning("digest #%s: could not retract %s: %s", schedule.id, message_id, exc)

    async def report(self, schedule: Schedule, message: str) -> None:
        """Tell the admin who scheduled the digest (by DM), else log it."""
        try:
            user = self.bot.get_user(schedule.created_by) or await self.bot.fetch_user(
                schedule.created_by
            )
            guild = self.bot.get_guild(schedule.guild_id)
            where = f" in {guild.name}" if guild else ""
            await user.send(embed=render.notice_embed(f"Newsdesk{where}: {message}"))
        except discord.HTTPException as exc:
            log.warning("digest #%s: %s (could not DM its admin: %s)", schedule.id, message, exc)

    async def _target(self, schedule: Schedule) -> Target:
        channel = self.bot.get_channel(schedule.channel_id)
        if channel is None:
            channel = await self.bot.fetch_channel(schedule.channel_id)
        if not isinstance(channel, Target):
            raise DeliveryGone("its channel can no longer take posts")
        if missing := self.bot.missing_post_permissions(channel):
            raise DeliveryGone(f"I am missing {', '.join(missing)} in {channel.mention}")
        return channel

    async def _post_messages(
        self,
        channel: discord.abc.Messageable,
        parts: Sequence[discord.Embed],
        delivery: Delivery,
        already: dict[int, int] | None,
    ) -> list[int]:
        if already is None:
            already = await self._posted_parts(channel, delivery) if delivery.resumed else {}
        ids = []
        for number, embed in enumerate(parts, start=1):
            if number in already:
                ids.append(already[number])
                continue
            # The same nonce for the same part: Discord returns the first message instead of
            # posting again if an earlier attempt's request landed after all.
            sent = await channel.send(embed=embed, nonce=f"digest-{delivery.run.id}-{number}")
            ids.append(sent.id)
        return ids

    async def _posted_parts(
        self, channel: discord.abc.Messageable, delivery: Delivery
    ) -> dict[int, int]:
        """The parts of this run an interrupted attempt already posted (part → message id)."""
        found: dict[int, int] = {}
        me = self.bot.user
        async for message in channel.history(limit=HISTORY):
            if me is None or message.author.id != me.id:
                continue
            footers = [e.footer.text or "" for e in message.embeds]
            for part in render.posted_parts(footers, delivery.run.id):
                found.setdefault(part, message.id)
        return found

    async def _post_forum(
        self,
        forum: discord.ForumChannel,
        parts: Sequence[discord.Embed],
        heading: render.Heading,
        delivery: Delivery,
    ) -> list[int]:
        """One forum post per digest: the first part starts it, the others follow inside."""
        mine = [t for t in forum.threads if t.owner_id == getattr(self.bot.user, "id", None)]
        if delivery.resumed:
            for thread in mine:
                if done := await self._posted_parts(thread, delivery):
                    return await self._post_messages(thread, parts, delivery, already=done)
        created = await forum.create_thread(name=render.thread_name(heading.title), embed=parts[0])
        first = {1: created.message.id}
        return await self._post_messages(created.thread, parts, delivery, already=first)
