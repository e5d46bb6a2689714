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
    return np.unique((_mixed(h) >> np.uint64(32)).astype(np.uint32))


def _mixed(h: np.ndarray) -> np.ndarray:
    """Each run of three word hashes combined and mixed into 64 bits (the high 32 kept)."""
    x = ((h[:-2] << np.uint64(32)) | h[1:-1]) ^ (h[2:] * _GOLDEN)
    x ^= x >> np.uint64(30)
    x *= _MIX1
    x ^= x >> np.uint64(27)
    x *= _MIX2
    x ^= x >> np.uint64(31)
    return np.asarray(x)


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
    return _assembled(draft, ingested_at, title_words, sketch, lead)


def fingerprints_of(drafts: Sequence[ArticleDraft], ingested_at: str) -> list[Fingerprint]:
    """`fingerprint` of each draft, the batch's hashing done in a few whole-batch array steps:
    the same fingerprints, at a third of the CPU for a batch of 200 news articles (numpy's
    cost per call, not per hash, was most of it)."""
    words = [(_words(d.title), _words(d.body[:BODY_CHARS])) for d in drafts]
    # Texts of under three words take the one-article path (a one- or two-word text is one
    # 3-gram there).
    batch = [i for i, (title, body) in enumerate(words) if len(title) + len(body) >= 3]
    found: list[Fingerprint | None] = [None] * len(drafts)
    if batch:
        texts = [words[i][0] + words[i][1] for i in batch]
        title_sizes = [len(words[i][0]) for i in batch]
        sketches, leads = _batch_grams(texts, title_sizes)
        for n, i in enumerate(batch):
            found[i] = _assembled(drafts[i], ingested_at, words[i][0], sketches[n], leads[n])
    return [
        p if p is not None else fingerprint(drafts[i], ingested_at) for i, p in enumerate(found)
    ]


def _batch_grams(
    texts: Sequence[list[str]], title_sizes: Sequence[int]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each text's SKETCH lowest 3-gram hashes and its lead's 3-gram hashes (texts of three
    words or more), as `fingerprint` works them out one text at a time."""
    sizes = np.array([len(t) for t in texts], dtype=np.int64)
    every = [w for text in texts for w in text]
    # The batch's own word table: its distinct words hashed once each (a shared table the
    # size of a corpus's vocabulary would be cleared and refilled over and over).
    table = {w: zlib.crc32(w.encode()) for w in set(every)}
    hashes = np.fromiter(map(table.__getitem__, every), dtype=np.uint64, count=len(every))
    ends = np.cumsum(sizes)
    starts = ends - sizes
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
    position = np.arange(len(hashes), dtype=np.int64)
    # The text's 3-grams: those starting at least two words before its end.
    text_grams = _owned_grams(hashes, owner, position + 2 < ends[owner], len(texts))
    # The lead: the body's first LEAD_WORDS words that are not stop words.
    body = position >= (starts + np.array(title_sizes, dtype=np.int64))[owner]
    at = np.minimum(np.searchsorted(_STOP_HASHES, hashes), len(_STOP_HASHES) - 1)
    kept = body & (_STOP_HASHES[at] != hashes)
    rank = np.cumsum(kept) - 1  # the kept word's number in the whole batch...
    first = np.concatenate(([0], np.cumsum(kept)))[starts]  # ...less its text's first one's
    kept &= (rank - first[owner]) < LEAD_WORDS
    lead_hashes, lead_owner = hashes[kept], owner[kept]
    lead_sizes = np.bincount(lead_owner, minlength=len(texts))
    lead_ends = np.cumsum(lead_sizes)[lead_owner]
    lead_starts = np.arange(len(lead_hashes), dtype=np.int64) + 2 < lead_ends
    lead_grams = _owned_grams(lead_hashes, lead_owner, lead_starts, len(texts))
    sketches = [grams[:SKETCH] for grams in text_grams]
    return sketches, lead_grams


def _owned_grams(
    hashes: np.ndarray, owner: np.ndarray, starts_gram: np.ndarray, count: int
) -> list[np.ndarray]:
    """For each of `count` owners, the sorted distinct 32-bit hashes of the 3-grams starting
    where `starts_gram` is true (several texts' hashes end to end, `owner` saying whose)."""
    if len(hashes) < 3:
        return [np.empty(0, dtype=np.uint32) for _ in range(count)]
    x = _mixed(hashes)
    mask = starts_gram[:-2]
    # Owner in the high bits, hash in the low: one sort makes every owner's hashes ascending.
    keyed = np.sort(
        (owner[:-2][mask].astype(np.uint64) << np.uint64(32)) | (x[mask] >> np.uint64(32))
    )
    if len(keyed):
        keyed = keyed[np.concatenate(([True], keyed[1:] != keyed[:-1]))]  # distinct
    bounds = np.searchsorted(keyed >> np.uint64(32), np.arange(count + 1, dtype=np.uint64))
    low = (keyed & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return [low[bounds[i] : bounds[i + 1]] for i in range(count)]


def _assembled(
    draft: ArticleDraft,
    ingested_at: str,
    title_words: list[str],
    sketch: np.ndarray,
    lead: np.ndarray,
) -> Fingerprint:
    """The fingerprint of `draft` from its title's words and its text's and lead's hashes."""
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
