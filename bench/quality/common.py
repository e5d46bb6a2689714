"""Shared pieces of the quality benchmark: where the data is, BBC loading, output."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "bench" / "results"
BUDGET_WORDS = 100
SENTENCE_COUNT = 3
# spaCy label -> CoNLL label, as in the data README; anything else is not scored.
CONLL_LABELS = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
TYPES = ("PER", "ORG", "LOC", "MISC")

console = Console()


def data_dir() -> Path | None:
    """The evaluation data folder, or None when it is not there."""
    override = os.environ.get("NEWSDESK_EVAL_DATA")
    path = Path(override) if override else REPO.parent / "shared" / "data"
    return path if path.is_dir() else None


def progress() -> Progress:
    """A rich progress bar with counts and elapsed time."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


# --- summaries -------------------------------------------------------------------------


@dataclass
class BbcArticle:
    """One BBC dev article with its human extractive reference."""

    id: str
    title: str
    body: str
    reference: str


def load_bbc(path: Path) -> list[BbcArticle]:
    """Read the BBC News Summary dev split."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            rows.append(BbcArticle(row["id"], row["title"], row["body"], row["reference_summary"]))
    return rows


def chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- entities --------------------------------------------------------------------------


# --- stories (what's new, where outlets disagree) ------------------------------------------


def story_texts(data: Path) -> dict[str, str]:
    """Article bodies by the ids the story labels use: BBC ids as in the file, and the Lee
    background corpus as lee-bg-NNN (0-based line number)."""
    texts = {a.id: a.body for a in load_bbc(data / "bbc-news-summary" / "dev.jsonl")}
    lee = data / "lee" / "lee_background.cor"
    for number, line in enumerate(lee.read_text(encoding="latin-1").splitlines()):
        texts[f"lee-bg-{number:03d}"] = line
    return texts


def labelled_span(texts: dict[str, str], ref: dict) -> str:
    """The text a label points at, checked against the first words stored with it."""
    span = texts[ref["doc"]][ref["start"] : ref["end"]]
    if " ".join(span.split()[:4]) != ref["head"]:
        raise ValueError(
            f"{ref['doc']}[{ref['start']}:{ref['end']}] no longer starts {ref['head']!r}"
        )
    return span


def read_jsonl(path: Path) -> list[dict]:
    """One JSON object per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
