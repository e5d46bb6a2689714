"""Compare two results files figure by figure: `python -m bench compare A.json B.json`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table

from bench.report import console, load

# Units where more is better; for every other unit (ms, s, MB, B, ×) less is better.
HIGHER_IS_BETTER = {"articles/s", "of queries", "share"}


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:,.4g}" if isinstance(value, int | float) else str(value)


def _verdict(passed: Any) -> str:
    return {True: "pass", False: "FAIL", None: ""}.get(passed, "")


def compare(a_path: Path, b_path: Path) -> Table:
    """A table of each figure in A and B: values, B/A, and whether it got better or worse."""
    a = {row["name"]: row for row in load(a_path)}
    b = {row["name"]: row for row in load(b_path)}
    out = Table(title=f"{a_path.name} → {b_path.name}", title_justify="left")
    for column in ("figure", "A", "B", "B/A", "ratio A", "ratio B", "goal", "A", "B"):
        out.add_column(column, justify="left" if column in ("figure", "goal") else "right")
    for name in list(a) + [n for n in b if n not in a]:
        old, new = a.get(name, {}), b.get(name, {})
        change = ""
        numbers = all(isinstance(row.get("value"), int | float) for row in (old, new))
        if numbers and old["value"]:
            factor = new["value"] / old["value"]
            better = factor >= 1 if new.get("unit") in HIGHER_IS_BETTER else factor <= 1
            colour = "green" if better else "red"
            # Within 10 % is noise on a shared machine: no colour.
            change = f"[{colour}]{factor:.2f}×[/]" if abs(factor - 1) > 0.1 else f"{factor:.2f}×"
        unit = new.get("unit", old.get("unit", ""))
        out.add_row(
            name,
            f"{_fmt(old.get('value'))} {unit}".strip(),
            f"{_fmt(new.get('value'))} {unit}".strip(),
            change,
            _fmt(old.get("ratio")),
            _fmt(new.get("ratio")),
            new.get("goal") or old.get("goal") or "",
            _verdict(old.get("pass")),
            _verdict(new.get("pass")),
        )
    return out


def main(a: str, b: str) -> int:
    """Print the comparison; exit 1 when a figure that passed in A fails in B."""
    console.print(compare(Path(a), Path(b)))
    a_rows = {row["name"]: row for row in load(Path(a))}
    regressed = [
        row["name"]
        for row in load(Path(b))
        if row.get("pass") is False and a_rows.get(row["name"], {}).get("pass") is True
    ]
    for name in regressed:
        console.print(f"[red]now failing:[/] {name}")
    return 1 if regressed else 0
