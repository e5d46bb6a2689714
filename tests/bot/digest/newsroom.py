"""A scheduler on a real store whose posts are recorded (or fail, or hang, when told to)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.clock import FakeClock
from bot.digest import Delivery, DigestComposer, DigestScheduler, NoFacts
from bot.metrics import Metrics
from bot.store import Schedule, Store

from .conftest import draft_schedule

NEW_YORK = ZoneInfo("America/New_York")


class Newsroom:
    """A scheduler whose `post` records each delivery (or fails, or hangs, when told to)."""

    def __init__(
        self, store: Store, clock: FakeClock, owner: str = "bot-1", first_id: int = 9000
    ) -> None:
        self.store = store
        self.clock = clock
        self.first_id = first_id
        self.posted: list[Delivery] = []
        self.retracted: list[int] = []
        self.reports: list[str] = []
        self.failures: list[BaseException] = []
        self.hold: asyncio.Event | None = None
        self.entered = asyncio.Event()
        self.metrics = Metrics()
        composer = DigestComposer(store, facts=NoFacts())
        self.scheduler = DigestScheduler(
            store,
            composer,
            self.post,
            clock=clock,
            report=self.report,
            owner=owner,
            retract=self.retract,
            metrics=self.metrics,
        )

    async def post(self, delivery: Delivery) -> Sequence[int]:
        self.entered.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.failures:
            raise self.failures.pop(0)
        self.posted.append(delivery)
        return [self.first_id + len(self.posted)]

    async def retract(self, schedule: Schedule, message_ids: Sequence[int]) -> None:
        self.retracted.extend(message_ids)

    async def report(self, schedule: Schedule, text: str) -> None:
        self.reports.append(text)

    async def at(self, when: datetime) -> None:
        """Move time to `when` and let everything due happen."""
        self.clock.set(when)
        await self.scheduler.wait_idle()

    def ended(self, outcome: str) -> float:
        """How many digest runs ended so (posted, skipped, failed), as /metrics counts them."""
        found = self.metrics.registry.get_sample_value(
            "newsdesk_digest_posts_total", {"outcome": outcome}
        )
        return found or 0.0

    def local_slots(self) -> list[str]:
        return [d.run.slot.astimezone(NEW_YORK).strftime("%a %m-%d %H:%M %Z") for d in self.posted]


async def schedule(room: Newsroom, **changes: object) -> Schedule:
    changes.setdefault("nothing_new", "note")  # post even when quiet: these tests count posts
    added = await room.store.add_digest_schedule(draft_schedule(**changes), room.clock.now())
    room.scheduler.wake()
    await room.scheduler.wait_idle()
    return added


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
