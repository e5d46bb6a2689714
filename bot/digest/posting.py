"""Posting one claimed digest slot: the attempt, its lease heartbeat, retries and give-ups.

A claim's lease is renewed every `HEARTBEAT` while its attempt runs, so a slow post keeps its
claim; only the claim's current owner may mark it posted or failed. A bot that died (or
stalled past its lease) leaves a claim whose lease runs out, and whoever takes it over is told
(`Delivery.resumed`) to check the channel for what was already posted. The stale owner's
attempt is stopped when its heartbeat finds the claim gone; if it posted anyway, its finish
is refused and its messages the new owner did not adopt are retracted. A failed attempt is
retried with backoff (`BACKOFF`, at most `MAX_ATTEMPTS`), keeping the claim; a target that is
gone (`DeliveryGone`) pauses that schedule alone and is reported to the guild.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.digest.composer import Digest, DigestComposer
from bot.digest.errors import DeliveryGone
from bot.digest.schedule import Recurrence, latest_slot
from bot.metrics import Metrics
from bot.store import Run, Schedule, ScheduleDraft, Store
from bot.tasks import LeaseLost, while_kept

log = logging.getLogger(__name__)

# How long a claim is ours without a heartbeat; a crashed bot's claim is taken over after this.
LEASE = timedelta(minutes=5)
# How often a running attempt renews its lease: several renewals fit in one lease, so one
# slow database round trip does not lose the claim.
HEARTBEAT = LEASE / 5
# Waits after the 1st, 2nd, ... failed attempt; the attempt after the last one is final.
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=8),
    timedelta(minutes=30),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass(frozen=True)
class Delivery:
    """One digest to post: what the Discord side's `post` callback receives."""

    schedule: Schedule
    run: Run
    digest: Digest

    @property
    def late(self) -> bool:
        """The slot was due well before it could be posted (the bot was down)."""
        return self.run.late

    @property
    def resumed(self) -> bool:
        """An earlier attempt started: part of this digest may already be in the channel."""
        return self.run.attempts > 1


PostDigest = Callable[[Delivery], Awaitable[Sequence[int]]]
ReportProblem = Callable[[Schedule, str], Awaitable[None]]
# Deletes messages a stale owner posted that the run's current owner did not keep.
RetractPosts = Callable[[Schedule, Sequence[int]], Awaitable[None]]


def recurrence_of(schedule: Schedule | ScheduleDraft) -> Recurrence:
    """The schedule's recurrence as stored."""
    return Recurrence(
        schedule.every, time.fromisoformat(schedule.local_time), schedule.weekday, schedule.cron
    )


def window_start(schedule: Schedule, at: datetime) -> datetime:
    """Where a digest due `at` starts: the last digest's end (so downtime loses nothing),
    unless there is none or it predates a resume (a pause is not caught up on): then one
    period before."""
    last, active = schedule.last_success_at, schedule.active_from
    if last is not None and (active is None or last >= active):
        return last
    rule, zone = recurrence_of(schedule), ZoneInfo(schedule.timezone)
    latest = latest_slot(rule, zone, at)
    return latest_slot(rule, zone, latest - timedelta(seconds=1))


async def preview_digest(composer: DigestComposer, schedule: Schedule, now: datetime) -> Digest:
    """What the schedule's digest would hold if it were posted `now` (posts nothing)."""
    return await composer.compose(
        since=window_start(schedule, now),
        until=now,
        filter=schedule.filter,
        max_items=schedule.max_items,
        guild_id=schedule.guild_id,
    )


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


async def _log_report(schedule: Schedule, text: str) -> None:
    log.warning("digest #%s in guild %s: %s", schedule.id, schedule.guild_id, text)


async def _log_retract(schedule: Schedule, message_ids: Sequence[int]) -> None:
    log.warning("digest #%s: duplicate messages left in place: %s", schedule.id, message_ids)


class DigestPosting:
    """The attempts of `DigestScheduler`: post a claimed run once, keeping its lease."""

    store: Store
    composer: DigestComposer
    post: PostDigest
    report: ReportProblem
    retract: RetractPosts
    clock: Clock
    owner: str
    leases: dict[int, datetime]
    metrics: Metrics | None

    def _notify(self) -> None:
        """Wake whoever waits on the scheduler's progress (defined by the scheduler)."""

    async def _work(self, schedule: Schedule, run: Run, take: bool) -> None:
        if take:
            taken = await self.store.take_digest_run(
                schedule.guild_id, run.id, owner=self.owner, now=self.clock.now(), lease=LEASE
            )
            if taken is None:
                return
            run = taken
        self.leases[run.id] = run.lease_until
        attempt, heartbeat = self._attempt(schedule, run), self._keep_lease(run)
        try:
            await while_kept(attempt, heartbeat, name=f"digest-attempt-{run.id}")
        except LeaseLost:
            # The heartbeat found the claim taken over: post no more of it.
            log.warning("digest #%s run %s: claim taken over; stopped posting", schedule.id, run.id)
        except Exception:
            # The attempt's own bookkeeping failed (e.g. the database): the claim stays and
            # its lease runs out, so the slot is resumed later rather than lost.
            log.exception("digest #%s run %s: attempt failed unexpectedly", schedule.id, run.id)
        finally:
            self.leases.pop(run.id, None)

    async def _keep_lease(self, run: Run) -> None:
        """Renew the run's lease every HEARTBEAT while its attempt runs; return once the claim
        is no longer ours (taken over after a stall, or finished)."""
        while True:
            await self.clock.sleep_until(self.clock.now() + HEARTBEAT)
            now = self.clock.now()
            try:
                kept = await self.store.renew_digest_run(
                    run.guild_id, run.id, owner=self.owner, now=now, lease=LEASE
                )
            except Exception as exc:
                # The lease still runs for a while: try again at the next beat.
                log.warning("digest run %s: could not renew its lease: %s", run.id, exc)
                continue
            if not kept:
                return
            self.leases[run.id] = now + LEASE
            self._notify()

    async def _attempt(self, schedule: Schedule, run: Run) -> None:
        guild = schedule.guild_id
        until = self.clock.now()
        since = window_start(schedule, run.slot)
        try:
            digest = await self.composer.compose(
                since=since,
                until=until,
                filter=schedule.filter,
                max_items=schedule.max_items,
                guild_id=guild,
            )
            if digest.empty and schedule.nothing_new == "skip":
                await self._finish(run, "skipped", (since, until))
                return
            posted = await self.post(Delivery(schedule, run, digest))
        except asyncio.CancelledError:
            raise
        except DeliveryGone as gone:
            await self._give_up(schedule, run, str(gone), pause=True)
            return
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            if run.attempts >= MAX_ATTEMPTS:
                await self._give_up(schedule, run, error, pause=False)
                return
            retry_at = self.clock.now() + backoff(run.attempts)
            log.warning(
                "digest #%s run %s attempt %d failed (%s); retrying at %s",
                schedule.id,
                run.id,
                run.attempts,
                error,
                retry_at.isoformat(),
            )
            await self.store.retry_digest_run(
                guild,
                run.id,
                owner=self.owner,
                now=self.clock.now(),
                next_attempt_at=retry_at,
                error=error,
            )
            return
        if not await self._finish(run, "posted", (since, until), posted):
            await self._reconcile(schedule, run, posted)

    async def _finish(
        self,
        run: Run,
        status: str,
        window: tuple[datetime, datetime],
        posted: Sequence[int] = (),
    ) -> bool:
        """Record our run as ended; False when the claim is no longer ours."""
        ended = await self.store.finish_digest_run(
            run.guild_id,
            run.id,
            status,
            owner=self.owner,
            now=self.clock.now(),
            window=window,
            message_ids=posted,
        )
        if ended and self.metrics is not None:
            self.metrics.digest_ended(status)
        return ended

    async def _reconcile(self, schedule: Schedule, run: Run, posted: Sequence[int]) -> None:
        """We posted a run whose claim another bot took over (we stalled past the lease):
        once that owner has posted it, retract our messages it did not adopt. While it is
        still at it, it is resumed and adopts the parts it finds in the channel."""
        current = await self.store.digest_run(schedule.guild_id, run.id)
        if current is None or current.status != "posted":
            log.warning(
                "digest #%s run %s: posted after its claim was taken over (%s); the new owner"
                " adopts the parts",
                schedule.id,
                run.id,
                list(posted),
            )
            return
        extra = [m for m in posted if m not in current.message_ids]
        log.warning(
            "digest #%s run %s: posted after its claim was taken over; retracting %s",
            schedule.id,
            run.id,
            extra,
        )
        if extra:
            try:
                await self.retract(schedule, extra)
            except Exception:
                log.exception("digest #%s: could not retract %s", schedule.id, extra)

    async def _give_up(self, schedule: Schedule, run: Run, reason: str, *, pause: bool) -> None:
        now = self.clock.now()
        failed = await self.store.fail_digest_run(
            schedule.guild_id, run.id, owner=self.owner, now=now, error=reason
        )
        if not failed:
            return  # the claim was taken over: its new owner decides
        if self.metrics is not None:
            self.metrics.digest_ended("failed")
        if pause:
            await self.store.pause_digest_schedule(schedule.guild_id, schedule.id, reason, now)
            text = (
                f"Digest #{schedule.id} is paused: {reason}. "
                f"Fix it and use `/digest resume {schedule.id}`."
            )
        else:
            text = (
                f"Digest #{schedule.id} could not be posted after {run.attempts} attempts "
                f"({reason}); the next one is still scheduled."
            )
        log.warning("digest #%s run %s given up: %s", schedule.id, run.id, reason)
        try:
            await self.report(schedule, text)
        except Exception:
            log.exception("could not report digest #%s problem: %s", schedule.id, text)
