"""The cluster, end to end: 3 shard processes and 2 workers on one PostgreSQL, 30 guilds on
the Discord emulator. Each guild's commands reach and are answered by its own shard once;
queued articles are all stored and analysed once although a worker is killed mid-job;
every guild's scheduled digest is posted exactly once although a shard is killed mid-post.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.client.shards import shard_of
from bot.cluster.worker import enqueue_drafts
from bot.digest.scheduler import HEARTBEAT
from bot.digest.scheduler import LEASE as DIGEST_LEASE
from bot.models import ArticleDraft
from bot.nlp.enrichment import NLP_VERSION
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.world import World
from bot.store import ScheduleDraft, open_cluster_store
from tests.cluster.harness import FileClock, Processes

SHARDS, WORKERS, GUILDS = 3, 2, 30
WORKER_LEASE = 2.0  # seconds of real time before a killed worker's job is taken over
# Real seconds allowed for processes to start, work and take over (they run in real time).
PATIENCE = 90.0


def newsrooms() -> World:
    """30 guilds created a millisecond apart: they spread evenly over the shards."""
    world = World()
    alice = world.add_user("alice")
    for n in range(GUILDS):
        world.ids.tick()
        world.add_guild(f"Newsroom {n}", members=(alice,))
    return world


def wire(n: int) -> ArticleDraft:
    """A wire story naming one person in every article."""
    return ArticleDraft(
        title=f"Harbour {n} reopens after the storm",
        body=f"Mayor Ada Lovelace reopened harbour {n} in Lisbon on Monday. Ships returned.",
        origin=f"wire:{n}",
    )


async def until(check: Callable[[], object], what: str, processes: Processes) -> None:
    """Wait (real time, bounded) for state other processes change; fail with their logs."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while True:
        done = check()
        if asyncio.iscoroutine(done):
            done = await done
        if done:
            return
        if loop.time() > deadline:
            logs = "\n".join(f"--- {n}\n{processes.log_tail(n)}" for n in processes.running)
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        await asyncio.sleep(0.05)


async def test_three_shards_two_workers_on_one_postgres(tmp_path: Path, postgres_url: str) -> None:
    clock = FileClock(tmp_path / "clock")
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    clock.set(start)
    slot = start + timedelta(minutes=10)
    world = newsrooms()
    processes = Processes(
        tmp_path, {"DATABASE_URL": postgres_url, "SHARD_COUNT": str(SHARDS), "LOG_LEVEL": "INFO"}
    )
    async with (
        await open_cluster_store(postgres_url, pool_size=4) as store,
        DiscordEmulator(world, clock=clock) as discord,
    ):
        emulator = discord.emulator
        emulator.shard_count = SHARDS
        for guild in world.guilds:
            channel = world.channel_named("news", guild)
            draft = ScheduleDraft(
                guild.id, channel.id, slot.strftime("%H:%M"), "UTC", "daily",
                created_by=discord.alice.id, nothing_new="note",
            )  # fmt: skip
            await store.add_digest_schedule(draft, clock.now())
        try:
            for shard in range(SHARDS):
                processes.start(
                    f"shard-{shard}",
                    "-m",
                    "tests.cluster.shard_process",
                    emulator.api_url,
                    emulator.gateway_url,
                    str(clock.path),
                    SHARD_IDS=str(shard),
                )
            workers = [
                processes.start(f"worker-{n}", "-m", "bot", "worker", "--lease", str(WORKER_LEASE))
                for n in range(WORKERS)
            ]

            # -- every guild's command goes to its shard and is answered once ---------------
            await until(
                lambda: (
                    len(emulator.gateway.shards) == SHARDS
                    and world.command_named("about", None) is not None
                ),
                "three shards connected and commands synced",
                processes,
            )
            for guild in world.guilds:
                reply = await discord.slash(
                    "about", channel=world.channel_named("general", guild), wait_seconds=PATIENCE
                )
                assert reply.answered and reply.response_type is not None
            sessions = {s.id: s.shard[0] for s in emulator.gateway.sessions.values()}
            delivered = [f for f in discord.frames if f.event == "INTERACTION_CREATE"]
            assert sorted(sessions[f.session_id] for f in delivered) == sorted(
                shard_of(g.id, SHARDS) for g in world.guilds
            )
            assert len(discord.requests_to("POST", "/callback")) == GUILDS

            # -- queued articles: a worker killed mid-job, nothing lost or doubled ----------
            jobs = await enqueue_drafts(store, [wire(n) for n in range(24)], per_job=3)
            victim = workers[0].pid

            async def victim_busy() -> bool:
                owners = await store._fetch("SELECT owner FROM jobs WHERE status = 'running'")
                return any(f"-{victim}-" in row[0] for row in owners)

            await until(victim_busy, "the first worker to be mid-job", processes)
            processes.kill("worker-0")

            async def queue_done() -> bool:
                return await store.job_counts() == {"done": len(jobs)}

            await until(queue_done, "the other worker to finish every job", processes)
            assert await store.count_articles() == 24
            assert await store.articles_needing_analysis(NLP_VERSION) == []
            (lovelace,) = await store.entities_named("Ada Lovelace")
            assert (lovelace.article_count, lovelace.mention_count) == (24, 24)

            # -- digests: a shard killed mid-post; every guild gets its digest once ---------
            emulator.faults.slow("POST /channels/*/messages", delay=0.3, times=GUILDS)
            clock.set(slot)

            async def runs() -> list[tuple[str, str]]:
                rows = await store._fetch("SELECT status, owner FROM digest_runs")
                return [(row[0], row[1]) for row in rows]

            dying = processes.running["shard-1"].pid

            async def dying_mid_post() -> bool:
                return any(s == "claimed" and o.startswith(f"{dying}-") for s, o in await runs())

            await until(dying_mid_post, "shard 1 to hold an unposted claim", processes)
            processes.kill("shard-1")

            # What the dead shard had on the wire lands before its claims can be taken over
            # (in production its 5-minute lease covers this).
            await emulator.settle(wait_seconds=PATIENCE)
            # Time passes over the lease while the live shards may still be posting: their
            # heartbeats keep their claims; only the dead shard's leases run out.
            beat = slot + HEARTBEAT
            clock.set(beat)

            async def live_claims_renewed() -> bool:
                return all(
                    run.lease_until >= beat + DIGEST_LEASE
                    for run in await store.open_digest_runs()
                    if not run.owner.startswith(f"{dying}-")
                )

            await until(live_claims_renewed, "the live shards' heartbeats", processes)
            clock.set(slot + DIGEST_LEASE + timedelta(seconds=1))

            async def all_posted() -> bool:
                found = await runs()
                return len(found) == GUILDS and all(s == "posted" for s, _ in found)

            await until(all_posted, "every digest to be posted", processes)
            await emulator.settle(wait_seconds=PATIENCE)
            for guild in world.guilds:
                (schedule,) = await store.digest_schedules(guild.id)
                (run,) = await store.digest_runs(guild.id, schedule.id)
                news = world.channel_named("news", guild)
                messages = discord.channel_messages(news)
                footers = [[e.get("footer") for e in m.embeds] for m in messages]
                log = [
                    (r.route, r.status, r.at) for r in discord.requests if str(news.id) in r.path
                ]
                assert [m.id for m in messages] == list(run.message_ids), f"{footers} {run} {log}"
            taken_over = await store._fetchval(
                "SELECT count(*) FROM digest_runs WHERE attempts > 1"
            )
            assert taken_over >= 1  # the dead shard's claims were finished by the others
        finally:
            processes.stop_all()
