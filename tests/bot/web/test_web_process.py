"""The web served for the bot is a process of its own (its pages never run on the bot's
interpreter): started with the bot, serving the bot's database, stopped by the bot's stop, and
gone with the bot when the bot is killed -9, so restarts do not pile web processes up on the
port (issue 18; the same lifeline as the NLP worker's, bot/workers/lifeline.py)."""

from __future__ import annotations

import dataclasses
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli.web import serve_in_bot
from bot.cli.web_process import ChildOrders, child_args, child_env, listening
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
