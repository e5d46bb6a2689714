"""The NLP worker dies with the process that started it (issue 16, class 4): after kill -9 of
`ingest` or the bot, neither the worker (the model, ~140 MB) nor multiprocessing's resource
tracker stays behind with parent 1, and restarts do not pile them up."""

from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.models import ArticleDraft
from bot.nlp.enrichment import NLP_VERSION, NlpFailure, enrich_articles
from bot.nlp.service import NlpService
from bot.store import Store
from tests.bot.nlp.worker_driver import busy_until_stopped

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

DRIVER = Path(__file__).with_name("worker_driver.py")
ROOT = Path(__file__).resolve().parents[3]
DEADLINE = 30.0  # seconds: a bound on the wait, not a timing assertion


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # The command name (in parentheses) may hold spaces: the fields after it are fixed.
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_gone(pids: list[int]) -> list[int]:
    """Wait (bounded) until every pid has ended; return those still running."""
    deadline = time.monotonic() + DEADLINE
    for pid in pids:
        try:
            # A pidfd becomes readable when the process ends: no polling.
            handle = os.pidfd_open(pid)
        except (OSError, AttributeError):
            handle = None
        while running(pid) and time.monotonic() < deadline:
            if handle is None:
                time.sleep(0.05)
            else:
                select.select([handle], [], [], max(0.0, deadline - time.monotonic()))
        if handle is not None:
            os.close(handle)
    return [pid for pid in pids if running(pid)]


def start_driver(*args: str) -> tuple[subprocess.Popen[str], dict[int, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    driver = subprocess.Popen(
        [sys.executable, str(DRIVER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert driver.stdout is not None
    ready, _, _ = select.select([driver.stdout], [], [], 120)
    assert ready and driver.stdout.readline().strip() == "ready", "the worker never answered"
    return driver, children(driver.pid)


# "main": Linux's parent-death signal and the lifeline both guard the worker; "thread": the
# worker was started from a thread that has ended, so only the lifeline pipe does.
@pytest.mark.parametrize("started_from", ["main", "thread"])
def test_kill_9_of_the_parent_takes_the_worker_and_the_resource_tracker_with_it(
    started_from: str,
) -> None:
    for _ in range(2):  # a restart after a crash: the first run's processes must not stay
        driver, spawned = start_driver(started_from)
        workers = [pid for pid, cmd in spawned.items() if "multiprocessing.spawn" in cmd]
        trackers = [pid for pid, cmd in spawned.items() if "resource_tracker" in cmd]
        assert len(workers) == 1, spawned
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait()
        left = wait_gone(workers + trackers)
        for pid in left:  # don't leave them to the machine when the test fails
            os.kill(pid, signal.SIGKILL)
        assert left == [], {pid: spawned[pid] for pid in left}


async def test_a_worker_killed_from_outside_costs_a_retry_not_a_recorded_failure(
    store: Store,
) -> None:
    async with store.transaction():
        stored = await store.store_article(
            ArticleDraft("Talks", "Hamas leaders met in Doha on Monday.", "test:killed"),
            "2026-03-01T09:00:00+00:00",
        )
    before = set(children(os.getpid()))
    service = NlpService("process")
    try:
        await service.analyze(["The worker is up."])
        (worker,) = [
            pid
            for pid, cmd in children(os.getpid()).items()
            if pid not in before and "multiprocessing.spawn" in cmd
        ]
        os.kill(worker, signal.SIGKILL)  # as the OOM killer would
        assert wait_gone([worker]) == []

        told: list[NlpFailure] = []
        saved = await enrich_articles(store, [stored.article_id], service, on_failure=told.append)
        assert (saved, told) == (1, [])  # a new worker analysed it
        assert await store.analysis_failures(NLP_VERSION) == {}
    finally:
        service.close()


async def test_a_stopping_bot_does_not_wait_for_the_article_its_worker_is_analysing(
    tmp_path: Path,
) -> None:
    """Found by the soak (issue 16): close() waited for the job the worker was running (a long
    article is minutes of CPU), so a stopping bot hung; the worker now stops at once, and at
    a lower CPU priority than the bot while it runs."""
    service = NlpService("process")
    await service.run(os.getpid)  # the worker is up
    worker = next(iter(service._executor._processes))  # type: ignore[union-attr]
    assert os.getpriority(os.PRIO_PROCESS, worker) > os.getpriority(os.PRIO_PROCESS, 0)
    started = tmp_path / "started"
    os.mkfifo(started)
    endless = asyncio.ensure_future(service.run(busy_until_stopped, str(started)))
    assert await asyncio.to_thread(started.read_text) == "started"  # it runs in the worker

    await asyncio.wait_for(asyncio.to_thread(service.close), timeout=60)

    assert await asyncio.to_thread(_gone, worker)
    assert endless.done()


def _gone(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
