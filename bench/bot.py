"""The bot through the Discord emulator: process start → gateway READY (vs a bare discord.py
client), and /search round trips with 50 concurrent users (vs a bot that answers a fixed
embed at once: the emulator's and discord.py's own floor), on the benchmark database."""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, nullcontext, suppress
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bench.corpus import REPO, console, label, scratch
from bench.database import bench_db, copy_db
from bench.probe import bench_bot
from bench.report import Figure, Goal
from bench.search import workload
from bench.timing import percentile
from bot.sandbox import DiscordEmulator
from bot.sandbox.emulator.world import World

READY_GOAL = Goal("≤ 3 s", max_value=3.0)
ROUND_TRIP_GOAL = Goal("≤ 150 ms", max_value=150.0)
MISSED_GOAL = Goal("= 0", max_value=0.0)
USERS = 50
# Discord's limit for the first answer to an interaction.
DEADLINE_MS = 3_000.0


class FloorBot(discord.Client):
    """The raw baseline: /search answers one fixed embed at once."""

    def __init__(self) -> None:
        super().__init__(
            intents=discord.Intents.default(),
            chunk_guilds_at_startup=False,
            guild_ready_timeout=0.05,
        )
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="search", description="Fixed answer")
        async def search(interaction: discord.Interaction, query: str) -> None:
            embed = discord.Embed(title=f"Results for {query}", description="fixed")
            await interaction.response.send_message(embed=embed)

    async def setup_hook(self) -> None:
        """Sync the one command, as a real bot does at start-up."""
        await self.tree.sync()


def newsroom(users: int) -> World:
    """A guild with #general and `users` members."""
    world = World()
    members = tuple(world.add_user(f"reader{i}") for i in range(users))
    world.add_guild("Newsroom", text_channels=("general", "news"), members=members)
    return world


async def _startup(kind: str, db: Path | None, runs: int) -> list[float]:
    """Seconds from launching `python -m bench.probe ready` to its client's READY."""
    seconds = []
    for _ in range(runs):
        async with DiscordEmulator() as emulator:
            args = [
                sys.executable,
                "-m",
                "bench.probe",
                "ready",
                kind,
                "--api",
                emulator.emulator.api_url,
                "--gateway",
                emulator.emulator.gateway_url,
                "--token",
                emulator.token,
                "--since",
                repr(time.time()),
            ]
            if db is not None:
                args += ["--db", str(db)]
            child = await asyncio.create_subprocess_exec(
                *args, cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
            out, err = await child.communicate()
            if child.returncode != 0:
                raise RuntimeError(f"startup probe failed: {err.decode()[-2000:]}")
            seconds.append(json.loads(out.decode().strip().splitlines()[-1])["ready_s"])
    return seconds


# What runs beside the readers (given the client and the emulator), e.g. the web's own load.
Beside = Callable[[Any, DiscordEmulator], AbstractAsyncContextManager[object]]


async def round_trips(
    client: Any, queries: list[str], per_user: int, *, paced: bool, beside: Beside | None = None
) -> list[float]:
    """/search from USERS users at once, `per_user` each; milliseconds to each answer.

    Paced, each user thinks 0.5-1.5 s before each command (about 50 commands a second in
    all); otherwise every user sends at the same instant (a burst: the queue's worst case).
    `beside` runs around the readers once the bot is connected and warm."""
    timings: list[float] = []
    rng = random.Random(17)
    pauses = [[rng.uniform(0.5, 1.5) for _ in range(per_user)] for _ in range(USERS)]
    async with DiscordEmulator(newsroom(USERS)) as emulator, emulator.connected(client):
        if hasattr(client, "sync_commands"):
            await client.sync_commands(force=True)  # a fresh emulator knows no commands yet
        users = [emulator.user(f"reader{i}") for i in range(USERS)]
        await emulator.slash("search", user=users[0], query="warm-up")

        async def reader(number: int) -> None:
            for turn in range(per_user):
                if paced:
                    await asyncio.sleep(pauses[number][turn])
                text = queries[(number * per_user + turn) % len(queries)]
                started = time.perf_counter()
                # No answer within the emulator's wait counts as a late one, not a crash.
                with suppress(AssertionError):
                    await emulator.slash("search", user=users[number], query=text)
                timings.append((time.perf_counter() - started) * 1000)

        async with beside(client, emulator) if beside else nullcontext():
            await asyncio.gather(*(reader(n) for n in range(USERS)))
    return timings


def measure(size: int, *, startup_runs: int = 3, per_user: int = 4) -> list[Figure]:
    """Startup and round-trip figures on the `size` database (skipped without bot.client)."""
    try:
        import bot.client  # noqa: F401
    except ImportError:
        return []
    queries = [q.text for q in workload(size)]
    with tempfile.TemporaryDirectory(dir=scratch()) as tmp:
        db = copy_db(bench_db(size), Path(tmp) / "bot.db")
        with console.status("startup: process start → READY"):
            bare = asyncio.run(_startup("bare", None, startup_runs))
            ours = asyncio.run(_startup("bot", db, startup_runs))
        with console.status(f"round trips: {USERS} users × {per_user} /search"):
            floor = asyncio.run(round_trips(FloorBot(), queries, per_user, paced=True))
            trips = asyncio.run(round_trips(bench_bot(db), queries, per_user, paced=True))
            floor_burst = asyncio.run(round_trips(FloorBot(), queries, 1, paced=False))
            burst = asyncio.run(round_trips(bench_bot(db), queries, 1, paced=False))
            one_reader = bench_bot(db, readers=1)
            burst_one = asyncio.run(round_trips(one_reader, queries, 1, paced=False))
    missed = sum(ms > DEADLINE_MS for ms in trips + burst)
    at = label(size)
    return [
        Figure(
            f"startup to READY @{at}",
            statistics.median(ours),
            "s",
            statistics.median(bare),
            READY_GOAL,
            note="vs bare discord.py client",
        ),
        Figure(
            f"/search round trip p50, {USERS} users @{at}",
            percentile(trips, 50),
            "ms",
            percentile(floor, 50),
            note="each thinks 0.5-1.5 s; vs fixed-answer bot",
        ),
        Figure(
            f"/search round trip p99, {USERS} users @{at}",
            percentile(trips, 99),
            "ms",
            percentile(floor, 99),
            ROUND_TRIP_GOAL,
        ),
        Figure(
            f"/search round trip p99, {USERS} at the same instant @{at}",
            percentile(burst, 99),
            "ms",
            percentile(floor_burst, 99),
            note="DATABASE_READERS default; info",
        ),
        Figure(
            f"/search round trip p99, {USERS} at the same instant, 1 read connection @{at}",
            percentile(burst_one, 99),
            "ms",
            percentile(floor_burst, 99),
            note="DATABASE_READERS=1; info",
        ),
        Figure(f"/search answers later than 3 s @{at}", missed, "", goal=MISSED_GOAL),
    ]
