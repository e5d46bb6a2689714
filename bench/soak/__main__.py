"""`python -m bench.soak` (or `make soak`): a hostile day, measured.

    python -m bench.soak                       # 2 min calm, then 5 min hostile (~12 min in all)
    python -m bench.soak --minutes 2 --calm 1  # shorter
    python -m bench.soak --size 10k            # a smaller archive (quick check)

First the well-behaved readers alone (the baseline), then the same readers while hostile users
push, the huge-article feed delivers and Discord faults are injected. Prints one table and
writes bench/results/soak.json (rows {name, value, unit, baseline, ratio, goal, pass}), a dated
copy and soak.md. The analysed archive is built on first use and cached under data/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import console, parse_size
from bench.report import RESULTS, Figure, markdown, run_meta, table
from bench.soak.archive import soak_db
from bench.soak.figures import by_kind, cpu_use, figures, slowest_readers, troubles
from bench.soak.run import SETTLE, run_phase


async def soak(
    source: Path,
    size: int,
    readers: int,
    hostiles: int,
    calm: float,
    minutes: float,
    trace_memory: bool = False,
) -> list[Figure]:
    """Run both phases on the archive at `source`; return the figures."""
    quiet = await run_phase(
        source, size, readers=readers, hostiles=0, seconds=calm * 60, settle=3.0
    )
    busy = await run_phase(
        source,
        size,
        readers=readers,
        hostiles=hostiles,
        seconds=minutes * 60,
        settle=SETTLE,
        trace_memory=trace_memory,
    )
    found = figures(quiet, busy, readers=readers, hostiles=hostiles)
    calm = [f"calm: {cpu_use(quiet)}", f"calm: {slowest_readers(quiet)}"]
    for line in [*by_kind(quiet, busy), *calm, *troubles(busy)]:
        console.log(line)
    for name, phase in (("calm", quiet), ("hostile", busy)):
        # The bot's log and report are kept (data/bench/soak-logs/); the database copy is not.
        logs = phase.db.parent.parent.parent / "soak-logs"
        logs.mkdir(exist_ok=True)
        for kept in ("bot.log", "bot-report.json"):
            if (phase.db.parent / kept).exists():
                shutil.copy(phase.db.parent / kept, logs / f"{name}-{kept}")
        shutil.rmtree(phase.db.parent, ignore_errors=True)
    return found


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m bench.soak`."""
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--size", default="100k", help="articles in the archive (100k)")
    parser.add_argument("--readers", type=int, default=40, help="well-behaved users (40)")
    parser.add_argument("--hostile", type=int, default=5, help="hostile users (5)")
    parser.add_argument("--calm", type=float, default=2.0, help="minutes of the baseline (2)")
    parser.add_argument("--minutes", type=float, default=5.0, help="minutes of the load (5)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="the bot traces its allocations under load (slower: to find a leak, not figures)",
    )
    args = parser.parse_args(argv)
    meta = run_meta(f"soak {args.size}, {args.readers}+{args.hostile} users")
    size = parse_size(args.size)
    source = soak_db(size)
    found = asyncio.run(
        soak(
            source,
            size,
            args.readers,
            args.hostile,
            args.calm,
            args.minutes,
            args.trace_memory,
        )
    )
    console.print(table(found, f"Newsdesk soak ({meta['mode']}, {meta['date']}, {meta['commit']})"))
    if not args.no_save:
        args.results.mkdir(parents=True, exist_ok=True)
        rows = json.dumps([f.as_json() for f in found], indent=2, ensure_ascii=False) + "\n"
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
        (args.results / "soak.json").write_text(rows, encoding="utf-8")
        (args.results / f"soak-{stamp}-{meta['commit']}.json").write_text(rows, encoding="utf-8")
        (args.results / "soak.md").write_text(markdown(found, meta), encoding="utf-8")
        console.print(f"Wrote {args.results / 'soak.json'}")
    return 0 if all(f.passed is not False for f in found) else 1


if __name__ == "__main__":
    sys.exit(main())
