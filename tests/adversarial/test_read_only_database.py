"""Reads keep working on a database its user cannot write (issue 16, class 8): `stats`,
`search`, `show` and `summary` answer for a user without write access to the database or its
folder, whether the bot has it open (WAL and shared-memory files present) or not; a command
that writes says so in one line.

Root ignores file modes, so the commands run without that privilege: as `nobody` when that
user can run this Python, else as root with every capability dropped (then file modes bind it
too) and the database owned by `nobody`; as an ordinary user, they just run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
TITLE = "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"


@dataclass(frozen=True)
class Unprivileged:
    """How to run a command that may not write where the test lets it read."""

    prefix: list[str]
    owner: int | None  # who the database's folder and file then belong to


def _runs(prefix: list[str]) -> bool:
    probe = [*prefix, sys.executable, "-c", "import bot"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(probe, env=env, cwd="/", capture_output=True).returncode == 0


def unprivileged() -> Unprivileged:
    if os.geteuid() != 0:
        return Unprivileged([], None)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot drop the right to write")
    nobody = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    if _runs(nobody):
        return Unprivileged(nobody, None)
    # This Python lives where nobody cannot reach (e.g. under /root): stay root, without
    # the capabilities that let root write anywhere.
    capless = [setpriv, "--bounding-set=-all", "--inh-caps=-all"]
    if _runs(capless):
        return Unprivileged(capless, NOBODY)
    pytest.skip("cannot run this Python without the right to write")


@pytest.fixture
def read_only(seeded_database: Path) -> Iterator[tuple[Unprivileged, Path]]:
    """The seeded database, analysed, in a folder the unprivileged user cannot write."""
    runner = unprivileged()
    # Outside pytest's temporary root, which is private to its owner.
    with tempfile.TemporaryDirectory(prefix="newsdesk-ro-") as top:
        os.chmod(top, 0o755)
        folder = Path(top) / "data"
        folder.mkdir()
        db = folder / "newsdesk.db"
        shutil.copy(seeded_database, db)
        if runner.owner is not None:
            for path in (folder, db):
                os.chown(path, runner.owner, runner.owner)
        db.chmod(0o644)
        folder.chmod(0o555 if runner.owner is None and os.geteuid() != 0 else 0o755)
        yield runner, db
        folder.chmod(0o755)


def newsdesk(runner: Unprivileged, db: Path, *argv: str) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING", "COLUMNS": "200"}
    done = subprocess.run(
        [*runner.prefix, sys.executable, "-m", "bot", "--db", str(db), *argv],
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def assert_reads(runner: Unprivileged, db: Path) -> None:
    for argv, expected in [
        (("stats",), "articles │ 1"),
        (("search", "Qatar truce"), TITLE),
        (("show", "1"), TITLE),
        (("summary", "1"), TITLE),
    ]:
        code, output = newsdesk(runner, db, *argv)
        assert code == 0, (argv, output)
        assert expected in output, (argv, output)
        assert "readonly" not in output


def test_reads_work_on_a_database_whose_folder_cannot_be_written(
    read_only: tuple[Unprivileged, Path],
) -> None:
    runner, db = read_only
    assert not db.with_name("newsdesk.db-wal").exists()  # nobody has it open
    assert_reads(runner, db)
    # Reading created nothing beside it.
    assert sorted(p.name for p in db.parent.iterdir()) == ["newsdesk.db"]


def test_reads_see_what_the_bot_is_writing_while_it_has_the_database_open(
    read_only: tuple[Unprivileged, Path],
) -> None:
    runner, db = read_only
    # The bot (the database's owner) has it open in WAL mode with a commit not yet
    # checkpointed: the -wal and -shm files exist, and the newest article is only in the WAL.
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE articles SET title = title || ' (updated)' WHERE id = 1")
        for name in ("newsdesk.db-wal", "newsdesk.db-shm"):
            path = db.with_name(name)
            if runner.owner is not None:
                os.chown(path, runner.owner, runner.owner)
            path.chmod(0o644)
        code, output = newsdesk(runner, db, "show", "1")
        assert code == 0, output
        assert f"{TITLE} (updated)" in output
        assert_reads(runner, db)
    finally:
        writer.close()


def test_a_command_that_writes_says_so_in_one_line(
    read_only: tuple[Unprivileged, Path], tmp_path: Path
) -> None:
    runner, db = read_only
    article = Path(tempfile.mkdtemp(prefix="newsdesk-article-"))
    try:
        article.chmod(0o755)
        (article / "new.txt").write_text("Harbour reopens\n\nThe harbour reopened on Monday.\n")
        (article / "new.txt").chmod(0o644)
        code, output = newsdesk(runner, db, "ingest", "--no-nlp", str(article / "new.txt"))
    finally:
        shutil.rmtree(article)
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), output
    assert "read-only" in lines[0]
