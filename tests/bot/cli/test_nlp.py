"""The `nlp summarize` / `nlp entities` commands: text, JSON and JSONL output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli.nlp import main

SEED = "seeds/000_e1310f153e144d16.txt"


@pytest.fixture
def seed_text(seed_file: Path) -> str:
    """The seed article as stored, to check offsets against."""
    return seed_file.read_text(encoding="utf-8")


def run(capsys, monkeypatch, argv, stdin=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr().out
    return code, out


def test_summarize_json_has_offsets(capsys, monkeypatch, seed_file, seed_text):
    code, out = run(
        capsys, monkeypatch, ["nlp", "summarize", str(seed_file), "--sentences", "2", "--json"]
    )
    assert code == 0
    result = json.loads(out)
    assert len(result["sentences"]) == 2
    for s in result["sentences"]:
        assert seed_text[s["start"] : s["end"]] == s["text"]
    assert result["summary"].startswith("A delegation of senior Israeli")


def test_summarize_plain_text_from_stdin(capsys, monkeypatch):
    text = "Rain hit Leeds. Roads closed in the city centre. Schools shut early today."
    code, out = run(capsys, monkeypatch, ["nlp", "summarize", "-", "--sentences", "1"], text)
    assert code == 0
    assert len(out.strip().splitlines()) == 1


def test_entities_json(capsys, monkeypatch, seed_file, seed_text):
    code, out = run(capsys, monkeypatch, ["nlp", "entities", str(seed_file), "--json"])
    assert code == 0
    mentions = json.loads(out)
    assert set(mentions[0]) == {"text", "label", "start", "end", "canonical"}
    for m in mentions:
        assert seed_text[m["start"] : m["end"]] == m["text"]
    assert {"NSC", "National Security Council"} <= {m["text"] for m in mentions}


def test_jsonl_batch_keeps_order_and_flags_bad_lines(capsys, monkeypatch):
    lines = [
        json.dumps({"text": "Hamas met in Doha."}),
        "not json",
        json.dumps({"text": "Angela Merkel visited Paris."}),
    ]
    code, out = run(capsys, monkeypatch, ["nlp", "entities", "-", "--jsonl"], "\n".join(lines))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 3
    assert {e["canonical"] for e in rows[0]["entities"]} == {"Hamas", "Doha"}
    assert "error" in rows[1]
    assert {e["canonical"] for e in rows[2]["entities"]} == {"Angela Merkel", "Paris"}


def test_summarize_jsonl_budget(capsys, monkeypatch):
    text = "One two three four five six seven. " * 5
    lines = [json.dumps({"text": text}), json.dumps({"text": ""})]
    code, out = run(
        capsys,
        monkeypatch,
        ["nlp", "summarize", "-", "--jsonl", "--max-words", "10"],
        "\n".join(lines),
    )
    assert code == 0
    first, second = (json.loads(line) for line in out.splitlines())
    assert len(first["summary"].split()) >= 10
    assert second == {"summary": "", "sentences": []}


def test_missing_file_is_one_line_error(capsys, monkeypatch):
    code = main(["nlp", "entities", "/nonexistent/file.txt"])
    assert code == 1
    assert capsys.readouterr().err.count("\n") == 1
