"""The `nlp quotes` command: plain text, JSON and JSONL output, and the size cap said aloud."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.cli import nlp as cli
from bot.cli.nlp import main
from bot.nlp import quotes


def run(capsys, monkeypatch, argv, stdin=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_gives_quote_speaker_and_offsets(capsys, monkeypatch, seed_file: Path):
    seed_text = seed_file.read_text(encoding="utf-8")
    code, out, _ = run(capsys, monkeypatch, ["nlp", "quotes", str(seed_file), "--json"])
    assert code == 0
    result = json.loads(out)
    assert list(result) == ["quotes"]
    [quote] = result["quotes"]
    assert set(quote) == {"quote", "speaker", "start", "end"}
    assert seed_text[quote["start"] : quote["end"]] == quote["quote"]
    assert quote["quote"] == "pre-determined long-term period of time."
    assert quote["speaker"] in (None, "Hamas")


def test_plain_text_names_the_speaker(capsys, monkeypatch):
    text = '"We will win the next election," said Boris Johnson. "Easily," he added.'
    code, out, _ = run(capsys, monkeypatch, ["nlp", "quotes", "-"], text)
    assert code == 0
    assert out.splitlines() == ["Boris Johnson\tWe will win the next election,"]


def test_jsonl_one_line_per_input_in_order(capsys, monkeypatch):
    lines = [
        json.dumps({"text": '"Europe must act together on energy," Angela Merkel told Reuters.'}),
        "not json",
        json.dumps({"text": "No quotations here at all."}),
        json.dumps({"title": "no text key"}),
    ]
    code, out, _ = run(capsys, monkeypatch, ["nlp", "quotes", "-", "--jsonl"], "\n".join(lines))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 4
    assert rows[0] == {
        "quotes": [
            {
                "quote": "Europe must act together on energy,",
                "speaker": "Angela Merkel",
                "start": 1,
                "end": 36,
            }
        ]
    }
    assert "error" in rows[1] and "error" in rows[3]
    assert rows[2] == {"quotes": []}


def test_huge_text_is_read_up_to_the_cap_and_says_so(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(quotes, "MAX_CHARS", 400)
    monkeypatch.setattr(cli, "MAX_QUOTE_CHARS", 400)
    huge = tmp_path / "huge.txt"
    huge.write_text(
        '"We will win the next election," said Boris Johnson. ' + "Filler words. " * 200_000,
        encoding="utf-8",
    )
    code, out, err = run(capsys, monkeypatch, ["nlp", "quotes", str(huge), "--json"])
    assert code == 0
    result = json.loads(out)
    assert result["capped_at"] == 400
    assert [q["speaker"] for q in result["quotes"]] == ["Boris Johnson"]
    assert "quotes were looked for in the first 400 only" in err


def test_cli_cap_matches_the_extractor():
    assert cli.MAX_QUOTE_CHARS == quotes.MAX_CHARS


def test_unreadable_file_is_one_plain_line(capsys, monkeypatch, tmp_path):
    code, out, err = run(capsys, monkeypatch, ["nlp", "quotes", str(tmp_path / "missing.txt")])
    assert code == 1
    assert out == ""
    assert err.startswith("error: cannot read ")
