"""One soak phase: the emulator and its crowd in this process, the bot in a child process
(bench/soak/bot/) on a private copy of the archive; optionally hostile users, the huge-article
feed and Discord faults. Returns what was seen, for bench/soak/figures.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.corpus import REPO, console, scratch
from bench.database import copy_db
from bench.search import workload
from bench.soak import users
from bench.soak.crowd import Crowd, Trip
from bench.soak.feed import HugeFeed
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.world import World
from bot.store import open_store

# Seconds of quiet after the load before memory is read again (it should come back down).
SETTLE = 30.0
FAULT_EVERY = 20.0
FEED_INTERVAL = 300  # the poller's shortest interval
# Seconds a stopping bot may take (replies in flight, its NLP worker) before it is killed.
SHUTDOWN = 60.0


Sample = tuple[float, float, float, tuple[float, ...]]


@dataclass
class Phase:
    """What one phase saw."""

    trips: list[Trip]
    report: dict[str, Any]
    # (wall time, MB of the bot and its children, MB of the bot alone, each child's MB)
    rss: list[Sample]
    load: tuple[float, float]  # wall time the load started and ended
    requests: list[Any]
    interactions: list[Any]
    db: Path
    orphans: list[int] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    feed: dict[str, int] = field(default_factory=dict)
    huge_ids: list[int] = field(default_factory=list)
    shutdown: float = 0.0  # seconds from "stop" to the bot's exit
    # CPU seconds each process spent during the load: "bot", its children by pid, "driver"
    # (this process: the Discord emulator and the crowd) and "machine" (all cores, all users).
    cpu: dict[str, float] = field(default_factory=dict)


def newsroom(readers: int, hostiles: int) -> World:
    """A guild with #general and #news, `readers` well-behaved members and `hostiles` others."""
    world = World()
    members = [world.add_user(f"reader{i}") for i in range(readers)]
    members += [world.add_user(f"hostile{i}") for i in range(hostiles)]
    world.add_guild("Newsroom", text_channels=("general", "news"), members=tuple(members))
    return world


async def archive_facts(db: Path, size: int) -> users.Archive:
    """What users know of the archive: ids, title words, entity names, realistic queries."""
    rng = random.Random(7)
    async with await open_store(db) as store:
        entities = [t.entity.name for t in await store.top_entities(None, None, 200)]
        titles = [t for _, t in await store.titles_matching(None, 500)]
    words = sorted({w for t in titles for w in t.split() if len(w) > 3 and w.isalpha()})
    return users.Archive(
        ids=[rng.randint(1, size) for _ in range(2000)],
        title_words=words,
        entities=entities,
        queries=[q.text for q in workload(size)],
        huge_ids=[],
    )


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_cpu_seconds() -> float:
    """CPU seconds every core has spent busy since boot (all processes)."""
    busy = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _wait, irq, softirq = (int(v) for v in busy[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(pid: int) -> dict[str, float]:
    """CPU seconds so far of the bot, each of its children, this process and the machine."""
    found = {"bot": _cpu_seconds(pid)}
    found |= {f"child {child}": _cpu_seconds(child) for child in sorted(_children(pid))}
    found["driver"] = sum(os.times()[:2])
    found["machine"] = _machine_cpu_seconds()
    return found


def _children(pid: int) -> set[int]:
    """Every live descendant of `pid` (the NLP worker and multiprocessing's helpers)."""
    found: set[int] = set()
    parents = {pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) in parents:
            found.add(int(stat.parent.name))
    return found


async def _sample_memory(pid: int, samples: list[Sample], seen: set[int]) -> None:
    while True:
        family = _children(pid)
        seen |= family
        bot = _rss_mb(pid)
        children = tuple(sorted((_rss_mb(p) for p in family), reverse=True))
        samples.append((time.time(), bot + sum(children), bot, children))
        await asyncio.sleep(1.0)


async def _inject_faults(discord: DiscordEmulator, done: list[str]) -> None:
    kinds = ("429 storm", "global 429", "5xx", "gateway drop")
    for turn in range(10_000):
        await asyncio.sleep(FAULT_EVERY)
        kind = kinds[turn % len(kinds)]
        if kind == "429 storm":
            # Each request is retried up to 4 times: a storm never refuses one request 5 times.
            discord.faults.rate_limit("POST /interactions/*/*/callback", times=3, retry_after=0.1)
        elif kind == "global 429":
            discord.faults.rate_limit(
                "* /channels/*/messages", times=4, retry_after=0.2, is_global=True
            )
        elif kind == "5xx":
            discord.faults.server_error("POST /channels/*/messages", times=2)
        else:
            await discord.drop_connection()
        done.append(kind)


async def _watch_huge(db: Path, size: int, into: list[int]) -> None:
    def fresh() -> list[int]:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT id FROM articles WHERE id > ? ORDER BY id", (size,))
            return [row[0] for row in rows]
        finally:
            conn.close()

    while True:
        await asyncio.sleep(5.0)
        found = await asyncio.to_thread(fresh)
        if len(found) > len(into):
            console.log(f"huge articles stored: {found}")
        into[:] = found


async def _subscribe(db: Path, world: World, url: str) -> None:
    guild = world.guilds[0]
    news = next(c for c in world.channels.values() if c.name == "news")
    now = "2026-01-01T00:00:00+00:00"
    async with await open_store(db) as store, store.transaction():
        feed = await store.add_feed(url, now, FEED_INTERVAL)
        await store.add_subscription(
            guild_id=guild.id,
            channel_id=news.id,
            feed_id=feed.id,
            filter_text="",
            role_id=None,
            created_by=0,
            now=now,
        )


async def run_phase(
    source: Path,
    size: int,
    *,
    readers: int,
    hostiles: int,
    seconds: float,
    settle: float,
    trace_memory: bool = False,
) -> Phase:
    """Run one phase on a copy of `source`; `hostiles` = 0 is the calm baseline;
    `trace_memory` has the bot report what grew (bench/soak/bot/)."""
    folder = Path(tempfile.mkdtemp(dir=scratch(), prefix="soak-"))
    db = copy_db(source, folder / "soak.db")
    facts = await archive_facts(db, size)
    world = newsroom(readers, hostiles)
    feed = HugeFeed()
    if hostiles:
        await _subscribe(db, world, await feed.start())
    async with DiscordEmulator(world) as discord:
        report_path = folder / "bot-report.json"
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.soak.bot",
            *("--api", discord.emulator.api_url, "--gateway", discord.emulator.gateway_url),
            *("--token", discord.token, "--db", str(db), "--report", str(report_path)),
            *(["--trace-memory"] if trace_memory else []),
            cwd=REPO,
            start_new_session=True,  # its own process group: killed whole if it hangs
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=(folder / "bot.log").open("wb"),
        )
        assert child.stdout is not None and child.stdin is not None
        line = await asyncio.wait_for(child.stdout.readline(), 600)
        if not line:
            raise RuntimeError(f"the bot did not start; see {folder / 'bot.log'}")
        pid = json.loads(line)["pid"]
        rss: list[Sample] = []
        family: set[int] = set()
        helpers = [asyncio.create_task(_sample_memory(pid, rss, family))]
        faults: list[str] = []
        await asyncio.sleep(3.0)  # a few memory samples before the load
        crowd = Crowd(discord)
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        started = time.time()
        cpu_before = cpu_snapshot(pid)
        people = [
            users.reader(crowd, discord.user(f"reader{i}"), facts, i, until) for i in range(readers)
        ]
        if hostiles:
            helpers.append(asyncio.create_task(_inject_faults(discord, faults)))
            helpers.append(asyncio.create_task(_watch_huge(db, size, facts.huge_ids)))
            people += [
                users.hostile(crowd, discord.user(f"hostile{i}"), facts, 1000 + i, until)
                for i in range(hostiles)
            ]
        with console.status(f"soak: {readers} readers, {hostiles} hostile, {seconds:.0f} s"):
            await asyncio.gather(*people)
        ended = time.time()
        cpu_after = cpu_snapshot(pid)
        for helper in helpers[1:]:
            helper.cancel()
        await asyncio.sleep(settle)
        helpers[0].cancel()
        child.stdin.close()
        stopped = time.time()
        try:
            await asyncio.wait_for(child.wait(), SHUTDOWN)
        except TimeoutError:
            console.log(f"the bot did not stop within {SHUTDOWN:.0f} s; killing its group")
            os.killpg(pid, signal.SIGKILL)
            await child.wait()
        shutdown = time.time() - stopped
        await asyncio.sleep(2.0)  # let its children exit too
        orphans = sorted(p for p in family if _alive(p))
        for orphan in orphans:
            with contextlib.suppress(OSError):
                os.kill(orphan, signal.SIGKILL)
        await feed.stop()
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
        return Phase(
            trips=crowd.trips,
            report=report,
            rss=rss,
            load=(started, ended),
            requests=list(discord.emulator.requests),
            interactions=list(world.interactions.values()),
            db=db,
            orphans=orphans,
            faults=faults,
            feed={"reads": feed.reads, "pages": feed.pages_served},
            huge_ids=list(facts.huge_ids),
            shutdown=shutdown,
            cpu={k: v - cpu_before.get(k, 0.0) for k, v in cpu_after.items()},
        )


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
