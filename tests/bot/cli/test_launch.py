"""`python -m bot run`: seeds, one-line start-up errors (never the token), the sandbox path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
from pathlib import Path

import pytest

from bot.cli import launch
from bot.clock import FakeClock
from bot.config import Secret, Settings
from bot.sandbox import DiscordEmulator
from bot.sandbox.seam import pointed_at
from bot.store import open_store


def settings_with(token: str, tmp_path: Path) -> Settings:
    return Settings(discord_token=Secret(token), database_path=tmp_path / "newsdesk.db")


async def test_seeds_are_loaded_into_the_configured_database(
    tmp_path: Path, seed_file: Path
) -> None:
    await launch.load_seeds(settings_with("", tmp_path), seed_file.parent, nlp=False)

    async with await open_store(tmp_path / "newsdesk.db") as store:
        assert await store.count_articles() == 1


@pytest.fixture(autouse=True)
def own_log_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start without root log handlers: a test elsewhere that ran the CLI may have left one
    writing to its own, since closed, captured stderr."""
    monkeypatch.setattr(logging.getLogger(), "handlers", [])


async def test_a_rejected_token_is_one_actionable_line_without_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "MTIz.not-a-real-token.abcdef"
    async with DiscordEmulator(clock=FakeClock()) as emulator:
        with pointed_at(emulator.emulator.api_url, emulator.emulator.gateway_url):
            status = await launch.run_discord(settings_with(token, tmp_path))

    err = capsys.readouterr().err
    assert status == 2
    assert "Discord rejected DISCORD_TOKEN" in err
    assert token not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2  # one sentence, wrapped at most once


async def test_no_network_is_one_actionable_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pointed_at(f"http://127.0.0.1:{port}/api/v10", f"ws://127.0.0.1:{port}/gateway"):
        status = await launch.run_discord(settings_with("abc.def.ghi", tmp_path))

    err = capsys.readouterr().err
    assert status == 2
    assert "cannot reach Discord" in err and "Traceback" not in err


async def test_sigterm_shuts_the_bot_down_gracefully(tmp_path: Path) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers need the main thread")
    async with DiscordEmulator(clock=FakeClock()) as emulator:
        with pointed_at(emulator.emulator.api_url, emulator.emulator.gateway_url):
            running = launch.run_discord(
                settings_with(emulator.token, tmp_path),
                nlp_mode="inline",
                guild_ready_timeout=0.05,
                chunk_guilds_at_startup=False,
            )
            task = asyncio.ensure_future(running)
            await emulator.wait_for(
                lambda: emulator.emulator.gateway.current, what="the bot's session"
            )
            handler = signal.getsignal(signal.SIGTERM)
            assert handler not in (signal.SIG_DFL, signal.SIG_IGN, None)
            os.kill(os.getpid(), signal.SIGTERM)
            status = await asyncio.wait_for(task, 10)

    assert status == 0
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_without_a_token_the_sandbox_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_file: Path
) -> None:
    started: list[Settings] = []

    def sandbox(settings: Settings) -> int:
        started.append(settings)
        return 0

    # The sandbox itself (emulator + bot + interactive console) is tested in tests/sandbox.
    monkeypatch.setattr("bot.cli.sandbox.run", sandbox)
    settings = settings_with("", tmp_path)

    status = launch.launch(settings, seeds=None, sandbox=False)

    assert status == 0
    assert started == [settings]


async def test_a_cog_that_fails_to_load_is_one_loud_line_at_start(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    package = tmp_path / "startcogs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "broken.py").write_text(
        "import lxml_html_cleaner_that_is_not_installed\n\nasync def setup(bot):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    async with DiscordEmulator(clock=FakeClock()) as emulator:
        with pointed_at(emulator.emulator.api_url, emulator.emulator.gateway_url):
            running = asyncio.ensure_future(
                launch.run_discord(
                    settings_with(emulator.token, tmp_path),
                    extensions="startcogs",
                    nlp_mode="inline",
                    guild_ready_timeout=0.05,
                    chunk_guilds_at_startup=False,
                )
            )
            await emulator.wait_for(
                lambda: emulator.emulator.gateway.current, what="the bot's session"
            )
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running

    err = capsys.readouterr().err
    assert (
        "error: cog startcogs.broken did not load: ModuleNotFoundError: No module named "
        "'lxml_html_cleaner_that_is_not_installed'"
    ) in err.splitlines()
    failure = next(r for r in caplog.records if "startcogs.broken" in r.getMessage())
    assert failure.levelno == logging.ERROR and failure.exc_info is not None
