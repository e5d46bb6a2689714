"""Memory and size: peak RSS of the running bot (and its NLP worker) with the model loaded on
the benchmark database, vs a process that only loads the model; database bytes per article
vs the raw text bytes of the same articles."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.corpus import REPO, console, label, records, scratch
from bench.database import bench_db, copy_db
from bench.report import Figure, Goal

RSS_GOAL = Goal("≤ 500 MB", max_value=500.0)


def _probe(*args: str) -> dict[str, float]:
    """Run `python -m bench.probe ARGS` and read its JSON line."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.probe", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe {args[0]} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rss_figures(size: int) -> list[Figure]:
    """Peak RSS of bot + worker, each process measured by the kernel (VmHWM)."""
    try:
        import bot.client  # noqa: F401
    except ImportError:
        return []
    with tempfile.TemporaryDirectory(dir=scratch()) as tmp:
        db = copy_db(bench_db(size), Path(tmp) / "memory.db")
        with console.status("memory: bot with the model and the database"):
            ours = _probe("memory", "--db", str(db), "--articles", str(size))
            raw = _probe("raw-model")
    at = label(size)
    return [
        Figure(
            f"peak RSS bot + NLP worker @{at}",
            ours["total_mb"],
            "MB",
            raw["total_mb"],
            RSS_GOAL,
            note=f"bot {ours['bot_mb']:.0f} + worker {ours['worker_mb']:.0f}; vs model alone",
        )
    ]


def _breakdown(path: Path, size: int) -> str:
    """Bytes per article of the article rows and the two full-text indexes (dbstat)."""
    parts = {"articles": "rows", "articles_fts_data": "full-text", "articles_titles_data": "titles"}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        conn.close()
    except sqlite3.Error:
        return "vs raw text bytes"  # SQLite built without the dbstat table
    found = {parts[name]: total / size for name, total in rows if name in parts}
    return "vs raw text; " + ", ".join(f"{k} {v:,.0f}" for k, v in found.items())


def bytes_per_article(size: int) -> Figure:
    """Database file bytes per article vs the UTF-8 bytes of its title, caption and body."""
    path = bench_db(size)
    text = sum(
        len(f"{r['title']}{r.get('caption', '')}{r['body']}".encode())
        for r in records(size, quiet=True)
    )
    return Figure(
        f"database bytes per article @{label(size)}",
        path.stat().st_size / size,
        "B",
        text / size,
        note=_breakdown(path, size),
    )


def measure(size: int) -> list[Figure]:
    """RSS (once the client exists) and bytes per article."""
    return [*rss_figures(size), bytes_per_article(size)]
