"""One bad file or record never stops a batch: it is reported once, with a one-line reason,
and every other file in the folder still loads."""

import json
import tracemalloc
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from bot.ingest import files, ingest_paths
from bot.ingest.files import read_file
from bot.store import Store

GOOD = {"title": "Harbour reopens", "body": "Ships sail again from the northern harbour."}
# A JSON Lines record far over the 64 KiB line cap the tests set.
HUGE_LINE = json.dumps({"title": "Huge", "body": "x" * 200_000}) + "\n"


def _record(title: str) -> str:
    return json.dumps({"title": title, "body": f"{title}: the wire's report in full."})


def hostile_folder(folder: Path) -> Path:
    """A good file, 500-deep metadata, 100k-deep JSON, an oversized JSONL line, a good file."""
    folder.mkdir()
    (folder / "a_good.json").write_text(json.dumps(GOOD), encoding="utf-8")
    deep = "[" * 500 + "]" * 500
    (folder / "b_deep.json").write_text(
        f'{{"title": "Deep", "body": "Nested.", "extra": {deep}}}', encoding="utf-8"
    )
    (folder / "c_deeper.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    lines = [_record("Line one") + "\n", HUGE_LINE, _record("Line three") + "\n"]
    (folder / "d_lines.jsonl").write_text("".join(lines), encoding="utf-8")
    (folder / "e_good.txt").write_text(
        "Ferries resume\n\nThe ferries sail on time again.\n", encoding="utf-8"
    )
    return folder


async def test_bad_files_and_records_are_skipped_once_and_the_rest_loads(
    store: Store, tmp_path: Path
) -> None:
    folder = hostile_folder(tmp_path / "inbox")

    report = await ingest_paths(store, [folder], max_line_bytes=64 * 1024)

    stored = {a.title for a in await store.latest_articles(10)}
    assert stored == {"Harbour reopens", "Line one", "Line three", "Ferries resume"}
    assert len(report.added) == 4
    reasons = sorted((s.where.rsplit("/", 1)[-1], s.reason) for s in report.skipped)
    assert reasons == [
        ("b_deep.json", "nested more than 64 levels deep"),
        ("c_deeper.json", "nested more than 64 levels deep"),
        ("d_lines.jsonl:2", f"line 2 is {len(HUGE_LINE):,} bytes, over 65,536 bytes"),
    ]
    assert await store.check_integrity() == []


def test_the_command_line_reports_each_bad_file_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile_folder(tmp_path / "inbox")
    monkeypatch.setattr(files, "MAX_LINE_BYTES", 64 * 1024)
    monkeypatch.chdir(tmp_path)  # short relative paths: each line fits the terminal

    status = cli_main(["--db", "cli.db", "ingest", "--no-nlp", "inbox"])

    output = capsys.readouterr().out.splitlines()
    assert status == 0
    assert [line for line in output if line.startswith("skipped")] == [
        "skipped file:inbox/b_deep.json: nested more than 64 levels deep",
        "skipped file:inbox/c_deeper.json: nested more than 64 levels deep",
        f"skipped file:inbox/d_lines.jsonl:2: line 2 is {len(HUGE_LINE):,} bytes, over 65,536 "
        "bytes",
    ]
    assert output[-1].startswith("4 added, 0 updated, 0 already stored, 3 skipped")


def test_an_oversized_line_is_refused_while_reading_never_held_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(_record("Before") + "\n")
        handle.write('{"title": "Huge", "body": "' + "x" * 4_000_000 + '"}\n')
        handle.write(_record("After") + "\n")

    tracemalloc.start()
    try:
        items = list(read_file(path, max_line_bytes=64 * 1024))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    titles = [item.title for _, item in items if not isinstance(item, str)]
    reasons = [item for _, item in items if isinstance(item, str)]
    assert titles == ["Before", "After"]
    assert reasons == ["line 2 is 4.0 MB, over 65,536 bytes"]
    assert peak < 1_000_000  # a 4 MB line, never read into memory whole


async def test_an_unexpected_failure_in_one_file_skips_that_file_only(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(GOOD), encoding="utf-8")
    (folder / "b.weird").write_text("anything", encoding="utf-8")
    (folder / "c.txt").write_text("Ferries resume\n\nOn time again.\n", encoding="utf-8")

    def broken_reader(path: Path, text: str, origin: str) -> files.Parsed:
        raise ValueError("reader bug\nsecond line of detail")

    monkeypatch.setitem(files.READERS, ".weird", broken_reader)

    report = await ingest_paths(store, [folder])

    titles = sorted(a.title for a in await store.latest_articles(10))
    skipped = [(s.where.rsplit("/", 1)[-1], s.reason) for s in report.skipped]
    assert titles == ["Ferries resume", "Harbour reopens"]
    assert skipped == [("b.weird", "could not be read (ValueError: reader bug)")]


async def test_a_number_json_does_not_have_is_kept_as_text_on_both_backends(
    store: Store, tmp_path: Path
) -> None:
    # Python's json reads NaN and ±Infinity, which JSON has not; PostgreSQL's jsonb refused
    # the metadata, and with it the whole batch of files (found by test_hostile_records).
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a_odd.json").write_text(
        '{"title": "Odd", "body": "Scores.", "low": -Infinity, "high": Infinity, "x": NaN}'
    )
    (inbox / "b_good.json").write_text(json.dumps(GOOD), encoding="utf-8")

    report = await ingest_paths(store, [inbox])

    assert (len(report.added), report.skipped) == (2, [])
    odd = next(a for a in await store.latest_articles(10) if a.title == "Odd")
    assert (odd.metadata["low"], odd.metadata["high"], odd.metadata["x"]) == (
        "-Infinity",
        "Infinity",
        "NaN",
    )
