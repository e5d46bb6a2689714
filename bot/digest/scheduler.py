"""The digest scheduler: one sleeping task that posts each schedule's slots exactly once.

The loop reads the schedules, claims every slot that is due, hands each claim to a short-lived
worker and sleeps until the nearest due time or until `wake()` says a schedule changed — it
never polls (it re-plans at least hourly, in case the wall clock jumped). All time comes from
the injected `Clock`.

Exactly once: a slot is posted only by the holder of its claim (a `digest_runs` row, unique
per schedule and slot, inserted in a transaction *before* anything is posted) and marked
posted after. While an attempt runs, a heartbeat renews the claim's lease every `HEARTBEAT`,
so a slow post keeps its claim; only the claim's current owner may mark it posted. A failed
attempt is retried with backoff (`BACKOFF`, at most `MAX_ATTEMPTS`), keeping the claim; a bot
that died (or stalled past its lease) leaves a claim whose lease runs out, and whoever takes
it over is told (`Delivery.resumed`) to check the channel for what was already posted. The
stale owner's attempt is stopped when its heartbeat finds the claim gone, and if it posted
anyway its finish is refused and its messages that the new owner did not adopt are retracted.
After downtime only the most recent missed slot is posted, once, marked late. A target that
is gone (`DeliveryGone`) pauses that schedule alone and is reported to the guild.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, SystemClock
from bot.digest.composer import Digest, DigestComposer
from bot.digest.errors import DeliveryGone, ScheduleError
from bot.digest.schedule import Recurrence, latest_slot, next_slot, slots_between
from bot.errors import StoreError
from bot.store import Store
from bot.store.digests import Run, Schedule

log = logging.getLogger(__name__)

# How long a claim is ours without a heartbeat; a crashed bot's claim is taken over after this.
LEASE = timedelta(minutes=5)
# How often a running attempt renews its lease: several renewals fit in one lease, so one
# slow database round trip does not lose the claim.
HEARTBEAT = LEASE / 5
# A slot posted later than this after it was due says so.
LATE_AFTER = timedelta(minutes=10)
# Waits after the 1st, 2nd, ... failed attempt; the attempt after the last one is final.
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=8),
    timedelta(minutes=30),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# Re-plan at least this often even with nothing due, in case the wall clock jumped (a
# suspended VM, an NTP step): one cheap query, and a bound on how late such a slot can be.
MAX_SLEEP = timedelta(minutes=15)
# After a database error in planning, or a claim someone else won, look again this much later.
STORE_RETRY = timedelta(seconds=30)


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


def recurrence_of(schedule: Schedule) -> Recurrence:
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


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


async def _log_report(schedule: Schedule, text: str) -> None:
    log.warning("digest #%s in guild %s: %s", schedule.id, schedule.guild_id, text)


async def _log_retract(schedule: Schedule, message_ids: Sequence[int]) -> None:
    log.warning("digest #%s: duplicate messages left in place: %s", schedule.id, message_ids)


class DigestScheduler:
    """Posts every guild's digests on time; `start()` in cog_load, `stop()` in cog_unload."""

    def __init__(
        self,
        store: Store,
        composer: DigestComposer,
        post: PostDigest,
        *,
        clock: Clock | None = None,
        report: ReportProblem | None = None,
        owner: str | None = None,
        retract: RetractPosts | None = None,
    ) -> None:
        self.store = store
        self.composer = composer
        self.post = post
        self.clock: Clock = clock or SystemClock()
        self.report = report or _log_report
        self.retract = retract or _log_retract
        # Who holds a claim: unique per running bot, so two bots on one database never share.
        self.owner = owner or f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._asleep = False
        self._sleep_until: datetime | None = None
        self._due_at: datetime | None = None
        self._progress = asyncio.Event()
        # The lease each attempt in flight last renewed to (run id -> until), for the console
        # and tests.
        self.leases: dict[int, datetime] = {}

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the sleeping task (idempotent)."""
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.get_running_loop().create_task(
                self._run(), name="digest-scheduler"
            )

    async def stop(self) -> None:
        """Stop the loop and any post in flight; give our claims back for a quick restart."""
        tasks = [t for t in (self._loop_task, *self._workers.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._loop_task = None
        with contextlib.suppress(Exception):
            await self.store.release_digest_runs(self.owner, self.clock.now())

    def wake(self) -> None:
        """Re-plan now: a schedule was added, removed, paused or resumed."""
        self._wake.set()
        self._notify()

    # -- the loop ---------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                wake_at = await self._plan()
            except StoreError as exc:
                log.warning("digest scheduler could not read the database: %s", exc)
                wake_at = self.clock.now() + STORE_RETRY
            except Exception:
                log.exception("digest scheduler failed to plan; trying again later")
                wake_at = self.clock.now() + STORE_RETRY
            await self._sleep(wake_at)

    async def _sleep(self, wake_at: datetime | None) -> None:
        cap = self.clock.now() + MAX_SLEEP
        self._due_at = wake_at
        self._sleep_until = min(wake_at, cap) if wake_at else cap
        waits = [
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(self.clock.sleep_until(self._sleep_until)),
        ]
        self._asleep = True
        self._notify()
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._asleep = False
            for waiter in waits:
                waiter.cancel()

    async def _plan(self) -> datetime | None:
        """Start whatever is due; return when the next thing will be."""
        now = self.clock.now()
        schedules = await self.store.active_digest_schedules()
        open_runs: dict[int, Run] = {}
        for run in await self.store.open_digest_runs():
            open_runs.setdefault(run.schedule_id, run)
        wake_at: datetime | None = None

        def sooner(when: datetime) -> None:
            nonlocal wake_at
            wake_at = when if wake_at is None else min(wake_at, when)

        for schedule in schedules:
            run = open_runs.get(schedule.id)
            if run is not None:
                if run.id in self._workers:
                    continue
                ready = run.next_attempt_at
                if run.owner != self.owner:
                    ready = max(ready, run.lease_until)
                if ready <= now:
                    self._spawn(schedule, run, take=True)
                else:
                    sooner(ready)
                continue
            due = self._due(schedule)
            if due > now:
                sooner(due)
                continue
            if not await self._claim(schedule, due, now):
                sooner(now + STORE_RETRY)
        return wake_at

    def _due(self, schedule: Schedule) -> datetime:
        """The schedule's first slot not yet claimed (and not before it became active)."""
        anchor = schedule.active_from or self.clock.now()
        if schedule.last_slot is not None and schedule.last_slot > anchor:
            anchor = schedule.last_slot
        return next_slot(recurrence_of(schedule), ZoneInfo(schedule.timezone), anchor)

    async def _claim(self, schedule: Schedule, due: datetime, now: datetime) -> bool:
        """Claim the most recent due slot (earlier missed ones are only counted) and post it;
        False when the claim went to someone else (or the schedule just changed)."""
        rule, zone = recurrence_of(schedule), ZoneInfo(schedule.timezone)
        slot = latest_slot(rule, zone, now)
        missed = slots_between(rule, zone, due - timedelta(seconds=1), slot)
        run = await self.store.claim_digest_run(
            schedule,
            slot,
            owner=self.owner,
            now=now,
            lease=LEASE,
            late=now - slot > LATE_AFTER,
            missed=missed,
        )
        if run is None:
            return False
        if missed or run.late:
            log.info("digest #%s: posting slot %s late (%d missed)", schedule.id, slot, missed)
        self._spawn(schedule, run, take=False)
        return True

    def _spawn(self, schedule: Schedule, run: Run, *, take: bool) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(
            self._work(schedule, run, take), name=f"digest-run-{run.id}"
        )
        self._workers[run.id] = task
        task.add_done_callback(lambda _: self._finished(run.id))
        return task

    def _finished(self, run_id: int) -> None:
        self._workers.pop(run_id, None)
        self.wake()

    # -- one attempt ------------------------------------------------------------------------

    async def _work(self, schedule: Schedule, run: Run, take: bool) -> None:
        if take:
            taken = await self.store.take_digest_run(
                schedule.guild_id, run.id, owner=self.owner, now=self.clock.now(), lease=LEASE
            )
            if taken is None:
                return
            run = taken
        loop = asyncio.get_running_loop()
        attempt = loop.create_task(self._attempt(schedule, run), name=f"digest-attempt-{run.id}")
        heartbeat = loop.create_task(self._keep_lease(run), name=f"digest-lease-{run.id}")
        self.leases[run.id] = run.lease_until
        try:
            await asyncio.wait((attempt, heartbeat), return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Stopping, or the heartbeat found the claim taken over: post no more of it.
            lost = heartbeat.done() and not heartbeat.cancelled() and not attempt.done()
            heartbeat.cancel()
            attempt.cancel()
            await asyncio.wait((attempt, heartbeat))
            self.leases.pop(run.id, None)
        if lost:
            log.warning("digest #%s run %s: claim taken over; stopped posting", schedule.id, run.id)
        elif attempt.cancelled():
            return
        elif (error := attempt.exception()) is not None:
            # The attempt's own bookkeeping failed (e.g. the database): the claim stays and
            # its lease runs out, so the slot is resumed later rather than lost.
            log.error(
                "digest #%s run %s: attempt failed unexpectedly",
                schedule.id,
                run.id,
                exc_info=error,
            )

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
                since=since, until=until, filter=schedule.filter, max_items=schedule.max_items
            )
            if digest.empty and schedule.nothing_new == "skip":
                await self.store.finish_digest_run(
                    guild,
                    run.id,
                    "skipped",
                    owner=self.owner,
                    now=self.clock.now(),
                    window=(since, until),
                )
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
        if not await self.store.finish_digest_run(
            guild,
            run.id,
            "posted",
            owner=self.owner,
            now=self.clock.now(),
            window=(since, until),
            message_ids=posted,
        ):
            await self._reconcile(schedule, run, posted)

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

    # -- on demand --------------------------------------------------------------------------

    async def post_now(self, schedule: Schedule) -> Run:
        """Post a digest of the schedule right away (`/digest now`); return its run as it ended
        (posted, skipped, or still claimed with a retry planned)."""
        if schedule.paused:
            raise ScheduleError(f"Digest #{schedule.id} is paused; resume it first.")
        now = self.clock.now().replace(microsecond=0)
        slot = now
        if latest_slot(recurrence_of(schedule), ZoneInfo(schedule.timezone), now) == now:
            # A manual run keyed on a scheduled slot's instant would take that slot's claim.
            slot += timedelta(seconds=1)
        run = await self.store.claim_digest_run(
            schedule, slot, owner=self.owner, now=now, lease=LEASE, manual=True
        )
        if run is None:
            raise ScheduleError(f"Digest #{schedule.id} is already being posted; try again soon.")
        # Shielded: the command may give up waiting, the post still completes and is recorded.
        await asyncio.shield(self._spawn(schedule, run, take=False))
        ended = await self.store.digest_run(schedule.guild_id, run.id)
        return ended or run

    async def preview(self, schedule: Schedule) -> Digest:
        """What the schedule's digest would hold if it were posted now (posts nothing)."""
        now = self.clock.now()
        return await self.composer.compose(
            since=window_start(schedule, now),
            until=now,
            filter=schedule.filter,
            max_items=schedule.max_items,
        )

    # -- for tests and the console ----------------------------------------------------------

    def _notify(self) -> None:
        self._progress.set()
        self._progress = asyncio.Event()

    @property
    def next_wake(self) -> datetime | None:
        """The nearest time something is due (a slot or a retry); None when nothing is."""
        return self._due_at

    def idle(self) -> bool:
        """True when nothing is due or in flight and the loop is asleep until later."""
        return (
            self._asleep
            and not self._workers
            and not self._wake.is_set()
            and (self._sleep_until is None or self.clock.now() < self._sleep_until)
        )

    async def wait_idle(self, wait_seconds: float = 10.0) -> None:
        """Wait until `idle()` (e.g. after moving a FakeClock): everything due has been done."""
        await self.wait_until(self.idle, wait_seconds)

    async def wait_until(self, check: Callable[[], bool], wait_seconds: float = 10.0) -> None:
        """Wait until `check()` holds, re-checking whenever the scheduler makes progress (a
        plan, a finished attempt, a renewed lease)."""
        async with asyncio.timeout(wait_seconds):
            while not check():
                await self._progress.wait()
