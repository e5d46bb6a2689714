"""`python -m bot search`: the same Query as /search, the parser's notes printed."""

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.ingest import ingest_drafts
from bot.models import COUNT_CAP, ArticleDraft
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


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--page", "3"], "No results on page 3: 2 articles match, on pages 1 to 1."),
        # The options' own ranges refuse these before a search (the core's refusal of the
        # same is tested in tests/bot/search/test_search.py).
        (["--page", "1001"], "'1001' is not a whole number from 1 to 1,000"),
        # The core refuses a page past the last one at the page size (the first COUNT_CAP).
        (["--page", "101"], "Pages go from 1 to 100: a search shows its first 1,000 articles"),
        (["--page", "21", "--limit", "50"], "Pages go from 1 to 20: a search shows its first"),
        (["--limit", "0"], "'0' is not a whole number from 1 to 100"),
        (["--limit", "-1"], "'-1' is not a whole number from 1 to 100"),
    ],
)
def test_pages_out_of_range_are_said_not_reported_as_no_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], said: str
) -> None:
    """Issue 16, class 11: `search --page 201` (clamped) and `--limit 0` or `-1` answered
    "No articles match" and a suggestion, though articles matched."""
    db = tmp_path / "news.db"
    asyncio.run(_archive(db))

    try:
        code = main(["--db", str(db), "search", "harbour", *options])
    except SystemExit as exit:  # argparse refuses an option out of its range
        code = exit.code
    assert code != 0

    printed = capsys.readouterr()
    assert said in printed.out + printed.err
    assert "No articles match" not in printed.out + printed.err


def test_a_total_counted_to_the_cap_prints_as_at_least(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "news.db"

    async def archive() -> None:
        async with await open_store(db) as store:
            drafts = [
                ArticleDraft(f"Harbour day {n}", "Ships return.", f"h:{n}")
                for n in range(COUNT_CAP + 3)
            ]
            await ingest_drafts(store, drafts)

    asyncio.run(archive())
    assert main(["--db", str(db), "search", "harbour"]) == 0
    assert "1,000+ articles · page 1 of 100+" in capsys.readouterr().out
    # The last page a reader can turn to holds the 1,000th result; past it is one error line
    # (pages went on to 200: past the 100th, hits "of 100", or a total counted past the cap).
    assert main(["--db", str(db), "search", "harbour", "--page", "100"]) == 0
    printed = capsys.readouterr().out
    assert "1,000+ articles · page 100 of 100+" in printed and "Harbour day" in printed
    assert main(["--db", str(db), "search", "harbour", "--page", "150"]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.strip() == (
        "error: Pages go from 1 to 100: a search shows its first 1,000 articles, 10 a page."
    )
    assert main(["--db", str(db), "search", "harbour", "--json"]) == 0
    printed = capsys.readouterr().out
    assert '"total": 1000' in printed and '"total_at_least": true' in printed
    assert '"pages": 100' in printed and '"pages_at_least": true' in printed
