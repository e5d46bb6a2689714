"""Child processes for the bot benchmarks: start a bot against a running emulator and report
when it is READY, or how much memory the running bot used. Run by bench/bot.py and
bench/memory.py as `python -m bench.probe ...`; prints one JSON line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any


def peak_rss_mb(pid: int | str = "self") -> float:
    """The peak resident set size (VmHWM) of a process, in MB (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_bot(
    db: Path, nlp_mode: str = "process", clock: Any = None, *, readers: int | None = None
) -> Any:
    """A NewsBot on `db` set up like the tests' (fast ready, no member chunking) whose start
    skips analysing every stored article: the benchmark measures the steady state in which
    the NLP step has caught up (a fresh 100k import would keep the worker busy for an hour).
    `readers`: its DATABASE_READERS (default: the setting's default)."""
    from bot.client import NewsBot
    from bot.config import Settings

    class SteadyStateBot(NewsBot):
        """NewsBot without the start-up catch-up of NLP on articles stored without it."""

        def _enrich_pending(self) -> None:
            return None

    return SteadyStateBot(
        Settings() if readers is None else Settings(database_readers=readers),
        store_path=db,
        nlp_mode=nlp_mode,  # type: ignore[arg-type]
        clock=clock,
        guild_ready_timeout=0.05,
        chunk_guilds_at_startup=False,
    )


def bare_client() -> Any:
    """The raw baseline: a plain discord.py client and nothing else."""
    import discord

    return discord.Client(
        intents=discord.Intents.default(), chunk_guilds_at_startup=False, guild_ready_timeout=0.05
    )


async def ready(args: argparse.Namespace) -> dict[str, Any]:
    """Connect a bot (or the bare client) to the emulator; report seconds from `--since`."""
    from bot.sandbox.seam import pointed_at

    client = bench_bot(Path(args.db)) if args.kind == "bot" else bare_client()
    with pointed_at(args.api, args.gateway):
        runner = asyncio.create_task(client.start(args.token))
        ready_task = asyncio.create_task(client.wait_until_ready())  # runs once start() began
        done, _ = await asyncio.wait({runner, ready_task}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            runner.result()  # a start-up failure, re-raised
            raise RuntimeError("the client stopped before it was ready")
        seconds = time.time() - args.since
        await client.close()
        await asyncio.wait_for(runner, 10)
    return {"ready_s": seconds}


async def memory(args: argparse.Namespace) -> dict[str, Any]:
    """Run the bot on the database with the model loaded in its NLP worker, answer searches
    and ingest a few articles with NLP; report peak RSS of the bot and of its worker."""
    from bench.corpus import drafts
    from bot.ingest import ingest_drafts
    from bot.sandbox import DiscordEmulator

    async with DiscordEmulator() as discord:
        bot = bench_bot(Path(args.db))
        async with discord.connected(bot):
            await bot.sync_commands(force=True)
            for text in ("Qatar", "government talks", '"prime minister"', "election") * 10:
                await discord.slash("search", query=text)
            fresh = list(drafts(args.articles + args.extra, start=args.articles, quiet=True))
            from bot.nlp.enrichment import enrich_articles

            async def enrich(ids: Any) -> None:
                await enrich_articles(bot.store, ids, bot.nlp_service)

            await ingest_drafts(bot.store, fresh, enrich=enrich)
            executor = bot.nlp_service._executor
            workers = list(getattr(executor, "_processes", {}) or {})
            worker_mb = sum(peak_rss_mb(pid) for pid in workers)
            main_mb = peak_rss_mb()
    return {"bot_mb": main_mb, "worker_mb": worker_mb, "total_mb": main_mb + worker_mb}


def raw_model(_: argparse.Namespace) -> dict[str, Any]:
    """The raw baseline for memory: a process that only loads the spaCy model."""
    import spacy

    from bot.nlp.pipeline import MODEL_PACKAGE

    nlp = spacy.load(MODEL_PACKAGE)
    list(nlp.pipe(["Warm-up text about Qatar and Hamas."] * 8))
    return {"total_mb": peak_rss_mb()}


def main(argv: list[str] | None = None) -> int:
    """Parse the probe's arguments, run it, print its JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    sub = parser.add_subparsers(dest="probe", required=True)
    ready_parser = sub.add_parser("ready")
    ready_parser.add_argument("kind", choices=["bot", "bare"])
    for name in ("--api", "--gateway", "--token", "--db"):
        ready_parser.add_argument(name, required=name != "--db")
    ready_parser.add_argument("--since", type=float, required=True)
    memory_parser = sub.add_parser("memory")
    memory_parser.add_argument("--db", required=True)
    memory_parser.add_argument("--articles", type=int, required=True)
    memory_parser.add_argument("--extra", type=int, default=32)
    sub.add_parser("raw-model")
    args = parser.parse_args(argv)
    if args.probe == "ready":
        result = asyncio.run(ready(args))
    elif args.probe == "memory":
        result = asyncio.run(memory(args))
    else:
        result = raw_model(args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
