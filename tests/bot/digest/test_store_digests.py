"""Digest schedules and runs on both backends: guild isolation, unique claims, leases, cascades."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.store import Run, Store, open_store

from .conftest import GUILD_A, GUILD_B, draft_schedule

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SLOT = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


async def test_a_guild_never_sees_or_changes_another_guilds_schedule(store: Store) -> None:
    mine = await store.add_digest_schedule(draft_schedule(GUILD_A, filter="Qatar"), NOW)
    assert mine.created_at == NOW and mine.active_from == NOW and not mine.paused
    # Guild B holds the real id of guild A's schedule and tries everything with it.
    assert await store.digest_schedule(GUILD_B, mine.id) is None
    assert await store.digest_schedules(GUILD_B) == []
    assert await store.remove_digest_schedule(GUILD_B, mine.id) is False
    assert await store.pause_digest_schedule(GUILD_B, mine.id, "forged", NOW) is None
    assert await store.resume_digest_schedule(GUILD_B, mine.id, NOW) is None
    assert await store.digest_runs(GUILD_B, mine.id) == []
    still = await store.digest_schedule(GUILD_A, mine.id)
    assert still is not None and not still.paused and still.filter == "Qatar"
    assert [s.id for s in await store.digest_schedules(GUILD_A)] == [mine.id]


async def test_a_slot_is_claimed_once(store: Store) -> None:
    schedule = await store.add_digest_schedule(draft_schedule(), NOW)
    first = await store.claim_digest_run(schedule, SLOT, owner="bot-1", now=NOW, lease=LEASE)
    again = await store.claim_digest_run(schedule, SLOT, owner="bot-2", now=NOW, lease=LEASE)
    assert first is not None and first.status == "claimed" and first.attempts == 1
    assert again is None
    other_slot = await store.claim_digest_run(
        schedule, SLOT + timedelta(days=1), owner="bot-2", now=NOW, lease=LEASE
    )
    assert other_slot is not None


async def test_two_bots_on_one_database_race_for_a_slot_and_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    async with await open_store(path) as one, await open_store(path) as two:
        schedule = await one.add_digest_schedule(draft_schedule(), NOW)
        claims = await asyncio.gather(
            *(
                store.claim_digest_run(schedule, SLOT, owner=name, now=NOW, lease=LEASE)
                for store, name in [(one, "bot-1"), (two, "bot-2")] * 5
            ),
            return_exceptions=True,
        )
        # Losers get None, or (rarely, when SQLite answers "locked" at once) a StoreError the
        # scheduler retries later: never a second claim.
        won = [c for c in claims if isinstance(c, Run)]
        assert len(won) == 1
        assert all(c is None or isinstance(c, Run | StoreError) for c in claims)
        assert len(await one.digest_runs(GUILD_A, schedule.id)) == 1


async def test_concurrent_digest_writes_on_one_connection_take_turns(store: Store) -> None:
    schedule = await store.add_digest_schedule(draft_schedule(), NOW)
    slots = [SLOT + timedelta(days=n) for n in range(8)]
    claims = await asyncio.gather(
        *(store.claim_digest_run(schedule, s, owner="b", now=NOW, lease=LEASE) for s in slots * 2)
    )
    assert sum(c is not None for c in claims) == len(slots)


async def test_paused_or_removed_schedules_cannot_be_claimed(store: Store) -> None:
    schedule = await store.add_digest_schedule(draft_schedule(), NOW)
    await store.pause_digest_schedule(GUILD_A, schedule.id, "channel deleted", NOW)
    assert await store.claim_digest_run(schedule, SLOT, owner="b", now=NOW, lease=LEASE) is None
    assert await store.active_digest_schedules() == []
    resumed = await store.resume_digest_schedule(GUILD_A, schedule.id, NOW + timedelta(days=2))
    assert resumed is not None and resumed.active_from == NOW + timedelta(days=2)
    run = await store.claim_digest_run(schedule, SLOT, owner="b", now=NOW, lease=LEASE)
    assert run is not None
    assert await store.remove_digest_schedule(GUILD_A, schedule.id)
    assert await store.digest_run(GUILD_A, run.id) is None  # runs go with their schedule


async def test_leases_decide_who_may_retry(store: Store) -> None:
    schedule = await store.add_digest_schedule(draft_schedule(), NOW)
    run = await store.claim_digest_run(schedule, SLOT, owner="bot-1", now=NOW, lease=LEASE)
    assert run is not None
    # bot-2 cannot take a claim whose lease is running...
    assert await store.take_digest_run(GUILD_A, run.id, owner="bot-2", now=NOW, lease=LEASE) is None
    # ...but can once it ran out (bot-1 died), and the attempt is counted.
    later = NOW + LEASE
    taken = await store.take_digest_run(GUILD_A, run.id, owner="bot-2", now=later, lease=LEASE)
    assert taken is not None and taken.owner == "bot-2" and taken.attempts == 2
    # A failed attempt waits for its retry time, with the lease given back.
    retry_at = later + timedelta(minutes=2)
    await store.retry_digest_run(
        GUILD_A, run.id, owner="bot-2", now=later, next_attempt_at=retry_at, error="HTTP 503"
    )
    assert (
        await store.take_digest_run(GUILD_A, run.id, owner="bot-2", now=later, lease=LEASE) is None
    )
    again = await store.take_digest_run(GUILD_A, run.id, owner="bot-1", now=retry_at, lease=LEASE)
    assert again is not None and again.attempts == 3 and again.error == "HTTP 503"
    # A clean shutdown gives the lease back at once.
    assert await store.release_digest_runs("bot-1", retry_at) == 1


async def test_finishing_a_run_moves_the_schedules_last_success(store: Store) -> None:
    schedule = await store.add_digest_schedule(draft_schedule(), NOW)
    run = await store.claim_digest_run(schedule, SLOT, owner="b", now=NOW, lease=LEASE)
    assert run is not None
    window = (NOW, SLOT + timedelta(seconds=3))
    await store.finish_digest_run(
        GUILD_A, run.id, "posted", owner="b", now=SLOT, window=window, message_ids=[11, 12]
    )
    done = await store.digest_run(GUILD_A, run.id)
    assert done is not None and done.status == "posted" and done.message_ids == (11, 12)
    after = await store.digest_schedule(GUILD_A, schedule.id)
    assert after is not None and after.last_success_at == window[1]
    assert await store.open_digest_runs() == []
    [active] = await store.active_digest_schedules()
    assert active.last_slot == SLOT


async def test_pausing_drops_unposted_claims(store: Store) -> None:
    schedule = await store.add_digest_schedule(draft_schedule(), NOW)
    run = await store.claim_digest_run(schedule, SLOT, owner="b", now=NOW, lease=LEASE)
    assert run is not None
    paused = await store.pause_digest_schedule(GUILD_A, schedule.id, "Missing Permissions", NOW)
    assert paused is not None and paused.paused and paused.paused_reason == "Missing Permissions"
    dropped = await store.digest_run(GUILD_A, run.id)
    assert dropped is not None and dropped.status == "failed"
    assert "Missing Permissions" in dropped.error


@pytest.mark.parametrize(
    "change",
    [{"every": "hourly"}, {"max_items": 0}, {"nothing_new": "shout"}, {"every": "cron"}],
)
async def test_the_schema_refuses_impossible_schedules(store: Store, change: dict) -> None:
    with pytest.raises(Exception, match=r"CHECK constraint failed|violates check constraint"):
        await store.add_digest_schedule(draft_schedule(**change), NOW)


async def test_a_heartbeat_keeps_the_claim_past_its_first_lease(store: Store) -> None:
    schedule = await store.add_digest_schedule(draft_schedule(), NOW)
    run = await store.claim_digest_run(schedule, SLOT, owner="bot-1", now=NOW, lease=LEASE)
    assert run is not None
    beat = NOW + LEASE / 2
    assert await store.renew_digest_run(GUILD_A, run.id, owner="bot-1", now=beat, lease=LEASE)
    renewed = await store.digest_run(GUILD_A, run.id)
    assert renewed is not None and renewed.lease_until == beat + LEASE
    # Past the first lease, the claim is still bot-1's: nobody else may take it.
    past = NOW + LEASE + timedelta(seconds=1)
    assert (
        await store.take_digest_run(GUILD_A, run.id, owner="bot-2", now=past, lease=LEASE) is None
    )
    # Someone else's heartbeat renews nothing.
    assert not await store.renew_digest_run(GUILD_A, run.id, owner="bot-2", now=past, lease=LEASE)


async def test_after_a_takeover_the_stale_owner_cannot_finish_or_renew(store: Store) -> None:
    schedule = await store.add_digest_schedule(draft_schedule(), NOW)
    run = await store.claim_digest_run(schedule, SLOT, owner="bot-1", now=NOW, lease=LEASE)
    assert run is not None
    expired = NOW + LEASE  # bot-1 stalled: no heartbeat for a whole lease
    taken = await store.take_digest_run(GUILD_A, run.id, owner="bot-2", now=expired, lease=LEASE)
    assert taken is not None and taken.owner == "bot-2"
    window = (NOW, expired)
    assert not await store.renew_digest_run(
        GUILD_A, run.id, owner="bot-1", now=expired, lease=LEASE
    )
    assert not await store.finish_digest_run(
        GUILD_A, run.id, "posted", owner="bot-1", now=expired, window=window, message_ids=[1]
    )
    assert not await store.fail_digest_run(
        GUILD_A, run.id, owner="bot-1", now=expired, error="stale"
    )
    still = await store.digest_run(GUILD_A, run.id)
    assert still is not None and still.status == "claimed" and still.message_ids == ()
    unchanged = await store.digest_schedule(GUILD_A, schedule.id)
    assert unchanged is not None and unchanged.last_success_at is None
    # The current owner finishes it, once.
    assert await store.finish_digest_run(
        GUILD_A, run.id, "posted", owner="bot-2", now=expired, window=window, message_ids=[2]
    )
    assert not await store.finish_digest_run(
        GUILD_A, run.id, "posted", owner="bot-2", now=expired, window=window, message_ids=[3]
    )
    done = await store.digest_run(GUILD_A, run.id)
    assert done is not None and done.status == "posted" and done.message_ids == (2,)
