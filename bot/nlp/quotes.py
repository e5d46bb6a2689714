"""Who said what: direct quotations in an article's body and their speakers, resolved to the
canonical entities the NLP step found (`find_quotes`; the NLP step runs it on every article,
so `Analysis.quotes` holds them, and `bot.nlp.analysis.quotes_of_texts` finds them in raw
texts).

Quote marks are paired by position (straight and curly marks alike); a quotation that runs
on into the next paragraph, or into a new opening mark after a full stop, is one chain of
pieces sharing a speaker. Single quoted words, and two- or three-word phrases with no verb
of saying in their sentence, are terms or scare quotes, not quotations. Speakers are found
by `bot.nlp.quotes_speakers` from the sentence around each quotation. The work is linear in
the text's length, which is capped at MAX_CHARS.
"""

from __future__ import annotations

import itertools
import re

from bot.models.analysis import Analysis
from bot.models.quote import Quote
from bot.nlp.quotes_speakers import Attribution, Piece, attribute

#: Characters of a text looked at; an article longer than this is read up to here only
#: (bot.cli.nlp repeats it as MAX_QUOTE_CHARS; a test keeps the two equal).
MAX_CHARS = 100_000

_OPENERS = "“«„"
_CLOSERS = "”»"
_MARKS = re.compile(r"[\"“”«»„]")
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# A mark after these (or at a paragraph start) opens a quotation.
_BEFORE_OPEN = "([{—–-/:;\n\t "
# A mark before these (or at the end) closes one.
_AFTER_CLOSE = ".,;:!?)]}—–-\n\t "
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def cap_text(text: str) -> str:
    """The part of a text quotations are looked for in: at most MAX_CHARS characters."""
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS]


def _kind(text: str, i: int) -> str:
    """Whether the mark at i opens, closes or could do either ("either")."""
    mark = text[i]
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if mark in _OPENERS:
        return "open"
    if mark in _CLOSERS:
        return "close"
    if before in _BEFORE_OPEN and after not in _AFTER_CLOSE:
        return "open"
    if after in _AFTER_CLOSE and before not in _BEFORE_OPEN:
        return "close"
    return "either"


def scan(text: str) -> list[Piece]:
    """Every stretch of text between quote marks, paragraph by paragraph, in text order.

    An unclosed quotation ends at its paragraph's end, or where a new opening mark follows
    a full stop; the pieces of one such run share a `chain` number.
    """
    pieces: list[Piece] = []
    bounds = [0, *(m.end() for m in _PARAGRAPH.finditer(text)), len(text)]
    chain = 0
    carried = False  # the previous paragraph ended inside a quotation
    for p_start, p_end in itertools.pairwise(bounds):
        opened = -1
        first_mark = True
        for match in _MARKS.finditer(text, p_start, p_end):
            i = match.start()
            kind = _kind(text, i)
            if opened < 0:
                if kind == "close":
                    continue  # a stray closing mark (inches, a typo)
                if not (first_mark and carried and i == p_start):
                    chain += 1  # a new quotation, not the last one's next paragraph
                opened = i
            elif kind == "open":
                # An opening mark inside a quotation: the quotation went on in a new
                # (merged) paragraph. End this piece, start the next one of the chain.
                _add(pieces, text, opened, i, chain, closed=False)
                opened = i
            else:
                _add(pieces, text, opened, i, chain, closed=True)
                opened = -1
            first_mark = False
        carried = opened >= 0
        if carried:
            _add(pieces, text, opened, p_end, chain, closed=False)
    return pieces


def _add(pieces: list[Piece], text: str, mark: int, stop: int, chain: int, closed: bool) -> None:
    words = text[mark + 1 : stop]
    start = stop - len(words.lstrip())  # without the spaces inside the marks
    end = mark + 1 + len(words.rstrip())
    if start < end:
        pieces.append(Piece(start, end, mark, stop if closed else -1, chain))


def word_count(text: str) -> int:
    """Words in a quotation ("ill-advised" is one)."""
    return len(_WORD.findall(text))


def find_quotes(text: str, analysis: Analysis) -> list[Quote]:
    """Quotations in an analysed body text, in text order, each with its speaker.

    `analysis` must be the analysis of `text` (its offsets are used); text past MAX_CHARS
    is not looked at.
    """
    text = cap_text(text)
    pieces = scan(text)
    if not pieces:
        return []
    attributions = attribute(text, pieces, analysis)
    quotes = []
    for piece, found in zip(pieces, attributions, strict=True):
        if not _is_quotation(text, piece, found):
            continue
        quotes.append(
            Quote(
                quote=text[piece.start : piece.end],
                speaker=found.speaker,
                start=piece.start,
                end=piece.end,
                speaker_label=found.label,
            )
        )
    return quotes


def _is_quotation(text: str, piece: Piece, found: Attribution) -> bool:
    """Quotations are someone's words: not single quoted words, nor short phrases or
    titles that no verb of saying attributes."""
    words = text[piece.start : piece.end]
    count = word_count(words)
    if count <= 1:
        return False
    if count <= 3:
        return found.has_verb or found.chained
    if found.has_verb or found.chained or found.speaker is not None:
        return True
    # Title Case with no attribution: the name of a work or a slogan, not someone's words.
    capitalised = [w for w in _WORD.findall(words) if len(w) > 3]
    return not capitalised or not all(w[0].isupper() for w in capitalised)


__all__ = ["MAX_CHARS", "Quote", "cap_text", "find_quotes", "scan"]
