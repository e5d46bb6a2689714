"""The news domain's plain data: articles as parsed and as stored, and search results here;
what NLP finds in `analysis`, entities as readers meet them in `entity`, who said what in
`quote`, name keys in `text`."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.models.text import strip_controls

_SPACE = re.compile(r"\s+")
# Characters folded in one piece. Each step of the folding is one C call that holds the GIL
# for its whole length: on a 2,000,000-character page, 150 ms at a time, and the event loop
# stalled behind the ingest thread hashing it (found by the soak).
PIECE_CHARS = 65_536
# Where a long text is cut into pieces: after a line break followed by an ASCII letter or
# digit. No step of the folding joins characters across it (NFKC composes nothing with a
# line break, and the run of spaces it ends is wholly in the piece before).
_PIECE_END = re.compile(r"\n(?=[A-Za-z0-9])")


def normalise_text(text: str, *, piece_chars: int = PIECE_CHARS) -> str:
    """Fold text for comparison: no control characters, NFKC, typographic quotes to ASCII,
    casefold, collapse spaces (so an article's hash is the same before and after ingest takes
    its control characters out). A long text is folded in pieces of about `piece_chars`,
    which gives the same text as folding it whole."""
    if len(text) <= piece_chars:
        return _folded(text).strip()
    return "".join(_folded(piece) for piece in _pieces(text, piece_chars)).strip()


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", strip_controls(text))
    return _SPACE.sub(" ", text.translate(_QUOTES).casefold())


def _pieces(text: str, piece_chars: int) -> Iterator[str]:
    """`text` cut after line breaks (see _PIECE_END) into pieces of `piece_chars` or more."""
    start = 0
    while len(text) - start > piece_chars:
        cut = _PIECE_END.search(text, start + piece_chars - 1)
        if cut is None:
            break
        yield text[start : cut.end()]
        start = cut.end()
    yield text[start:]


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class ArticleDraft:
    """An article as read from a file, JSON or a feed, before it has an id."""

    title: str
    body: str
    origin: str
    caption: str = ""
    source: str = ""
    desk: str = ""
    dateline: str = ""
    author: str = ""
    url: str | None = None
    published_at: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # How the feed or record filed it ("Politics", "UK"): what `category:` terms match.
    categories: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> list[str]:
        """The body split into its paragraphs."""
        return [p for p in self.body.split("\n\n") if p]

    @functools.cached_property
    def content_hash(self) -> str:
        """A hash of the normalised title and body: equal for the same story re-spaced."""
        digest = hashlib.sha256()
        digest.update(normalise_text(self.title).encode())
        digest.update(b"\x00")
        digest.update(normalise_text(self.body).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class Article(ArticleDraft):
    """An article as stored, with its id and bookkeeping times (ISO-8601 UTC)."""

    id: int = 0
    ingested_at: str = ""
    updated_at: str = ""

    @property
    def when(self) -> str:
        """The date readers care about: publication if known, else when it was ingested."""
        return self.published_at or self.ingested_at


@dataclass(frozen=True)
class SearchHit:
    """One search result: the article's headline facts and a snippet with \x02marked\x03 terms."""

    id: int
    title: str
    source: str
    url: str | None
    when: str
    snippet: str
    score: float


# Searches count their matches to here: no reader pages past it (bot/search/paging.py: 200
# pages of 5, 100 of 10), so a total of exactly this many means "at least this many". The
# search index stops at it so that tantivy need not visit every match of a common word
# (bot/store/index/ranking.py).
COUNT_CAP = 1_000


@dataclass(frozen=True)
class SearchPage:
    """One page of search results for a query."""

    query: str
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    notes: tuple[str, ...] = ()  # what the query parser left out, for the reader

    @property
    def pages(self) -> int:
        """How many pages a reader can turn to (at least 1): those of the first COUNT_CAP
        results, all of them below the cap."""
        return max(1, -(-min(self.total, COUNT_CAP) // self.per_page))

    @property
    def past_the_end(self) -> bool:
        """True for a page after the last one: articles match, none on this page."""
        return not self.hits and self.total > 0 and self.page > self.pages

    @property
    def total_at_least(self) -> bool:
        """True when the total was counted only up to COUNT_CAP (there may be more)."""
        return self.total == COUNT_CAP

    @property
    def pages_at_least(self) -> bool:
        """True when more articles may match than the pages hold ("page 3 of 100+")."""
        return self.total >= COUNT_CAP


SNIPPET_START = "\x02"
SNIPPET_END = "\x03"
# A hit's snippet is cut from at most this many characters of its body (issue 16, class 1,
# found by the soak): FTS5's snippet() and ts_headline read the whole body, and a 1,000,000
# character article among a search's hits cost 0.6-2.5 s of CPU each time. SQLite shows the
# lead of a longer body; PostgreSQL highlights its first this many characters.
SNIPPET_BODY_CHARS = 20_000
