"""The plain-text article format: title, blank line, optional photo caption, body, byline."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import NewsdeskError

# "(Photo: IDF)" closing the caption paragraph.
_CAPTION = re.compile(r"\(Photo:[^()]*\)\s*$", re.IGNORECASE)
# "(YWN Israel Desk – Jerusalem)": desk, an en/em dash or hyphen, dateline.
_BYLINE = re.compile(r"^\(\s*(?P<desk>[^()]+?)\s+[–—-]\s+(?P<dateline>[^()]+?)\s*\)$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


class ArticleFormatError(NewsdeskError):
    """The text cannot be read as an article (e.g. it has no title)."""


@dataclass(frozen=True)
class ParsedText:
    """The parts of a plain-text article."""

    title: str
    caption: str
    paragraphs: list[str]
    desk: str
    dateline: str

    @property
    def source(self) -> str:
        """The outlet named by the byline: "YWN Israel Desk" → "YWN"; else the whole desk."""
        if self.desk.lower().endswith(" desk"):
            return self.desk.split()[0]
        return self.desk


def _unwrap(paragraph: str) -> str:
    # A single line break inside a paragraph is a soft wrap: it becomes one space.
    return " ".join(line.strip() for line in paragraph.split("\n") if line.strip())


def parse_text(text: str) -> ParsedText:
    """Parse an article in the plain-text format; raise ArticleFormatError if it has no title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks = [b for b in _BLANK_LINES.split(text.strip()) if b.strip()]
    if not blocks:
        raise ArticleFormatError("empty article")
    first_lines = [line.strip() for line in blocks[0].split("\n") if line.strip()]
    title = first_lines[0]
    if not any(ch.isalnum() for ch in title):
        raise ArticleFormatError("missing title (the first line has no words)")
    rest = [_unwrap(b) for b in blocks[1:]]
    if len(first_lines) > 1:
        # No blank line after the title: what follows is still body text.
        rest.insert(0, " ".join(first_lines[1:]))
    caption = ""
    if rest and _CAPTION.search(rest[0]):
        caption = rest.pop(0)
    desk = dateline = ""
    if rest:
        match = _BYLINE.match(rest[-1])
        if match:
            desk, dateline = match["desk"].strip(), match["dateline"].strip()
            rest.pop()
    return ParsedText(title=title, caption=caption, paragraphs=rest, desk=desk, dateline=dateline)
