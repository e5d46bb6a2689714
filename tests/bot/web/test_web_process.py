"""The web served for the bot is a process of its own (its pages never run on the bot's
interpreter): started with the bot, serving the bot's database, stopped by the bot's stop,
restarted on the same port when it crashes (until it crashes too often), and gone with the bot
when the bot is killed -9, so restarts do not pile web processes up on the port (issue 18; the
same lifeline as the NLP worker's, bot/workers/lifeline.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli.web import serve_in_bot
from bot.cli.web_keeper import RestartPolicy
from bot.cli.web_process import (
    WEB_NICENESS,
    ChildOrders,
    WebProcess,
    child_args,
    child_env,
    listening,
)
from bot.config import Secret, Settings
from bot.web import Discord
from bot.workers.lifeline import Lifeline
from tests.bot.nlp.test_worker_lifetime import DEADLINE, children, running, wait_gone

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

DRIVER = Path(__file__).with_name("web_driver.py")
ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nothing_listens(port: int) -> bool:
    """True when a restarted bot could listen on 127.0.0.1:`port` again: a bind with
    SO_REUSEADDR, as the bot's own (socket.create_server), succeeds; only a listener stops it,
    not the last connections' TIME_WAIT."""
    try:
        with socket.create_server(("127.0.0.1", port)):
            return True
    except OSError:
        return False


def freed(port: int) -> bool:
    """Wait (bounded) until a restarted bot could listen on `port`: the kernel tears a killed
    process's sockets down as it ends, a moment after its pid has gone."""
    deadline = time.monotonic() + DEADLINE
    while not nothing_listens(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def listeners(port: int) -> str:
    """Who holds sockets on `port` (for a failure's message)."""
    found = subprocess.run(["ss", "-tanp"], capture_output=True, text=True, check=False)
    return "\n".join(line for line in found.stdout.splitlines() if f":{port}" in line)


async def test_the_bots_web_is_its_child_serving_its_database_until_the_bot_stops(
    newsdesk_factory: Callable[..., Any],
) -> None:
    async with newsdesk_factory() as desk:
        settings = dataclasses.replace(desk.bot.settings, web_port=0, web_public_archive=True)
        async with serve_in_bot(settings, desk.bot) as web, aiohttp.ClientSession() as http:
            assert web is not None
            assert web.pid != os.getpid()
            assert "bot web" in children(os.getpid())[web.pid]
            # Below the bot's priority: readers' pages never take the CPU from its users.
            ours = os.getpriority(os.PRIO_PROCESS, 0)
            assert os.getpriority(os.PRIO_PROCESS, web.pid) == min(ours + WEB_NICENESS, 19)
            async with http.get(web.base_url + "/api/v1/search?q=Qatar") as found:
                hits = (await found.json())["hits"]
            assert found.status == 200 and hits  # the bot's database, read by the child
            pid, port = web.pid, web.port
        # The bot's stop (the block's end) stopped it and gave the port back.
        assert not running(pid)
        assert freed(port), listeners(port)


def start_bot(db: Path, port: int) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """The driver (a bot serving its web on `port`) and what it printed once the web served."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    driver = subprocess.Popen(
        [sys.executable, str(DRIVER), str(db), str(port)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(ROOT),
    )
    assert driver.stdout is not None
    ready, _, _ = select.select([driver.stdout], [], [], 120)
    line = driver.stdout.readline() if ready else ""
    if not line:
        driver.kill()
        driver.wait()
        pytest.fail("the bot never served its web")
    return driver, json.loads(line)


async def test_kill_9_of_the_bot_takes_its_web_process_with_it_and_restarts_do_not_pile_up(
    seeded_database: Path, tmp_path: Path
) -> None:
    db = tmp_path / "newsdesk.db"
    shutil.copy(seeded_database, db)
    port = free_port()
    for _ in range(2):  # a restart after a crash: on the same port, the first web is gone
        driver, web = start_bot(db, port)
        try:
            assert web["url"] == f"http://127.0.0.1:{port}"
            assert web["pid"] in children(driver.pid)
            async with aiohttp.ClientSession() as http, http.get(web["url"] + "/healthz") as up:
                assert up.status == 200
                assert (await up.json())["gateway"] == {"connected": True}
        finally:
            os.kill(driver.pid, signal.SIGKILL)
            driver.wait()
        left = wait_gone([web["pid"]])
        for pid in left:  # don't leave it to the machine when the test fails
            os.kill(pid, signal.SIGKILL)
        assert left == [], f"web process {web['pid']} outlived its bot ({DEADLINE} s)"
        assert freed(port), listeners(port)


def test_the_web_process_gets_no_token_and_no_secret_on_its_command_line() -> None:
    # The web has no use for the bot's token; the sign-in secret and the database password go
    # through the environment (readable by the same user only), never argv (any user's `ps`).
    settings = Settings(
        discord_token=Secret("the-bot-token"),
        database_url=Secret("postgresql://newsdesk:db-password@db.internal/newsdesk"),
    )
    sign_in = Discord(42, Secret("oauth-secret"), "http://127.0.0.1:9/emulator")
    env = child_env(settings, settings.store_url, sign_in)
    assert env["DISCORD_TOKEN"] == ""
    assert (env["DATABASE_URL"], env["DISCORD_CLIENT_SECRET"]) == (
        "postgresql://newsdesk:db-password@db.internal/newsdesk",
        "oauth-secret",
    )
    lifeline = Lifeline()
    with listening("127.0.0.1", 0) as sock:
        args = child_args(sock, lifeline, "http://127.0.0.1:9/metrics", ChildOrders(sign_in))
    lifeline.release()
    shown = " ".join(args)
    assert "--discord-url http://127.0.0.1:9/emulator" in shown
    for secret in ("the-bot-token", "db-password", "oauth-secret"):
        assert secret not in shown


def proc_file(pid: int, name: str) -> bytes:
    """/proc/`pid`/`name` (the command line or the environment of a child of ours)."""
    return Path(f"/proc/{pid}/{name}").read_bytes()


async def restarted(web: WebProcess, crashed: int, http: aiohttp.ClientSession) -> int:
    """Wait (bounded) until a new child, not `crashed`, answers on the web's port; its pid."""
    deadline = time.monotonic() + DEADLINE
    while web.pid == crashed or not running(web.pid):
        assert time.monotonic() < deadline, f"the web process {crashed} was not restarted"
        await asyncio.sleep(0.05)  # the bot's event loop runs the restart meanwhile
    # A request now is accepted by the new child (the bot kept the socket: nothing is lost).
    async with http.get(web.base_url + "/api/v1/search?q=Qatar") as found:
        assert found.status == 200 and (await found.json())["hits"]
    return web.pid


async def refused(port: int) -> bool:
    """Wait (bounded) until nothing accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except ConnectionRefusedError:
            return True
        writer.close()
        await asyncio.sleep(0.05)
    return False


async def test_a_crashed_web_process_is_restarted_on_its_port_until_it_crashes_too_often(
    newsdesk_factory: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    # Two restarts within ten minutes, at once (the real bot waits 1, 2, 4 … s on its clock).
    policy = RestartPolicy(most=2, within=timedelta(minutes=10), first_wait=timedelta(0))
    caplog.set_level(logging.INFO, logger="bot.cli.web_keeper")
    async with newsdesk_factory() as desk:
        settings = dataclasses.replace(
            desk.bot.settings,
            discord_token=Secret("the-bot-token"),
            web_port=0,
            web_public_archive=True,
        )
        async with (
            serve_in_bot(settings, desk.bot, restarts=policy) as web,
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DEADLINE)) as http,
        ):
            assert web is not None
            crashed = [web.pid]
            for _ in range(policy.most):
                os.kill(crashed[-1], signal.SIGKILL)
                crashed.append(await restarted(web, crashed[-1], http))
                # Still the bot's child, still without the token on its command line or in
                # its environment.
                assert "bot web" in children(os.getpid())[web.pid]
                assert b"the-bot-token" not in proc_file(web.pid, "cmdline")
                assert b"the-bot-token" not in proc_file(web.pid, "environ")
            # A third crash within ten minutes: the bot stops trying, and says so loudly.
            os.kill(crashed[-1], signal.SIGKILL)
            assert await refused(web.port), listeners(web.port)
            assert not any("bot web" in line for line in children(os.getpid()).values())
    # The keeper's own lines (discord.py warns once per process, in whichever test first
    # makes a client, that voice needs PyNaCl).
    said = [
        (r.levelname, r.getMessage())
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name == "bot.cli.web_keeper"
    ]
    assert said == [
        *(
            ("WARNING", f"the web process {pid} ended (killed by SIGKILL); restarting it in 0.0 s")
            for pid in crashed[:-1]
        ),
        (
            "ERROR",
            f"the web process {crashed[-1]} ended (killed by SIGKILL) after 2 restarts within "
            "0:10:00: not restarting it again; the web is DOWN until the bot restarts",
        ),
    ]
