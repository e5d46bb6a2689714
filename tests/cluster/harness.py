"""A cluster on one machine for tests: shard and worker processes on one PostgreSQL, against
the Discord emulator, all reading one clock that the test moves.

`FileClock` is `bot.clock.FakeClock` across processes: the time is a file the test rewrites;
other processes read it, and their sleepers re-read it every 20 ms (the one polling wait in
the tests: separate processes cannot share an asyncio.Event).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class FileClock:
    """The current time as an ISO-8601 line in a file; `set`/`advance` from the test."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, datetime] | None = None

    def now(self) -> datetime:
        """The time in the file (re-read only when the file changed)."""
        stamp = self.path.stat().st_mtime_ns
        if self._seen is None or self._seen[0] != stamp:
            self._seen = (stamp, datetime.fromisoformat(self.path.read_text().strip()))
        return self._seen[1]

    def set(self, when: datetime) -> None:
        """Move every process's time to `when` (an atomic rename: no half-written reads)."""
        part = self.path.with_suffix(".part")
        part.write_text(when.isoformat())
        os.replace(part, self.path)

    def advance(self, **delta: float) -> None:
        """Move time forward by `timedelta(**delta)`."""
        self.set(self.now() + timedelta(**delta))

    async def sleep_until(self, when: datetime) -> None:
        """Return once the file's time reaches `when`."""
        while self.now() < when:  # noqa: ASYNC110 - another process moves time: no Event
            await asyncio.sleep(0.02)


class Processes:
    """Child processes of one test: started with their logs in a folder, killed at the end."""

    def __init__(self, logs: Path, env: dict[str, str]) -> None:
        self.logs = logs
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        """Start `python *args` as `name` (stdout and stderr to logs/name.log)."""
        log = (self.logs / f"{name}.log").open("ab")
        child = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.running[name] = child
        return child

    def kill(self, name: str) -> None:
        """kill -9: no clean shutdown, no lease given back."""
        child = self.running.pop(name)
        child.send_signal(signal.SIGKILL)
        child.wait()

    def stop_all(self) -> None:
        """Ask every child to stop (SIGTERM), then make sure."""
        for child in self.running.values():
            child.terminate()
        for child in self.running.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.running.clear()

    def log_tail(self, name: str, lines: int = 30) -> str:
        """The end of a child's log, for failure messages."""
        path = self.logs / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
