"""`make run` (`python -m bot run`, the sandbox) serves the web newsroom by default and says
where: the line it prints names a 127.0.0.1 address that answers, and Ctrl-D ends both. Run as
a person runs it, in a terminal (a pseudo-terminal: the sandbox's prompt needs one)."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
# Colours and cursor moves of the prompt, dropped before reading the text.
TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")
SAID = re.compile(r"Web newsroom: (http://[^\s)]+) \(sign in as any emulated user")
PROMPT = re.compile(r"\S+ in #\S+>")


def read_until(fd: int, wanted: re.Pattern[str], seconds: float) -> re.Match[str]:
    """Read the terminal until its text matches `wanted` (bounded: no test waits forever)."""
    text = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], deadline - time.monotonic())
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end closed: the sandbox ended
            break
        if not chunk:
            break
        text += TERMINAL_CODES.sub("", chunk.decode("utf-8", "replace"))
        found = wanted.search(text)
        if found:
            return found
    raise AssertionError(f"the sandbox never said {wanted.pattern!r}; it said:\n{text[-3000:]}")


def drain(fd: int, process: subprocess.Popen[bytes], seconds: float) -> int:
    """Keep reading the terminal (so the sandbox never blocks writing) until it exits."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                os.read(fd, 4096)
            except OSError:
                break
    return process.wait(timeout=max(deadline - time.monotonic(), 1))


def test_make_run_prints_the_web_newsrooms_local_address(
    tmp_path: Path, seeded_database: Path
) -> None:
    database = tmp_path / "newsdesk.db"
    shutil.copy(seeded_database, database)
    env = {**os.environ, "DATABASE_PATH": str(database), "DISCORD_TOKEN": "", "COLUMNS": "200"}
    env.pop("WEB_PORT", None)  # the sandbox's default: on
    terminal, its_end = pty.openpty()
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=its_end,
        stdout=its_end,
        stderr=its_end,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    os.close(its_end)
    try:
        url = read_until(terminal, SAID, 180)[1]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), url
        with urllib.request.urlopen(url + "/login", timeout=30) as login:
            assert login.status == 200
            assert "Sign in with Discord" in login.read().decode()
        read_until(terminal, PROMPT, 60)
        os.write(terminal, b"\x04")  # Ctrl-D at the prompt
        assert drain(terminal, sandbox, 60) == 0
    finally:
        if sandbox.poll() is None:
            sandbox.kill()
            sandbox.wait()
        os.close(terminal)
