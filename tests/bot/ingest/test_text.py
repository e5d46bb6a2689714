"""The plain-text article format, parsed exactly."""

from pathlib import Path

import pytest

from bot.ingest.text import ArticleFormatError, parse_text


def test_seed_parses_exactly(seed_file: Path) -> None:
    parsed = parse_text(seed_file.read_text(encoding="utf-8"))
    assert parsed.title == "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"
    assert parsed.caption.startswith("Head of the IDF Southern Command Maj. Gen. Herzi Halevi")
    assert parsed.caption.endswith("(Photo: IDF)")
    assert parsed.desk == "YWN Israel Desk"
    assert parsed.dateline == "Jerusalem"
    assert parsed.source == "YWN"
    assert len(parsed.paragraphs) == 9
    # The soft wrap after "IDF’s" becomes one space; typographic apostrophes stay.
    assert parsed.paragraphs[0].startswith(
        "A delegation of senior Israeli security officials headed by the head of the IDF’s "
        "Southern Command, Maj. Gen. Herzi Halevi"
    )
    assert "\n" not in parsed.paragraphs[0]
    assert parsed.paragraphs[-1].startswith("Meanwhile, all of Hamas’s leaders")
    assert all("(YWN" not in p for p in parsed.paragraphs)


def test_file_without_caption_or_byline() -> None:
    parsed = parse_text("Plain title\n\nFirst paragraph\nwrapped.\n\nSecond paragraph.\n")
    assert parsed.title == "Plain title"
    assert parsed.caption == ""
    assert (parsed.desk, parsed.dateline) == ("", "")
    assert parsed.paragraphs == ["First paragraph wrapped.", "Second paragraph."]


def test_crlf_bom_and_extra_blank_lines() -> None:
    parsed = parse_text(
        "\ufeffTitle\r\n\r\n\r\n\r\nBody one.\r\n \r\nBody two.\r\n\r\n(AP – London)"
    )
    assert parsed.title == "Title"
    assert parsed.paragraphs == ["Body one.", "Body two."]
    assert (parsed.desk, parsed.dateline, parsed.source) == ("AP", "London", "AP")


def test_title_without_blank_line_keeps_following_text_as_body() -> None:
    parsed = parse_text("Title\nstraight into the body.\n\nMore.")
    assert parsed.title == "Title"
    assert parsed.paragraphs == ["straight into the body.", "More."]


@pytest.mark.parametrize("text", ["", "   \n\n  ", "???\n\nbody"])
def test_missing_title_is_an_error(text: str) -> None:
    with pytest.raises(ArticleFormatError):
        parse_text(text)
