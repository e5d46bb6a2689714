"""Escape sequences from outside never reach the terminal (issue 16, class 5): file names,
titles, bodies, feed names and typed text print through the command line and the sandbox
console as readable text — no ESC sequences, OSC 8 links, C1 controls or bidi overrides —
and `:fire:`, `a:b:c` and `[bold]` print as typed."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from bot.cli import main as cli_main
from bot.models import ArticleDraft
from bot.nlp.enrichment import enrich_articles
from bot.nlp.service import NlpService
from bot.sandbox.console import ConsoleSession, run_once
from bot.store import open_store
from bot.terminal import printable, shown, terminal
from tests.adversarial.hostile import hostile_text
from tests.newsdesk import Newsdesk

# What a terminal obeys rather than shows (line feed and tab excepted), written out here
# rather than imported, so the test does not trust the code it checks.
OBEYED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Rich's own codes when it draws for a terminal: colours, cursor show/hide, line erase and
# cursor up (the progress bar), carriage returns.
RICH_OWN = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[\d*A|\r")

LINK = "\x1b]8;;https:evil.test\x1b\\click\x1b]8;;\x1b\\"
HOSTILE = f"\x1b[2J{LINK} :fire: a:b:c [bold]loud[/bold] \u202eevil\x07\x9b31m end"
SEEN = "click :fire: a:b:c [bold]loud[/bold] evil end"


def assert_inert(output: str, *, link_shown: bool = False) -> None:
    """Nothing in `output` a terminal would obey; the hidden link's target is gone too
    (unless the output shows it as text: JSON data, a quoted repr)."""
    found = OBEYED.search(output)
    assert found is None, f"{found[0]!r} at {found.start()}: {output[: found.end() + 40]!r}"
    assert link_shown or "evil.test" not in output


def flat(output: str) -> str:
    """`output` with rich's line wrapping undone (one space for any run of whitespace)."""
    return " ".join(output.split())


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """A database (in a folder whose name is hostile too) holding an article and a feed whose
    texts carry escape sequences: stored as a publisher could send them."""
    db = tmp_path / "db\x1b[2J[red]" / "news.db"

    async def fill() -> None:
        async with await open_store(db) as store:
            async with store.transaction():
                await store.store_article(
                    ArticleDraft(
                        title=f"Ceasefire {HOSTILE}",
                        body=f"Hamas leaders met in Doha on Monday. {HOSTILE}.\n\n"
                        "Qatar said the talks about a ceasefire would go on for a week.",
                        origin="test:hostile",
                        source=f"Wire {HOSTILE}",
                    ),
                    "2026-03-01T09:00:00+00:00",
                )
                feed = await store.add_feed(
                    "https://feeds.test/rss", "2026-03-01T09:00:00+00:00", 900
                )
                await store.save_feed(dataclasses.replace(feed, title=f"Feed {HOSTILE}"))
            await enrich_articles(store, [1], NlpService("inline"))

    asyncio.run(fill())
    return db


def run_cli(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str]:
    """Run one command in-process; its status and everything it printed (stdout + stderr)."""
    capsys.readouterr()
    code = cli_main(["--db", str(db), *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_cli_commands_print_outside_text_as_text(
    hostile_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "files" / f"bad {LINK}[bold].json"
    bad.parent.mkdir()
    bad.write_text("{")
    code, output = run_cli(capsys, hostile_db, "ingest", "--no-nlp", str(bad.parent))
    assert code == 1, output
    assert_inert(output)
    assert "bad click[bold].json: invalid JSON" in flat(output)  # as a reader sees it
    # The database's folder; rich folds a path longer than the line anywhere in it (under
    # /tmp/pytest-of-root/pytest-1001/ it broke inside "db[red]").
    assert "db[red]" in output.replace("\n", "")

    for argv, expected in [
        (("search", "Ceasefire"), f"Ceasefire {SEEN}"),
        (("show", "1"), f"Ceasefire {SEEN}"),
        (("show", "1"), f"Wire {SEEN}"),
        (("summary", "1", "--sentences", "3"), SEEN),
        (("entity", "Hamas"), SEEN),
        (("feeds", "list"), None),
        (("stats",), "articles │ 1"),
    ]:
        code, output = run_cli(capsys, hostile_db, *argv)
        assert code == 0, output
        assert_inert(output)
        if expected is None:  # a table: the feed's name wraps inside its cell
            assert all(word in output for word in f"Feed {SEEN}".split()[:6]), output
        else:
            assert flat(expected) in flat(output), (argv, output)


def test_json_output_keeps_the_data_but_escapes_what_a_terminal_obeys(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run_cli(capsys, hostile_db, "search", "--json", "Ceasefire")
    assert code == 0
    assert_inert(output, link_shown=True)
    assert json.loads(output)["hits"][0]["title"] == f"Ceasefire {HOSTILE}"


def test_errors_quoting_outside_text_are_text(
    hostile_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run_cli(capsys, hostile_db, "entity", f"[bold]{LINK}nobody")
    assert code == 2
    assert_inert(output)
    assert "No entity called “[bold]clicknobody” is known yet." in output
    with pytest.raises(SystemExit):
        run_cli(capsys, hostile_db, "show", f"1{LINK}")
    assert_inert(capsys.readouterr().err, link_shown=True)  # quoted by repr


def test_the_progress_bar_on_a_terminal_names_files_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"story {LINK}\x1b[2J.txt").write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday after the storm.\n"
    )
    env = {
        **os.environ,
        "TTY_COMPATIBLE": "1",  # rich draws as for a terminal: the progress bar shows
        "COLUMNS": "200",
        "LOG_LEVEL": "WARNING",
        "DATABASE_PATH": str(tmp_path / "news.db"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ingest", "--no-nlp", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "story click.txt" in done.stdout  # the bar's last frame names the file
    assert_inert(RICH_OWN.sub("", done.stdout + done.stderr))


async def test_the_console_prints_outside_text_as_typed(newsdesk: Newsdesk) -> None:
    await newsdesk.ingest(
        [
            ArticleDraft(
                title="Harbour :fire: a:b:c [bold]loud[/bold]",
                body="The harbour :fire: reopened on Monday after a:b:c the storm.",
                origin="test:emoji",
            )
        ],
        nlp=False,
    )
    buffer = io.StringIO()
    lines = ["/search query:harbour", f"/nosuch{LINK}"]
    status = await run_once(ConsoleSession(newsdesk.discord), lines, Console(file=buffer))
    output = buffer.getvalue()
    assert status == 1
    assert_inert(output)
    assert "Harbour :fire: a:b:c [bold]loud[/bold]" in output
    assert "no command /nosuchclick" in output


@settings(deadline=None)
@given(hostile_text)
def test_printable_leaves_nothing_a_terminal_obeys(text: str) -> None:
    shown_text = printable(text)
    assert OBEYED.search(shown_text) is None
    assert printable(shown_text) == shown_text


@settings(deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\t")) | hostile_text)
@example("\\[")  # rich drops the backslash of a plain "\[" (found on a clean clone)
@example("a\\\\[b [c] \\[d]")
def test_the_console_prints_outside_text_exactly_as_printable_makes_it(text: str) -> None:
    console = terminal()
    console.file = io.StringIO()
    # Alone, and inside the command line's own markup.
    console.print(shown(text), soft_wrap=True)
    console.print(f"[bold]{shown(text)}[/] [dim]{shown(text)}[/]", soft_wrap=True)
    output = console.file.getvalue()
    assert OBEYED.search(output) is None
    if "\t" not in text:
        # Markup, emoji codes and highlighting reinterpret nothing: the text is as typed.
        seen = printable(text)
        assert output == f"{seen}\n{seen} {seen}\n"
