"""Quality and speed of the NLP core on real news: ROUGE vs Lead/TextRank/LexRank on BBC,
entity P/R/F1 vs raw en_core_web_sm on CoNLL-2003 dev, quote attribution vs the
nearest-person baseline on hand-labelled BBC quotes, throughput vs raw nlp.pipe, and story
intelligence on hand-labelled story pairs: what's new (P/R of "new" vs content-word overlap and
TF-IDF cosine) and where outlets disagree (P/R of "disagreement" vs a naive baseline); and the
one story rule against the two rules it replaced (bench/quality/stories.py: no data needed).

Run `python -m bench.quality` (or `make quality`). Data comes from the sibling
`shared/data` folder (override with NEWSDESK_EVAL_DATA) and is never copied into the repo.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence

from bench.quality.common import (
    RESULTS,
    console,
    data_dir,
)
from bench.quality.entities import run_entities
from bench.quality.figures import run_figures
from bench.quality.novelty import Pair, load_pairs, run_novelty
from bench.quality.quotes import run_quotes
from bench.quality.report import render
from bench.quality.speed import run_speed
from bench.quality.stories import run_stories
from bench.quality.summaries import run_summaries


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected measurements, print them and write bench/results/quality.*."""
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument("--limit", type=int, help="only the first N BBC articles")
    parser.add_argument("--speed-articles", type=int, default=300)
    parser.add_argument(
        "--only",
        choices=["summaries", "entities", "quotes", "speed", "novelty", "figures", "stories"],
        action="append",
        help="repeatable",
    )
    args = parser.parse_args(argv)
    data = data_dir()
    steps: dict[str, Callable[[], dict]] = {"stories": run_stories}
    if data is None:
        console.print(
            "[yellow]Skipping the NLP quality benchmark: evaluation data not found at "
            "../shared/data (set NEWSDESK_EVAL_DATA to its folder).[/yellow]"
        )
    else:
        found = data
        loaded: list[Pair] = []

        def story_pairs() -> list[Pair]:
            """The labelled story pairs, analysed once for both story measurements."""
            if not loaded:
                with console.status("Stories: analysing the labelled pairs"):
                    loaded.extend(load_pairs(found))
            return loaded

        steps = {
            "summaries": lambda: run_summaries(found, args.limit),
            "entities": lambda: run_entities(found),
            "quotes": lambda: run_quotes(found),
            "speed": lambda: run_speed(found, args.speed_articles),
            "novelty": lambda: run_novelty(found, story_pairs()),
            "figures": lambda: run_figures(found, pairs=story_pairs()),
            **steps,
        }
    results: dict = {"data": str(data)}
    started = time.perf_counter()
    for name, step in steps.items():
        if args.only and name not in args.only:
            continue
        results[name] = step()
    results["seconds"] = round(time.perf_counter() - started, 1)
    md = render(results)
    console.print(f"Done in {results['seconds']} s.")
    if "stories" in results:
        # The story check needs no data: its figures are kept on their own.
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "stories.json").write_text(json.dumps(results["stories"], indent=2) + "\n")
        (RESULTS / "stories.md").write_text(render({"stories": results["stories"]}) + "\n")
    if data is not None and not args.only and not args.limit:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "quality.json").write_text(json.dumps(results, indent=2) + "\n")
        (RESULTS / "quality.md").write_text(md + "\n")
        console.print(f"Wrote {RESULTS / 'quality.json'} and {RESULTS / 'quality.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
