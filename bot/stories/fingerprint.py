"""What an article is matched against: hashes of its text's word 3-grams, its lead's and its
headline's content words, its link and its report hour; packed for the store and unpacked.

Pure CPU work on plain data (run it off the event loop for a batch). Hashes are CRC-32 of
each word combined per 3-gram and mixed (SplitMix64's finaliser): stable across processes
and versions, unlike Python's `hash`, and several times cheaper than a MinHash.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.models import ArticleDraft
from bot.models.story import moment, outlet, report_hour
from bot.store import StoryMember, StoryProbe

# The text's lowest hashes kept: a bottom-k sample whose overlap estimates the Jaccard
# similarity of two whole texts (exact for texts of up to this many 3-grams).
SKETCH = 64
# The lead: the body's first content words (where rewrites of one report agree).
LEAD_WORDS = 80
# Characters of the body a fingerprint reads (some 15,000 words: a long read's, whole): the
# folding and word split of a feed's 9 MB page were single calls holding the GIL for 0.1-0.2 s
# while the event loop waited (found by the soak's stall sampler).
BODY_CHARS = 100_000
# Keys an article is found by: its text's and lead's lowest hashes (two texts half alike
# share one of 8 with probability about 99 %), each headline word, its link.
TEXT_KEYS = 8
LEAD_KEYS = 8
_TEXT, _LEAD, _HEADLINE, _LINK = 1, 2, 3, 4

_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = """a an the of in on at to for and or but with from by as is are was were be been
being it its this that these those after before over under says said say new into about than
has have had will would could not no"""
_STOP = frozenset(_STOP_WORDS.split())
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True)
class Fingerprint:
    """An article as the story rule sees it (the packed forms and keys are what the store
    keeps; a fingerprint read back from the store has no keys)."""

    hour: int  # when it was reported (published, else ingested), hours since 1970
    sketch: frozenset[int]  # the SKETCH lowest hashes of its title and body's word 3-grams
    lead: frozenset[int]  # hashes of its lead's content-word 3-grams
    headline: frozenset[str]  # its headline's content words of three letters or more
    url: str | None = None
    outlet: str = ""  # who published it (bot.models.story.outlet)
    packed_sketch: bytes = b""  # `sketch` as little-endian uint32s, ascending
    packed_lead: bytes = b""
    keys: tuple[int, ...] = ()  # the index keys it is found by


# Word → hash, shared by every fingerprint (news reuses its words: most lookups hit). Bounded:
# cleared when full. Plain dict reads and writes are atomic, so worker threads may share it.
_HASHES: dict[str, int] = {}
_HASHES_MAX = 50_000


def _word_hash(word: str) -> int:
    found = _HASHES.get(word)
    if found is None:
        if len(_HASHES) >= _HASHES_MAX:
            _HASHES.clear()
        found = _HASHES[word] = zlib.crc32(word.encode())
    return found


def _hashes(words: Sequence[str]) -> np.ndarray:
    """Each word's 32-bit hash (as uint64s, ready to combine)."""
    for word in set(words).difference(_HASHES):  # set operations at C speed: new words only
        _word_hash(word)
    try:
        return np.fromiter(map(_HASHES.__getitem__, words), dtype=np.uint64, count=len(words))
    except KeyError:  # the table was cleared meanwhile (full, or by another thread)
        return np.array([_word_hash(w) for w in words], dtype=np.uint64)


def _combined(h: np.ndarray) -> np.ndarray:
    """The sorted distinct 32-bit hashes of each run of three word hashes."""
    if len(h) < 3:
        return np.empty(0, dtype=np.uint32)
    x = ((h[:-2] << np.uint64(32)) | h[1:-1]) ^ (h[2:] * _GOLDEN)
    x ^= x >> np.uint64(30)
    x *= _MIX1
    x ^= x >> np.uint64(27)
    x *= _MIX2
    x ^= x >> np.uint64(31)
    return np.unique((x >> np.uint64(32)).astype(np.uint32))


# Stop words by hash: the lead drops them from the hashed words at C speed.
_STOP_HASHES = np.array(sorted(zlib.crc32(w.encode()) for w in _STOP), dtype=np.uint64)


def _grams(words: Sequence[str]) -> np.ndarray:
    """The sorted distinct 32-bit hashes of each run of three words (a text of one or two
    words is one run)."""
    if 0 < len(words) < 3:
        words = [" ".join(words), "", ""]
    return _combined(_hashes(words))


def gram_hashes(words: Sequence[str]) -> frozenset[int]:
    """Hashes (32-bit) of each run of three words; a text of one or two words is one run."""
    return frozenset(_grams(words).tolist())


def _words(text: str) -> list[str]:
    # normalise_text's folding without collapsing spaces, which words do not see.
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def fingerprint(draft: ArticleDraft, ingested_at: str) -> Fingerprint:
    """What `draft` (or a stored Article) is matched against; `ingested_at` stands in for a
    missing or unreadable publication time."""
    title_words = _words(draft.title)
    body_words = _words(draft.body[:BODY_CHARS])
    words = title_words + body_words
    if len(words) < 3:
        sketch = _grams(words)
        lead = _grams([])
    else:
        hashes = _hashes(words)  # each word hashed once, for the text and for the lead
        sketch = _combined(hashes)[:SKETCH]
        body = hashes[len(title_words) :]
        at = np.minimum(np.searchsorted(_STOP_HASHES, body), len(_STOP_HASHES) - 1)
        lead = _combined(body[_STOP_HASHES[at] != body][:LEAD_WORDS])
    when = moment(draft.published_at or "") or moment(ingested_at)
    headline = frozenset(w for w in title_words if w not in _STOP and len(w) > 2)
    url = draft.url or None
    # The keys: the text's and lead's lowest hashes, each headline word, the link; each
    # tagged with its kind in the high bits.
    found = [(_TEXT << 32) | h for h in sketch[:TEXT_KEYS].tolist()]
    found += [(_LEAD << 32) | h for h in lead[:LEAD_KEYS].tolist()]
    found += [(_HEADLINE << 32) | _word_hash(w) for w in sorted(headline)]
    if url:
        found.append((_LINK << 32) | _word_hash(url))
    return Fingerprint(
        hour=report_hour(when) if when else 0,
        sketch=frozenset(sketch.tolist()),
        lead=frozenset(lead.tolist()),
        headline=headline,
        url=url,
        outlet=outlet(draft.source, draft.url, draft.origin),
        packed_sketch=sketch.astype("<u4").tobytes(),
        packed_lead=lead.astype("<u4").tobytes(),
        keys=tuple(found),
    )


def probe(print_: Fingerprint, hours: int) -> StoryProbe:
    """Where to look for an article's earlier reports: its keys, `hours` either side."""
    return StoryProbe(print_.keys, print_.hour - hours, print_.hour + hours)


def _unpack(blob: bytes) -> frozenset[int]:
    return frozenset(np.frombuffer(blob, dtype="<u4").tolist())


def member(article_id: int, story_id: int, print_: Fingerprint) -> StoryMember:
    """The store's record of an article placed in a story, with its fingerprint and keys."""
    return StoryMember(
        article_id=article_id,
        story_id=story_id,
        hour=print_.hour,
        sketch=print_.packed_sketch,
        lead=print_.packed_lead,
        headline=" ".join(sorted(print_.headline)),
        keys=print_.keys,
        outlet=print_.outlet,
    )


def unpack(stored: StoryMember) -> Fingerprint:
    """The fingerprint of a placed article as the store hands it back."""
    return Fingerprint(
        hour=stored.hour,
        sketch=_unpack(stored.sketch),
        lead=_unpack(stored.lead),
        headline=frozenset(stored.headline.split()),
        url=stored.url or None,
        outlet=stored.outlet,
        packed_sketch=stored.sketch,
        packed_lead=stored.lead,
    )
