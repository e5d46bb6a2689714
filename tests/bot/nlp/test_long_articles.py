"""Articles the model cannot take whole (issue 16, class 3): a long article is analysed in
sentence-safe chunks (spaCy alone refuses 1,000,000 characters and its memory grows with a
text's length), its offsets, sentences and entities those of the whole text; past
MAX_ANALYSED_CHARS (below spaCy's limit) it is refused with a reason that is recorded (a start
does not try it again), said in one line, and `enrich` exits 1."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main as cli_main
from bot.errors import NewsdeskError
from bot.models import ArticleDraft
from bot.nlp import ArticleInput, analyze_texts, close_default
from bot.nlp.analysis import CHUNK_CHARS, MAX_ANALYSED_CHARS, chunks, parse
from bot.nlp.enrichment import NLP_VERSION, NlpFailure, enrich_articles, enrich_pending
from bot.nlp.errors import ArticleTooLong
from bot.nlp.lookup import article_summary
from bot.nlp.pipeline import get_nlp
from bot.store import Store
from tests.bot.nlp.test_stored_analyses import CountingService

OPENING = "Herzi Halevi met Hamas leaders in Doha on Monday.\n\n"
CLOSING = "\n\nLater, Herzi Halevi flew back from Qatar to Jerusalem on Tuesday.\n"


def filler(length: int) -> str:
    """Text that is long in characters but short in tokens, so the model's time stays small:
    words of 4,999 letters."""
    word = "x" * 4999 + " "
    return (word * (length // len(word) + 1))[:length]


def long_body(length: int) -> str:
    return OPENING + filler(length - len(OPENING) - len(CLOSING)) + CLOSING


@settings(deadline=None)
@given(
    text=st.text(st.sampled_from("ab .!?\n\t”"), max_size=3000),
    size=st.integers(min_value=20, max_value=400),
)
def test_chunks_join_back_to_the_text_and_end_where_a_sentence_can(text: str, size: int) -> None:
    pieces = chunks(text, size)
    assert "".join(pieces) == text
    assert all(len(piece) <= size for piece in pieces)
    for piece in pieces[:-1]:
        tail = piece[size // 2 :]
        # A piece is cut mid-word only when the last half of its window has no space at all.
        assert piece[-1].isspace() or not any(c.isspace() for c in tail)
        if "\n\n" in tail:  # a paragraph break there: the piece ends after one
            assert piece.rstrip(" \t\n").count("\n\n") < piece.count("\n\n") or piece.endswith("\n")


def test_a_long_article_is_analysed_whole_in_chunks() -> None:
    body = long_body(MAX_ANALYSED_CHARS - 100)
    assert len(body) > 40 * CHUNK_CHARS
    analysis = analyze_texts([ArticleInput(body, "Halevi in Doha", "")])[0]

    assert all(body[s.start : s.end] == s.text for s in analysis.sentences)
    assert analysis.sentences[-1].text.strip() == CLOSING.strip()
    halevi = [m for m in analysis.mentions if m.canonical == "Herzi Halevi"]
    late = [m for m in halevi if m.start > len(body) - CHUNK_CHARS]
    assert late, "the name in the last chunk is found, at its offset in the whole text"
    assert all(body[m.start : m.end] == m.text for m in analysis.mentions if m.section == "body")
    assert analysis.sentences[late[0].sentence].text.startswith("Later, Herzi Halevi")
    # Both mentions resolve to one entity, named twice.
    assert {m.canonical for m in halevi} == {"Herzi Halevi"} and len(halevi) >= 2


def test_the_docs_parsed_hold_the_texts_given_so_the_analysis_reads_those() -> None:
    """The analysis reads the texts it was given, not Doc.text (which joins every token each
    time): a chunked long text's joined doc, a short one's and an empty one's hold exactly
    them, whitespace and line breaks included."""
    texts = [long_body(4 * CHUNK_CHARS), "Two  spaces,\ta tab.\n\nA paragraph. ", ""]
    with get_nlp().memory_zone():
        assert [doc.text for doc in parse(texts)] == texts


def test_an_article_past_the_cap_is_refused_with_its_length() -> None:
    body = filler(MAX_ANALYSED_CHARS - 3)
    with pytest.raises(ArticleTooLong, match=f"{MAX_ANALYSED_CHARS + 1:,} characters"):
        analyze_texts([ArticleInput(body, "Huge", "")])  # with the title, one too many


async def store_huge(store: Store) -> int:
    async with store.transaction():
        stored = await store.store_article(
            ArticleDraft(title="Huge", body=long_body(MAX_ANALYSED_CHARS + 10), origin="t:h"),
            "2026-03-01T09:00:00+00:00",
        )
    return stored.article_id


async def test_a_failure_is_recorded_once_and_not_retried_by_the_next_start(
    store: Store, service: CountingService
) -> None:
    article_id = await store_huge(store)
    told: list[NlpFailure] = []

    assert await enrich_articles(store, [article_id], service, on_failure=told.append) == 0
    assert len(told) == 1 and "too long to analyse" in told[0].reason
    assert service.calls == 0  # refused before the model is asked
    failures = await store.analysis_failures(NLP_VERSION)
    assert failures == {article_id: told[0].reason}

    # A start (and `enrich`) finds nothing to do: it is not tried, nor reported, again.
    assert await store.articles_needing_analysis(NLP_VERSION) == []
    assert await enrich_pending(store, service, on_failure=told.append) == 0
    assert len(told) == 1
    # Newer NLP code tries it again.
    assert await store.articles_needing_analysis(NLP_VERSION + "-next") == [article_id]

    with pytest.raises(NewsdeskError, match=r"could not be analysed: too long to analyse"):
        await article_summary(store, article_id, service=service)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    """Run a command in-process: its status and its lines (log lines on stderr left out,
    but never a traceback)."""
    capsys.readouterr()
    code = cli_main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "E088" not in captured.err, captured.err
    logged = (" INFO ", " DEBUG ")
    errors = [line for line in captured.err.splitlines() if not any(x in line for x in logged)]
    return code, captured.out.strip().splitlines() + errors


def write_article(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"Halevi in Doha\n\n{body}", encoding="utf-8")
    return path


def test_the_command_line_analyses_a_long_article_and_names_one_it_cannot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], close_nlp: Callable[[], None]
) -> None:
    db = str(tmp_path / "news.db")
    long = write_article(tmp_path, "long.txt", long_body(MAX_ANALYSED_CHARS - 100))
    code, lines = cli(capsys, "--db", db, "ingest", str(long))
    assert code == 0, lines
    assert not any("Traceback" in line or "E088" in line for line in lines)
    assert "1 added, 0 updated, 0 already stored, 0 skipped" in " ".join(lines)
    code, lines = cli(capsys, "--db", db, "entity", "Herzi Halevi")
    assert code == 0 and any("Later, Herzi Halevi flew back" in line for line in lines)

    huge = write_article(tmp_path, "huge.txt", long_body(MAX_ANALYSED_CHARS + 100))
    code, lines = cli(capsys, "--db", db, "ingest", str(huge))
    assert code == 0
    # Title and body as stored (the file's trailing line break is not part of the body).
    reason = rf"too long to analyse: 500,1\d\d characters \(at most {MAX_ANALYSED_CHARS:,}\)"
    told = [line for line in lines if "not analysed" in line]
    assert len(told) == 1 and re.fullmatch(f"not analysed #2: {reason}", told[0]), lines
    code, lines = cli(capsys, "--db", db, "summary", "2")
    assert code == 2 and len(lines) == 1
    assert re.fullmatch(f"error: Article #2 could not be analysed: {reason}\\.", lines[0])


def test_enrich_exits_1_naming_the_article_it_could_not_analyse_then_does_not_retry_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "news.db")
    huge = write_article(tmp_path, "huge.txt", long_body(MAX_ANALYSED_CHARS + 100))
    assert cli(capsys, "--db", db, "ingest", "--no-nlp", str(huge))[0] == 0

    code, lines = cli(capsys, "--db", db, "enrich")
    assert code == 1
    assert lines[0] == "0 articles analysed"
    assert lines[1].startswith("not analysed #1: too long to analyse")
    assert len(lines) == 2

    code, lines = cli(capsys, "--db", db, "enrich")
    assert code == 0
    assert lines == [
        "0 articles analysed",
        "1 article could not be analysed before and is not tried again until the text or the "
        "NLP code changes: #1 (`summary ID` says why)",
    ]


@pytest.fixture
def service() -> CountingService:
    return CountingService()


@pytest.fixture
def close_nlp() -> Iterator[Callable[[], None]]:
    """`ingest` analyses in the shared worker process: stop it after the test."""
    yield close_default
    close_default()
