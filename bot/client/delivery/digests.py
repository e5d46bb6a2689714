"""Digests on Discord: the scheduler's `post`, `retract` and `report` callbacks. A digest goes
into a text channel, a thread, or a forum (one post per digest, its parts inside)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import discord

from bot.client.delivery.parts import Destination, Part, Recovery, part_key
from bot.client.delivery.poster import Poster
from bot.digest import Delivery, DeliveryGone
from bot.models.delivery import Failure, NotDelivered
from bot.render import digest as render
from bot.store import Schedule

log = logging.getLogger(__name__)


def _problem(failure: Failure) -> Exception:
    """Gone for good (the scheduler pauses the digest and tells its admin), or retried."""
    if failure.lasting:
        return DeliveryGone(failure.describe("its channel"))
    return NotDelivered(failure, "its channel")


class DigestPoster:
    """Posts digests for one bot, resumes interrupted posts, retracts stale duplicates."""

    def __init__(self, poster: Poster) -> None:
        self.poster = poster

    async def deliver(self, delivery: Delivery) -> list[int]:
        """Post a digest into its channel, thread or forum and return its message ids; raise
        DeliveryGone when that is impossible for good (deleted channel, missing access or
        permission), NotDelivered when a later attempt may manage."""
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
        # The same nonce for the same part: Discord returns the first message instead of
        # posting again if an earlier attempt's request landed after all.
        embeds = render.digest_embeds(delivery.digest, heading, intro=intro)
        title = render.thread_name(heading.title)
        parts = [
            Part(part_key("digest", run.id, number), embeds=[embed], title=title)
            for number, embed in enumerate(embeds, start=1)
        ]
        outlet = await self.poster.open(
            Destination(channel_id=schedule.channel_id, guild_id=schedule.guild_id)
        )
        if isinstance(outlet, Failure):
            raise _problem(outlet)
        already = {}
        if delivery.resumed:
            found = await outlet.find(Recovery(marks=lambda m: self._parts_in(m, run.id)))
            if isinstance(found, Failure):
                raise _problem(found)
            already = found
        result = await outlet.send(parts, already=already)
        if result.failure is not None:
            raise _problem(result.failure)
        return result.message_ids

    @staticmethod
    def _parts_in(message: discord.Message, run_id: int) -> Iterable[str]:
        """The keys of run `run_id`'s parts a message is (read from its embeds' footers)."""
        footers = [e.footer.text or "" for e in message.embeds]
        return [part_key("digest", run_id, n) for n in render.posted_parts(footers, run_id)]

    async def retract(self, schedule: Schedule, message_ids: Sequence[int]) -> None:
        """Delete messages of a digest another bot posted too (we had lost the claim)."""
        # A forum post's messages live in its thread, whose id is its first message's.
        where = message_ids[0] if schedule.target == "forum" else schedule.channel_id
        await self.poster.delete(where, message_ids, what=f"digest #{schedule.id}")

    async def report(self, schedule: Schedule, message: str) -> None:
        """Tell the admin who scheduled the digest (by DM), else log it."""
        guild = self.poster.client.get_guild(schedule.guild_id)
        where = f" in {guild.name}" if guild else ""
        notice = render.notice_embed(f"Newsdesk{where}: {message}")
        part = Part(part_key("report", schedule.id, message), embeds=[notice])
        result = await self.poster.deliver(Destination(user_id=schedule.created_by), [part])
        if result.failure is not None:
            log.warning(
                "digest #%s: %s (could not DM its admin: %s)",
                schedule.id,
                message,
                result.failure.describe(),
            )
