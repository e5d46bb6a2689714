"""`python -m bot search`: the same Query as /search, the parser's notes printed."""

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.store import open_store


async def _archive(path: Path) -> None:
    async with await open_store(path) as store:
        await ingest_drafts(
            store,
            [
                ArticleDraft("Harbour reopens", "Ships return.", "t:1", source="Wire"),
                ArticleDraft("Harbour strike", "Dockers walk out.", "t:2", source="AP"),
            ],
        )


def test_search_prints_hits_and_what_the_word_limit_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "news.db"
    asyncio.run(_archive(db))
    words = " OR ".join(["harbour", *(f"n{n}" for n in range(19))])

    assert main(["--db", str(db), "search", words, "--source", "ap"]) == 0

    printed = capsys.readouterr().out
    assert "Harbour strike" in printed and "Harbour reopens" not in printed
    assert "note: only the first 16 of 20 words were used" in printed
