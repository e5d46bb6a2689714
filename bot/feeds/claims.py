"""Feed poll claims: of several bots on one database, one polls each due feed, under a lease.

A bot claims a feed's due poll in the store before fetching (`Store.claim_feed_poll`), renews
the claim every `HEARTBEAT` while the poll runs, and only the claim's owner saves the result
(`Store.save_feed(owner=...)`), which ends the claim. A bot that dies mid-poll leaves a claim
whose lease runs out; another bot then polls the feed.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any, TypeVar

from bot.clock import Clock
from bot.store import Store
from bot.tasks import LeaseLost, while_kept

log = logging.getLogger(__name__)

# How long a poll is ours without a heartbeat; a dead bot's poll is taken over after this.
LEASE = timedelta(minutes=5)
# Several renewals fit in one lease, so one slow database round trip does not lose the claim.
HEARTBEAT = LEASE / 5

T = TypeVar("T")


class ClaimLost(Exception):
    """Another bot took this feed's poll over (ours stalled past its lease): record nothing."""


def new_owner() -> str:
    """A claim owner id unique to this running bot, so two bots never share a claim."""
    return f"{os.getpid()}-{uuid.uuid4().hex[:12]}"


async def while_claimed(
    store: Store, feed_id: int, owner: str, clock: Clock, work: Coroutine[Any, Any, T]
) -> T:
    """Run `work` while renewing `owner`'s claim on the feed's poll; if the claim is taken
    over meanwhile, cancel the work and raise `ClaimLost`."""
    keeper = _keep_claim(store, feed_id, owner, clock)
    try:
        return await while_kept(work, keeper, name=f"feed-poll-{feed_id}")
    except LeaseLost as lost:
        raise ClaimLost(f"feed {feed_id}: poll claim taken over") from lost


async def _keep_claim(store: Store, feed_id: int, owner: str, clock: Clock) -> None:
    """Renew the claim every HEARTBEAT; return once it is no longer ours."""
    while True:
        await clock.sleep_until(clock.now() + HEARTBEAT)
        try:
            kept = await store.renew_feed_poll(feed_id, owner=owner, now=clock.now(), lease=LEASE)
        except Exception as exc:
            # The lease still runs for a while: try again at the next beat.
            log.warning("feed %s: could not renew its poll claim: %s", feed_id, exc)
            continue
        if not kept:
            log.warning("feed %s: poll claim taken over by another bot; stopping", feed_id)
            return
