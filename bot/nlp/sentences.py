"""Sentence segmentation for news: spaCy's senter plus fixes for paragraphs, abbreviations,
quotes and datelines, and tagging of titles, captions and bylines (never summarised)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from spacy.tokens import Doc

Role = Literal["body", "title", "caption", "byline"]

# Words that end in a full stop but never end a sentence in news copy: a name or a number
# always follows them. ("U.S." / "Inc." can end a sentence, so they are handled by case.)
_NEVER_FINAL = frozenset(
    [
        "Mr.",
        "Mrs.",
        "Ms.",
        "Messrs.",
        "Dr.",
        "Gen.",
        "Maj.",
        "Lt.",
        "Col.",
        "Capt.",
        "Cpt.",
        "Sgt.",
        "Cpl.",
        "Pvt.",
        "Adm.",
        "Cmdr.",
        "Cdr.",
        "Brig.",
        "Gov.",
        "Sen.",
        "Rep.",
        "Rev.",
        "Prof.",
        "Hon.",
        "Pres.",
        "Supt.",
        "Insp.",
        "Det.",
        "Amb.",
        "Fr.",
        "St.",
        "Mt.",
        "Ft.",
        "No.",
        "Nos.",
        "vs.",
        "v.",
        "Jan.",
        "Feb.",
        "Mar.",
        "Apr.",
        "Aug.",
        "Sep.",
        "Sept.",
        "Oct.",
        "Nov.",
        "Dec.",
        "approx.",
        "e.g.",
        "i.e.",
        "cf.",
        "Gens.",
        "Lts.",
        "Reps.",
        "Sens.",
    ]
)
_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"(?<=[.!?:\"”’)])[ \t]*\n\s*")
_CLOSERS = "”’\"')]"
# "WASHINGTON (Reuters) - ", "GAZA CITY, Jan 5 (AP) — ", "LONDON — ".
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’\-]{2,}(?:[ ][A-Z][A-Z.'’\-]+)*(?:,[ ][A-Za-z.]+(?:[ ]\d{1,2})?)*"
    r"[ ]*(?:\([A-Za-z .&/-]{2,30}\))?[ ]*[-–—]+[ ]+(?=\S)"
)
_CAPTION = re.compile(
    r"\((?:photo|image|picture|video|credit|file photo|photo credit)s?\b[^)]*\)\s*$"
    r"|^(?:photo|image|picture|caption|file photo)\s*:"
    r"|\b(?:getty images|ap photo|afp photo|reuters/)",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:by|reporting by|writing by|editing by|additional reporting by|compiled by|"
    r"read more|click here|follow us|sign up|subscribe|copyright|©|all rights reserved)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """A sentence's character span in the text and the role of its paragraph."""

    start: int
    end: int
    role: Role


def _hard_breaks(text: str) -> list[int]:
    """Positions where a new sentence must start: paragraph starts and line ends after
    terminal punctuation (single newlines elsewhere are hard wraps inside a sentence)."""
    breaks = {m.end() for m in _PARAGRAPH_BREAK.finditer(text)}
    breaks |= {m.end() for m in _LINE_BREAK.finditer(text)}
    return sorted(b for b in breaks if b < len(text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _should_merge(prev: str, nxt: str) -> bool:
    """True when the senter split after something that cannot end a sentence."""
    last_word = prev.rsplit(None, 1)[-1] if prev.split() else ""
    if last_word in _NEVER_FINAL or _INITIAL.search(prev):
        return True
    first = nxt.lstrip(_CLOSERS + " ")[:1]
    if not first or first.islower() or first in ",;:%)]":
        return True
    # Inside an open parenthesis: "(which was founded in 1990. by J. R. Smith)".
    return prev.count("(") > prev.count(")")


def _move_closers(text: str, spans: list[list[int]]) -> None:
    """Give a closing quote that the senter attached to the next sentence back to its owner."""
    for prev, nxt in itertools.pairwise(spans):
        if text[prev[1] : nxt[0]].strip():
            continue
        pos = nxt[0]
        owner = text[prev[0] : prev[1]]
        while pos < nxt[1] and (
            text[pos] == "”" or (text[pos] == '"' and owner.count('"') % 2 == 1)
        ):
            pos += 1
        if pos > nxt[0]:
            prev[1] = pos
            nxt[0], nxt[1] = _trim(text, pos, nxt[1])


def split_spans(text: str, starts: Iterable[int]) -> list[tuple[int, int]]:
    """Turn candidate sentence starts into fixed, trimmed sentence spans."""
    hard = _hard_breaks(text)
    cuts = sorted({0, *starts, *hard})
    hard_set = set(hard)
    spans: list[list[int]] = []
    for i, cut in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else len(text)
        start, stop = _trim(text, cut, end)
        if start >= stop:
            continue
        is_hard = cut == 0 or cut in hard_set
        if (
            spans
            and not is_hard
            and _should_merge(text[spans[-1][0] : spans[-1][1]], text[start:stop])
        ):
            spans[-1][1] = stop
        else:
            spans.append([start, stop])
    _move_closers(text, spans)
    return [(a, b) for a, b in spans if a < b]


def _paragraph_role(paragraph: str, index: int, has_more: bool) -> Role:
    stripped = paragraph.strip()
    words = stripped.split()
    if _CAPTION.search(stripped):
        return "caption"
    if _BYLINE.match(stripped) and len(words) <= 25:
        return "byline"
    if stripped.startswith("(") and stripped.endswith(")") and len(words) <= 12:
        return "byline"
    single_line = "\n" not in stripped
    if index == 0 and has_more and single_line and len(words) <= 20 and stripped[-1] not in ".!?":
        return "title"
    return "body"


def segment(doc: Doc, text: str | None = None) -> list[SentenceSpan]:
    """Sentences of a processed document, with datelines cut off and paragraph roles set;
    `text` is the doc's text when the caller has it (Doc.text joins every token)."""
    text = doc.text if text is None else text
    starts = [sent.start_char for sent in doc.sents]
    return segment_text(text, starts)


def segment_text(text: str, starts: Iterable[int]) -> list[SentenceSpan]:
    """Like `segment`, from raw text and the model's candidate sentence starts."""
    paragraphs = [0, *(m.end() for m in _PARAGRAPH_BREAK.finditer(text)), len(text) + 1]
    result: list[SentenceSpan] = []
    para = 0
    roles: dict[int, Role] = {}
    for start, end in split_spans(text, starts):
        while start >= paragraphs[para + 1]:
            para += 1
        if para not in roles:
            p_start, p_end = paragraphs[para], min(paragraphs[para + 1], len(text))
            has_more = bool(text[p_end:].strip())
            roles[para] = _paragraph_role(text[p_start:p_end], para, has_more)
            match = _DATELINE.match(text, start)
            if match and roles[para] == "body" and match.end() < end:
                start = match.end()
        result.append(SentenceSpan(start, end, roles[para]))
    return result


# Candidate sentence starts without a model: a full stop (maybe closing a quote) before a
# capital or a digit; `segment_text` keeps abbreviations, initials and datelines together.
_ROUGH_START = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")


def body_opening(body: str, chars: int) -> str:
    """The body up to `chars` characters, cut after the last line break (else sentence end,
    else space) in its second half, so no sentence is read cut in two: what a reader of a
    story's first sentences needs of a 1,000,000-character page."""
    if len(body) <= chars:
        return body
    window = body[:chars]
    for mark in ("\n", ". ", " "):
        cut = window.rfind(mark)
        if cut >= chars // 2:
            return window[: cut + len(mark)]
    return window


def body_sentences(text: str) -> list[str]:
    """The body sentences of a text without a model (captions and bylines left out): for
    articles the NLP step has not read, and cards that have no stored analysis."""
    starts = [m.end() for m in _ROUGH_START.finditer(text)]
    return [text[s.start : s.end] for s in segment_text(text, starts) if s.role == "body"]
