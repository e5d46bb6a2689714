"""Speed, memory and scale figures, each against its raw baseline measured in the same run.

    python -m bench                 quick mode (≤ 5 min once the corpus and databases are cached)
    python -m bench --full          large sizes: 1M-article search (on a search-only database,
                                    no stories placed), 10k ingests, 10k loop lag
    python -m bench --only search   one group (search, burst, postgres, entities, ingest, loop,
                                    bot, web, memory); other groups' rows in latest.json are kept
    python -m bench compare A.json B.json

Results: one table on screen, bench/results/latest.json (a list of {name, value, unit,
baseline, ratio, goal, pass}), a dated copy, and latest.md for the README. The corpus and the
databases are built on first use and cached under data/bench/ (NEWSDESK_BENCH_DATA moves it).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import bot as bot_bench
from bench import burst, entities, ingest, loop, memory, postgres, search, versus, web
from bench.compare import main as compare_main
from bench.report import RESULTS, Figure, console, run_meta, save, table

GROUPS = ("search", "burst", "postgres", "entities", "ingest", "loop", "bot", "web", "memory")


@dataclass(frozen=True)
class Scale:
    """The sizes one mode measures at."""

    search_sizes: tuple[int, ...]
    search_repeats: int
    ingest_articles: int
    nlp_articles: int
    loop_articles: int
    loop_baseline: int
    loop_base: int
    bot_size: int
    startup_runs: int
    per_user: int
    entity_articles: int
    # The web's entity pages: the news databases carry no analyses, so the synthetic entity
    # database of this many articles (bench/entity_lookups.py) stands in for them.
    web_entity_articles: int


SCALES = {
    "quick": Scale(
        (10_000, 100_000), 3, 2_000, 200, 300, 32, 10_000, 100_000, 3, 4, 20_000, 100_000
    ),
    "full": Scale(
        (10_000, 100_000, 1_000_000),
        5,
        10_000,
        1_000,
        10_000,
        100,
        10_000,
        100_000,
        5,
        4,
        100_000,
        100_000,
    ),
    # For the smoke test: every benchmark runs, on tiny data, in seconds.
    "tiny": Scale((200, 400), 1, 100, 4, 8, 2, 200, 400, 1, 1, 200, 200),
}


def steps(scale: Scale) -> dict[str, Callable[[], list[Figure]]]:
    """Each group's measurement at this scale."""
    largest = max(scale.search_sizes[:2])
    return {
        "search": lambda: [
            *search.measure(scale.search_sizes, scale.search_repeats),
            *versus.measure(scale.search_sizes, scale.search_repeats),
        ],
        "burst": lambda: burst.measure_readers(largest),
        # The same searches on PostgreSQL (an embedded server, or BENCH_DATABASE_URL).
        "postgres": lambda: postgres.measure(largest),
        "entities": lambda: entities.measure(scale.entity_articles),
        "ingest": lambda: ingest.measure(scale.ingest_articles, scale.nlp_articles),
        "loop": lambda: loop.measure(
            scale.loop_articles, scale.loop_baseline, base_size=scale.loop_base
        ),
        "bot": lambda: bot_bench.measure(
            scale.bot_size, startup_runs=scale.startup_runs, per_user=scale.per_user
        ),
        "web": lambda: web.measure(
            scale.bot_size,
            scale.web_entity_articles,
            per_user=scale.per_user,
            repeats=scale.search_repeats,
            rounds=2 if scale.per_user > 1 else 1,
        ),
        "memory": lambda: memory.measure(largest),
    }


def run(mode: str, only: Sequence[str], results: Path, save_results: bool = True) -> list[Figure]:
    """Measure the selected groups, print the table, save the results; return the figures."""
    scale = SCALES[mode]
    meta = run_meta(mode)
    figures: list[Figure] = []
    started = time.perf_counter()
    for name, step in steps(scale).items():
        if only and name not in only:
            continue
        group_started = time.perf_counter()
        found = step()
        figures += found
        console.log(f"{name}: {len(found)} figures in {time.perf_counter() - group_started:.0f} s")
    console.print(table(figures, f"Newsdesk benchmarks ({mode}, {meta['date']}, {meta['commit']})"))
    console.print(
        f"{time.perf_counter() - started:.0f} s; load average at start {meta['load']} on "
        f"{meta['machine']} — shared machine: compare ratios, not absolute times."
    )
    if save_results:
        path = save(figures, meta, results, keep_others=bool(only))
        console.print(f"Wrote {path}")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m bench`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["compare"]:
        if len(argv) != 3:
            console.print("usage: python -m bench compare A.json B.json")
            return 2
        return compare_main(argv[1], argv[2])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="large sizes (takes much longer)")
    parser.add_argument("--scale", choices=sorted(SCALES), help=argparse.SUPPRESS)
    parser.add_argument("--only", action="append", choices=GROUPS, default=[])
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args(argv)
    mode = args.scale or ("full" if args.full else "quick")
    figures = run(mode, args.only, args.results, save_results=not args.no_save)
    return 0 if figures else 1


if __name__ == "__main__":
    sys.exit(main())
