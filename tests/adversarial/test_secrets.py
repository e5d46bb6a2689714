"""Secrets: the Discord token never reaches a log record, a reply, /about, crash output or the
database file, in a whole session that searches, fails and crashes; nor does the OAuth2 client
secret of Login with Discord; `.env` is never committed."""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli.launch import run_discord
from bot.config import Secret, Settings, settings_from
from bot.sandbox import DiscordEmulator
from bot.sandbox.seam import pointed_at
from tests.adversarial.discord_records import message_bodies
from tests.bot.web.newsroom import running_web

TOKEN = "NDc3MTIz.Secret-Adversarial.Token-7f3a9c"
ROOT = Path(__file__).resolve().parents[2]


class Recorder(logging.Handler):
    """Keeps every record, fully formatted with its traceback, with no redaction at all."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def every_log_line() -> Iterator[list[str]]:
    """Every log record of every logger, at DEBUG, while the test runs."""
    recorder = Recorder()
    root = logging.getLogger()
    level = root.level
    root.addHandler(recorder)
    root.setLevel(logging.DEBUG)
    try:
        yield recorder.lines
    finally:
        root.removeHandler(recorder)
        root.setLevel(level)


async def test_a_whole_session_never_shows_the_token(
    newsdesk_factory: Callable[..., Any], clock: Any, tmp_path: Path, every_log_line: list[str]
) -> None:
    settings = Settings(discord_token=Secret(TOKEN), database_path=tmp_path / "newsdesk.db")
    async with DiscordEmulator(clock=clock) as emulator:
        emulator.emulator.token = emulator.token = TOKEN  # Discord checks the real token
        async with newsdesk_factory(discord=emulator, settings=settings) as desk:
            general = emulator.channel("general")
            about = await emulator.slash("about")
            await emulator.slash("search", query="Qatar truce")
            await emulator.slash("search", query="-only")  # a friendly error
            await emulator.say(general, "!news")  # a missing argument
            await desk.store.close()  # the database goes away: an unexpected failure
            broken = await emulator.slash("search", query="Qatar")
            shown = str([body for _, body in message_bodies(emulator)])
            settings_text = f"{desk.bot.settings!r} {desk.bot.settings}"
            db_path = Path(desk.store.path)

    assert "Sorry, something went wrong" in broken.message.embeds[0]["description"]
    assert any("Traceback" in line for line in every_log_line), "the failure must be logged"
    assert about.message.embeds[0]["title"] == "About Newsdesk"
    assert TOKEN not in shown
    assert TOKEN not in settings_text
    leaks = [line for line in every_log_line if TOKEN in line]
    assert leaks == []
    for path in db_path.parent.glob(db_path.name + "*"):
        assert TOKEN.encode() not in path.read_bytes(), path


async def test_a_failed_start_says_what_to_do_without_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], every_log_line: list[str]
) -> None:
    settings = settings_from(
        {"DISCORD_TOKEN": TOKEN, "DATABASE_PATH": str(tmp_path / "n.db"), "LOG_LEVEL": "DEBUG"}
    )
    async with DiscordEmulator() as emulator:  # knows another token: login is refused
        with pointed_at(emulator.emulator.api_url, emulator.emulator.gateway_url):
            status = await run_discord(settings, nlp_mode="inline")

    out, err = capsys.readouterr()
    assert status == 2
    assert "rejected DISCORD_TOKEN" in err
    assert TOKEN not in out + err
    assert [line for line in every_log_line if TOKEN in line] == []


def test_dotenv_is_ignored_by_git() -> None:
    checked = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", ".env"], cwd=ROOT, check=False
    )
    assert checked.returncode == 0, ".env must be listed in .gitignore"
    tracked = subprocess.run(
        ["git", "ls-files", "--error-unmatch", ".env"], cwd=ROOT, capture_output=True, check=False
    )
    assert tracked.returncode != 0, ".env is committed"


@pytest.mark.parametrize(
    "argv",
    [["invite"], ["console", "--exec", "/about", "--exec", "/search query:-x"]],
    ids=["invite", "sandbox console"],
)
@pytest.mark.parametrize("token", [TOKEN, "not-a-token " + TOKEN], ids=["token", "garbage"])
def test_command_line_output_and_logs_never_show_the_token(
    tmp_path: Path, argv: list[str], token: str
) -> None:
    database = tmp_path / "data" / "newsdesk.db"
    env = {
        "PATH": "/usr/bin:/bin",
        "DISCORD_TOKEN": token,
        "DATABASE_PATH": str(database),
        "LOG_LEVEL": "DEBUG",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=tmp_path,  # no .env here: only the environment above
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    written = b"".join(p.read_bytes() for p in database.parent.glob("*") if p.is_file())
    assert done.stdout + done.stderr, "the command said nothing"
    assert TOKEN not in done.stdout + done.stderr
    assert TOKEN.encode() not in written


CLIENT_SECRET = "oauth-client-secret-Adversarial-9d2e"


async def test_the_oauth_client_secret_never_shows_in_logs_pages_or_settings(
    tmp_path: Path, clock: Any, every_log_line: list[str]
) -> None:
    settings = settings_from({"DISCORD_CLIENT_ID": "123", "DISCORD_CLIENT_SECRET": CLIENT_SECRET})
    assert CLIENT_SECRET not in repr(settings) and CLIENT_SECRET not in f"{settings}"
    assert CLIENT_SECRET in settings.secrets()  # what the log filter redacts
    async with running_web(tmp_path / "n.db", clock) as desk:
        context = desk.server.context
        assert context.discord is not None
        # Discord (the emulator) does not know this secret: the code exchange is refused.
        context.discord = dataclasses.replace(context.discord, client_secret=Secret(CLIENT_SECRET))
        async with desk.browser() as http:
            landed = await desk.sign_in(http, "bob")
            page = await landed.text()
        assert landed.status == 502 and "Discord refused the sign-in" in page
        assert CLIENT_SECRET not in page
    assert any("Discord refused the code" in line for line in every_log_line)
    assert [line for line in every_log_line if CLIENT_SECRET in line] == []
