"""The digest scheduler: one sleeping task that posts each schedule's slots exactly once.

The loop reads the schedules, claims every slot that is due, hands each claim to a short-lived
worker and sleeps until the nearest due time or until `wake()` says a schedule changed — it
never polls (it re-plans at least hourly, in case the wall clock jumped). All time comes from
the injected `Clock`.

Exactly once: a slot is posted only by the holder of its claim (a `digest_runs` row, unique
per schedule and slot, inserted in a transaction *before* anything is posted) and marked
posted after; how one claimed slot is posted (the lease heartbeat, retries, a stale owner,
a gone target) is `bot.digest.posting`. After downtime only the most recent missed slot is
posted, once, marked late.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, SystemClock
from bot.digest.composer import Digest, DigestComposer
from bot.digest.errors import ScheduleError
from bot.digest.posting import (
    BACKOFF,
    HEARTBEAT,
    LEASE,
    MAX_ATTEMPTS,
    Delivery,
    DigestPosting,
    PostDigest,
    ReportProblem,
    RetractPosts,
    _log_report,
    _log_retract,
    backoff,
    preview_digest,
    recurrence_of,
    window_start,
)
from bot.digest.schedule import latest_slot, next_slot, slots_between
from bot.errors import StoreError
from bot.metrics import Metrics
from bot.store import Run, Schedule, Store
from bot.tasks import BackgroundTasks, first_of

# Names other modules and tests import from here.
__all__ = [
    "BACKOFF",
    "HEARTBEAT",
    "LEASE",
    "MAX_ATTEMPTS",
    "Delivery",
    "DigestScheduler",
    "PostDigest",
    "ReportProblem",
    "RetractPosts",
    "backoff",
    "recurrence_of",
    "window_start",
]

log = logging.getLogger(__name__)

# A slot posted later than this after it was due says so.
LATE_AFTER = timedelta(minutes=10)
# Re-plan at least this often even with nothing due, in case the wall clock jumped (a
# suspended VM, an NTP step): one cheap query, and a bound on how late such a slot can be.
MAX_SLEEP = timedelta(minutes=15)
# After a database error in planning, or a claim someone else won, look again this much later.
STORE_RETRY = timedelta(seconds=30)


class DigestScheduler(DigestPosting):
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
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.composer = composer
        self.post = post
        self.clock: Clock = clock or SystemClock()
        self.report = report or _log_report
        self.retract = retract or _log_retract
        # Who holds a claim: unique per running bot, so two bots on one database never share.
        self.owner = owner or f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()
        # The sleeping loop and each run's attempt: kept, named "digest-scheduler:...", logged.
        self._tasks = BackgroundTasks("digest-scheduler")
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
            self._loop_task = self._tasks.spawn(self._run(), name="loop")

    async def stop(self) -> None:
        """Stop the loop and any post in flight; give our claims back for a quick restart."""
        await self._tasks.cancel_all()
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
        self._asleep = True
        self._notify()
        try:
            await first_of(self._wake.wait(), self.clock.sleep_until(self._sleep_until))
        finally:
            self._asleep = False

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
        task = self._tasks.spawn(self._work(schedule, run, take), name=f"run-{run.id}")
        self._workers[run.id] = task
        task.add_done_callback(lambda _: self._finished(run.id))
        return task

    def _finished(self, run_id: int) -> None:
        self._workers.pop(run_id, None)
        self.wake()

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
        return await preview_digest(self.composer, schedule, self.clock.now())

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
