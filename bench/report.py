"""Benchmark figures: a value, the raw baseline measured in the same run, their ratio and the
goal; printed as one rich table and saved as JSON (bench/results/latest.json + dated copy)."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"

# Wide enough for the table when output is not a terminal (make, CI logs).
console = Console(width=None if Console().is_terminal else 150)


@dataclass(frozen=True)
class Goal:
    """What a figure should reach: bounds on its value and/or its ratio to the baseline."""

    text: str
    max_value: float | None = None
    min_value: float | None = None
    max_ratio: float | None = None
    min_ratio: float | None = None

    def met(self, value: float, ratio: float | None) -> bool:
        """True when every bound holds (a ratio bound without a baseline fails)."""
        checks = [
            self.max_value is None or value <= self.max_value,
            self.min_value is None or value >= self.min_value,
            self.max_ratio is None or (ratio is not None and ratio <= self.max_ratio),
            self.min_ratio is None or (ratio is not None and ratio >= self.min_ratio),
        ]
        return all(checks)


@dataclass(frozen=True)
class Figure:
    """One measured figure and its same-run baseline."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    goal: Goal | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / baseline (ours over raw), or None without a usable baseline."""
        if self.baseline is None or self.baseline == 0 or not math.isfinite(self.baseline):
            return None
        return self.value / self.baseline

    @property
    def passed(self) -> bool | None:
        """Whether the goal is met; None when the figure has no goal."""
        return None if self.goal is None else self.goal.met(self.value, self.ratio)

    def as_json(self) -> dict[str, Any]:
        """The results-file shape: name, value, unit, baseline, ratio, goal, pass (+ note)."""
        ratio = self.ratio
        return {
            "name": self.name,
            "value": _round(self.value),
            "unit": self.unit,
            "baseline": None if self.baseline is None else _round(self.baseline),
            "ratio": None if ratio is None else round(ratio, 3),
            "goal": self.goal.text if self.goal else None,
            "pass": self.passed,
            "note": self.note,
        }


def _round(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    digits = max(0, 3 - math.floor(math.log10(abs(value))))
    return round(value, digits)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{_round(value):g}"


def table(figures: Sequence[Figure], title: str) -> Table:
    """The one table: figure, value, baseline, ratio, goal, pass/fail."""
    out = Table(title=title, title_justify="left")
    out.add_column("figure")
    out.add_column("value", justify="right")
    out.add_column("baseline", justify="right")
    out.add_column("ratio", justify="right")
    out.add_column("goal")
    out.add_column("", justify="center")
    for figure in figures:
        verdict = {True: "[green]pass[/]", False: "[red]FAIL[/]", None: ""}[figure.passed]
        ratio = figure.ratio
        out.add_row(
            figure.name + (f" [dim]({figure.note})[/]" if figure.note else ""),
            f"{_number(figure.value)} {figure.unit}",
            _number(figure.baseline),
            "—" if ratio is None else f"{ratio:.2f}×",
            figure.goal.text if figure.goal else "",
            verdict,
        )
    return out


def markdown(
    figures: Sequence[Figure], meta: dict[str, Any], earlier: Sequence[dict[str, Any]] = ()
) -> str:
    """The same table as markdown, headed by when and where it ran (for the README); rows of
    an earlier run (results-file rows) follow under their own heading."""
    lines = [
        f"Run {meta['date']} on {meta['machine']} (commit {meta['commit']}, "
        f"{meta['mode']} mode, load average at start {meta['load']}).",
        "",
        *_markdown_rows([figure.as_json() for figure in figures]),
    ]
    if earlier:
        lines += ["", "Kept from earlier runs, not measured in this one:", ""]
        lines += _markdown_rows(earlier)
    return "\n".join(lines) + "\n"


def _markdown_rows(rows: Sequence[dict[str, Any]]) -> list[str]:
    lines = ["| figure | value | baseline | ratio | goal | |", "|---|---:|---:|---:|---|---|"]
    for row in rows:
        ratio = row.get("ratio")
        verdict = {True: "pass", False: "**FAIL**", None: ""}[row.get("pass")]
        name = row["name"] + (f" ({row['note']})" if row.get("note") else "")
        lines.append(
            f"| {name} | {_number(row['value'])} {row['unit']} | {_number(row.get('baseline'))} | "
            f"{'—' if ratio is None else f'{ratio:.2f}×'} | {row.get('goal') or ''} | {verdict} |"
        )
    return lines


def run_meta(mode: str) -> dict[str, Any]:
    """When, where and on which commit this run happened."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "commit": commit or "unknown",
        "mode": mode,
        "load": round(load, 2),
    }


def save(
    figures: Sequence[Figure],
    meta: dict[str, Any],
    folder: Path = RESULTS,
    *,
    keep_others: bool = False,
) -> Path:
    """Write latest.json (+ a dated copy of this run's rows) and latest.md; return the
    latest.json path. `keep_others` (a run of some groups): latest.json keeps the rows of an
    earlier run that this one did not measure, after this run's."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [figure.as_json() for figure in figures]
    text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    latest = folder / "latest.json"
    measured = {row["name"] for row in rows}
    earlier = load(latest) if keep_others and latest.is_file() else []
    earlier = [row for row in earlier if row.get("name") not in measured]
    latest.write_text(
        json.dumps(rows + earlier, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    (folder / f"speed-{stamp}-{meta['commit']}.json").write_text(text, encoding="utf-8")
    (folder / "latest.md").write_text(markdown(figures, meta, earlier), encoding="utf-8")
    return latest


def load(path: Path) -> list[dict[str, Any]]:
    """Read a results file (a list of figure objects)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path} is not a list of figures")
    return data
