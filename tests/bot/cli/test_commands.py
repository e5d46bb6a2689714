"""Every CLI command that opens the store, on both backends: `--db` (like DATABASE_URL) picks
the store for all of them, and an unreachable PostgreSQL is one error line naming it (without
its password), never a SQLite file created in its place.

`run` serves until stopped, so only its refusal is run here (`console --exec` starts the same
bot on the store); `worker` on PostgreSQL is tests/cluster/test_worker.py's; `invite` and `nlp`
open no store; migrate-store's copy is tests/cluster/test_migrate.py's.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import DeliveryOutcome, NewLogEntry, open_store
from tests.backends import fresh_database

UNREACHABLE = "postgresql://news:secret@127.0.0.1:1/newsdesk"
REDACTED = "postgresql://news:********@127.0.0.1:1/newsdesk"
TITLE = "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"


@pytest.fixture
def default_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where settings alone would put a SQLite file: it must never appear."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "data" / "default.db"))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return tmp_path / "data" / "default.db"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(
    request: pytest.FixtureRequest, tmp_path: Path, default_db: Path
) -> AsyncIterator[str]:
    """A fresh database's URL on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'news.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        template = request.getfixturevalue("postgres_template")
        async with fresh_database(server, template) as url:
            yield url
    assert not await asyncio.to_thread(default_db.exists)


async def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `python -m bot ARGS` in-process (off the test's loop); its status, and its out
    with the terminal's line wrapping undone, and err."""
    code = await asyncio.to_thread(main, list(args))
    captured = capsys.readouterr()
    return code, " ".join(captured.out.split()), captured.err


async def test_every_command_uses_the_database_given(
    database: str, seed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def run(*args: str) -> str:
        code, out, err = await cli(capsys, "--db", database, *args)
        assert (code, err) == (0, ""), (args, out, err)
        return out

    assert "1 added, 0 updated, 0 already stored, 0 skipped" in await run("ingest", str(seed_file))
    found = await run("search", "Qatar truce")
    assert "1 article · page 1 of 1" in found and TITLE in found
    assert TITLE in await run("show", "1")
    assert "│ articles │ 1 │" in await run("stats")
    summary = await run("summary", "1", "--sentences", "1")
    assert TITLE in summary and "Herzi Halevi (person)" in summary
    assert "also: Halevi" in await run("entity", "Herzi Halevi")
    assert "Herzi Halevi" in await run("entities", "--type", "person")
    # The seed's one quotation is Hamas's demand as reported: never Herzi Halevi's.
    assert "No quotations of them are stored" in await run("quotes", "Herzi Halevi")
    assert "0 articles analysed" in await run("enrich")

    now = "2026-03-02T09:00:00+00:00"
    async with await open_store(database) as store:
        feed = await store.add_feed("https://a.test/rss", now, 900)
    assert "a.test/rss" in await run("feeds", "list")
    assert "No subscribed feed is due." in await run("feeds", "poll")
    async with await open_store(database) as store, store.transaction():
        subscription, _ = await store.add_subscription(
            guild_id=1, channel_id=2, feed_id=feed.id, filter_text="x", role_id=None,
            created_by=3, now=now,
        )  # fmt: skip
        filtered = NewLogEntry(subscription.id, TITLE, None, DeliveryOutcome.FILTERED, "no x")
        await store.log_deliveries([filtered], now)
    assert "filtered │ Senior Israeli" in await run("feeds", "log", str(subscription.id))
    code, out, _ = await cli(capsys, "--db", database, "feeds", "log", "999")
    assert code == 1 and "No subscription #999" in out

    # The offline console: the real bot, on the same store, answering one slash command.
    assert TITLE in await run("console", "--exec", "/search query:Qatar truce")

    # The job queue is PostgreSQL's; on SQLite the same work runs in-process.
    code, out, err = await cli(capsys, "--db", database, "enqueue", str(seed_file))
    if database.startswith("postgresql"):
        assert (code, err) == (0, "") and "queued 1 articles in 1 jobs" in out
    else:
        assert code == 2 and "`enqueue` needs DATABASE_URL=postgresql://" in err
        code, _, err = await cli(capsys, "--db", database, "worker")
        assert code == 2 and "`worker` needs DATABASE_URL=postgresql://" in err


async def test_database_url_from_the_environment_is_honoured_too(
    database: str,
    seed_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database)
    async with await open_store(database) as store:
        await store.add_feed("https://a.test/rss", "2026-03-02T09:00:00+00:00", 900)
    code, out, _ = await cli(capsys, "feeds", "list")
    assert code == 0 and "a.test/rss" in out


COMMANDS = [
    ["ingest", "{seed}"],
    ["search", "Qatar"],
    ["show", "1"],
    ["stats"],
    ["summary", "1"],
    ["entity", "Halevi"],
    ["entities"],
    ["quotes", "Halevi"],
    ["enrich"],
    ["feeds", "list"],
    ["feeds", "poll"],
    ["feeds", "log", "1"],
    ["enqueue", "{seed}"],
    ["worker"],
    ["console", "--exec", "/help"],
    ["run", "--seeds", "{seed}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
async def test_an_unreachable_postgres_is_one_line_naming_it(
    command: list[str], seed_file: Path, default_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [part.format(seed=seed_file) for part in command]
    code, out, err = await cli(capsys, "--db", UNREACHABLE, *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"error: cannot open PostgreSQL database {REDACTED}: ")
    assert "secret" not in out + err
    assert not await asyncio.to_thread(default_db.exists)


async def test_migrate_store_to_an_unreachable_postgres(
    tmp_path: Path, default_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.db"
    sqlite3.connect(source).close()
    code, out, err = await cli(
        capsys, "migrate-store", "--from", f"sqlite:///{source}", "--to", UNREACHABLE
    )
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert REDACTED in err and "secret" not in out + err
