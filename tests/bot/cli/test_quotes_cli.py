"""`python -m bot quotes NAME [--days N] [--json]`: an entity's quotations from the store,
one quotation carried by two outlets printed once with the other named."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import open_store
from tests.bot.insights.corpus import add_quotes

HALEVI = ("Herzi Halevi", "PERSON")


async def quoted_database(path: Path) -> None:
    async with await open_store(path) as store:
        await add_quotes(store, 1, HALEVI, ["We are ready to talk."], "2026-03-01", source="AP")
        await add_quotes(store, 2, HALEVI, ["We are ready to talk."], "2026-03-02", source="BBC")


def test_quotes_lists_each_quotation_once_with_the_other_outlets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "news.db"
    asyncio.run(quoted_database(db))

    assert main(["--db", str(db), "quotes", "Herzi", "Halevi"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.count("We are ready to talk.") == 1
    assert "“We are ready to talk.” — BBC · 2026-03-02 · #2 · also in 1: AP" in out

    assert main(["--db", str(db), "quotes", "herzi halevi", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entity"]["name"] == "Herzi Halevi"
    assert [(q["quote"], q["source"], q["also_in"]) for q in data["quotes"]] == [
        ("We are ready to talk.", "BBC", ["AP"])
    ]


def test_days_out_of_range_and_unknown_names_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "news.db"
    asyncio.run(quoted_database(db))
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(db), "quotes", "Herzi Halevi", "--days", "0"])
    assert exit_.value.code == 2
    assert "'0' is not a whole number from 1 to 365" in capsys.readouterr().err

    assert main(["--db", str(db), "quotes", "Nobody"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "No entity called “Nobody”" in err
