"""Numbers out of range and names that don't exist get one clear line, never a traceback
(issue 16, class 7): every numeric command-line option, every integer slash option (a
modified client or the emulator can send any number), a database path that is a folder, and
the console's `:as` / `:in` / channel options naming nobody."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from bot.cli import main as cli_main
from bot.render.errors import APOLOGY
from bot.sandbox.console import ConsoleSession, run_once
from tests.newsdesk import Newsdesk

HUGE = "99999999999999999999999"
HUGE_FLOAT = "1e400"  # inf once read

# Every numeric option and argument of the command line, with the rest of a valid command.
CLI_NUMBERS = [
    ("show", "{n}"),
    ("summary", "{n}"),
    ("summary", "1", "--sentences", "{n}"),
    ("summary", "1", "--max-words", "{n}"),
    ("entities", "--days", "{n}"),
    ("entities", "--limit", "{n}"),
    ("entity", "Hamas", "--articles", "{n}"),
    ("search", "Qatar", "--page", "{n}"),
    ("search", "Qatar", "--limit", "{n}"),
    ("nlp", "summarize", "-", "--sentences", "{n}"),
    ("nlp", "summarize", "-", "--max-words", "{n}"),
    ("invite", "--client-id", "{n}"),
    ("feeds", "log", "{n}"),
    ("feeds", "log", "1", "--limit", "{n}"),
    ("enqueue", "seeds", "--per-job", "{n}"),
    ("migrate-store", "--from", "sqlite:///x.db", "--to", "postgresql://x/y", "--sample", "{n}"),
]
CLI_FLOATS = [("worker", "--lease", "{n}")]


def one_line_refusal(
    capsys: pytest.CaptureFixture[str], db: Path, argv: list[str]
) -> tuple[int | str | None, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        cli_main(["--db", str(db), *argv])
    captured = capsys.readouterr()
    return exited.value.code, captured.out + captured.err


@pytest.mark.parametrize("template", CLI_NUMBERS + CLI_FLOATS, ids=lambda t: " ".join(t[:2]))
@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}", "0", "-1", "1e3x", HUGE_FLOAT, "nan"])
def test_every_numeric_cli_option_refuses_a_bad_number_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: tuple[str, ...], value: str
) -> None:
    floats = template in CLI_FLOATS
    if value in ("0", "-1") and template[0] == "migrate-store":
        pytest.skip("--sample 0 is a valid choice: search no headlines")
    if not floats and value in ("0", "-1") and template[0] == "invite":
        value = "-1"
    argv = [part.format(n=value) for part in template]
    code, output = one_line_refusal(capsys, tmp_path / "news.db", argv)
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("error:") and "Traceback" not in output
    option = next((p for p in template if p.startswith("--")), "")
    assert option.lstrip("-") in lines[0] or "argument" in lines[0]
    assert "from" in lines[0] or "number" in lines[0]


def test_a_database_path_that_is_a_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    env = {**os.environ, "DATABASE_PATH": str(folder), "LOG_LEVEL": "WARNING"}
    for command in (["stats"], ["search", "Qatar"], ["show", "1"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2
        # The database thread is stopped before the event loop closes: no "Event loop is
        # closed" from it, nothing after the one line.
        assert done.stderr.strip().splitlines() == [
            f"error: cannot open database {folder}: unable to open database file"
        ], done.stderr


def leaves(definitions: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every runnable command path (subcommands included) with its options."""
    found = []
    for command in definitions:
        if command.get("type", 1) != 1:
            continue
        options = command.get("options", [])
        subs = [o for o in options if o["type"] in (1, 2)]
        if not subs:
            found.append((command["name"], options))
        for sub in subs:
            for path, leaf in leaves([{**sub, "type": 1}]):
                found.append((f"{command['name']} {path}", leaf))
    return found


def numeric_options(newsdesk: Newsdesk) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    synced = newsdesk.discord.commands
    definitions = [*synced.get(newsdesk.discord.guild.id, []), *synced.get(None, [])]
    return [
        (path, option, options)
        for path, options in leaves(definitions)
        for option in options
        if option["type"] in (4, 10)
    ]


async def test_every_integer_slash_option_declares_its_range(newsdesk: Newsdesk) -> None:
    found = numeric_options(newsdesk)
    assert {path for path, _, _ in found} >= {"article", "digest remove", "feeds remove"}
    undeclared = [
        f"/{path} {option['name']}"
        for path, option, _ in found
        if "min_value" not in option or "max_value" not in option
    ]
    assert undeclared == []


def filled(newsdesk: Newsdesk, options: list[dict[str, Any]], skip: str) -> dict[str, Any]:
    """Plausible values for the other required options of a command."""
    values: dict[str, Any] = {}
    for option in options:
        if option["name"] == skip or not option.get("required"):
            continue
        kind = option["type"]
        values[option["name"]] = {
            3: "x",
            4: 1,
            5: False,
            6: newsdesk.discord.alice,
            7: newsdesk.discord.channel("news"),
            8: newsdesk.discord.guild.roles[0],
            10: 1.0,
        }[kind]
    return values


@pytest.mark.parametrize("value", [10**23, -(10**23)])
async def test_every_integer_slash_option_out_of_range_gets_one_clear_line(
    newsdesk: Newsdesk, value: int
) -> None:
    for path, option, options in numeric_options(newsdesk):
        named = {**filled(newsdesk, options, option["name"]), option["name"]: value}
        reply = await newsdesk.discord.slash(path, named=named)
        message = reply.message
        assert message.ephemeral
        text = message.embeds[0]["description"] if message.embeds else message.content
        assert text != APOLOGY, f"/{path} {option['name']}:{value}"
        assert "\n" not in text
        assert f"`{option['name']}`" in text and "from" in text, (path, text)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(number=st.one_of(st.integers(), st.integers(min_value=2**53, max_value=2**80)))
async def test_any_article_id_gets_an_article_or_one_clear_line(
    newsdesk: Newsdesk, number: int
) -> None:
    reply = await newsdesk.discord.slash("article", id=number)
    message = reply.message
    text = message.embeds[0].get("description", "") if message.embeds else message.content
    assert text != APOLOGY
    if number != 1:
        assert message.ephemeral and "\n" not in text


async def transcript(newsdesk: Newsdesk, *lines: str) -> tuple[int, str]:
    buffer = io.StringIO()
    status = await run_once(ConsoleSession(newsdesk.discord), list(lines), Console(file=buffer))
    return status, buffer.getvalue()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (":as carol", "error: no user called 'carol'; try one of: alice, bob"),
        (":in nochannel", "error: no channel called 'nochannel'; try one of: #general, #news"),
        (
            "/digest schedule channel:#nochannel time:08:00 timezone:UTC",
            "error: no channel called 'nochannel'; try one of: #general, #news",
        ),
    ],
)
async def test_the_console_names_the_valid_choices_for_an_unknown_name(
    newsdesk: Newsdesk, line: str, expected: str
) -> None:
    status, output = await transcript(newsdesk, line)
    assert status == 1
    assert output.strip().startswith(expected), output
    assert len(output.strip().splitlines()) == 1


@settings(deadline=None)  # argparse is quick, the shared machine not always
@given(
    text=st.one_of(
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.text(max_size=40),
    )
)
def test_any_value_for_a_numeric_option_is_read_or_refused_in_one_line(text: str) -> None:
    from bot.cli import build_parser

    stderr = io.StringIO()
    parser = build_parser()
    try:
        with contextlib.redirect_stderr(stderr):
            args = parser.parse_args(["entities", "--days", text])
    except SystemExit as exited:
        assert exited.code == 2
        assert len(stderr.getvalue().strip().splitlines()) == 1
        assert stderr.getvalue().startswith("error: newsdesk entities: argument --days:")
    else:
        assert 1 <= args.days <= 36_500


@pytest.mark.parametrize("verb", ["pause", "resume", "send-latest"])
async def test_an_id_out_of_range_typed_in_a_message_gets_one_clear_line(
    newsdesk: Newsdesk, verb: str
) -> None:
    replies = await newsdesk.discord.say(
        newsdesk.discord.channel("general"), f"!feeds {verb} {10**23}"
    )
    (reply,) = replies
    text = reply.embeds[0]["description"] if reply.embeds else reply.content
    assert text == "That number must be from 1 to 9,007,199,254,740,991."
