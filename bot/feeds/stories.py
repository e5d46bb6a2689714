"""One story, many outlets: near-duplicate articles grouped into story clusters (MinHash LSH)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from bot.clock import Clock, SystemClock, utc_iso
from bot.models import Article, normalise_text
from bot.store import Store

SHINGLE_WORDS = 3
NUM_PERM = 128
# Fixed so that signatures saved in SQLite stay comparable across datasketch upgrades.
SCHEME = "affine32"
SEED = 1
# Estimated Jaccard similarity of word 3-shingles above which two articles are one story:
# rewording one word in ten keeps wire copy around 0.6-0.8; different stories share < 0.1.
THRESHOLD = 0.5
# Texts shorter than this (in shingles) are too short to compare reliably: their own story.
MIN_SHINGLES = 20
# Outlets pick a story up within hours; older articles leave the index to keep it small.
WINDOW = timedelta(days=3)

_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    """The overlapping word 3-grams of the normalised text."""
    words = _WORD.findall(normalise_text(text))
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def signature(text: str) -> MinHash | None:
    """The MinHash of an article's shingles, or None when it is too short to compare."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(list(grams))
    return minhash


def _restore(blob: bytes) -> MinHash:
    values = np.frombuffer(blob, dtype=np.uint32)
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=values)


def _text(article: Article) -> str:
    return f"{article.title}\n\n{article.body}"


class StoryIndex:
    """Assigns each new article to a story: an existing near-duplicate's, or its own."""

    def __init__(
        self, store: Store, *, clock: Clock | None = None, threshold: float = THRESHOLD
    ) -> None:
        self.store = store
        self.clock = clock or SystemClock()
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._members: dict[int, tuple[int, MinHash, datetime]] = {}
        self._loaded = False

    async def load(self) -> None:
        """Rebuild the in-memory index from the signatures saved in the last WINDOW."""
        since = self.clock.now() - WINDOW
        for member in await self.store.recent_story_members(utc_iso(since)):
            if member.signature and member.article_id not in self._members:
                added = datetime.fromisoformat(member.added_at)
                self._add(member.article_id, member.story_id, _restore(member.signature), added)
        self._loaded = True

    def _add(self, article_id: int, story_id: int, minhash: MinHash, when: datetime) -> None:
        self._lsh.insert(article_id, minhash)
        self._members[article_id] = (story_id, minhash, when)

    def _prune(self, now: datetime) -> None:
        for article_id, (_, _, added) in list(self._members.items()):
            if added < now - WINDOW:
                self._lsh.remove(article_id)
                del self._members[article_id]

    def _closest(self, minhash: MinHash) -> int | None:
        best, best_story = self.threshold, None
        for candidate in self._lsh.query(minhash):
            story_id, other, _ = self._members[candidate]
            similarity = minhash.jaccard(other)
            # LSH finds candidates; the estimate decides, so a band collision is not a match.
            if similarity >= best:
                best, best_story = similarity, story_id
        return best_story

    async def assign(self, articles: Sequence[Article]) -> dict[int, int]:
        """Map each article to its story id, clustering the ones not yet assigned.

        Signatures are computed off the event loop; the rows are written in one transaction.
        """
        if not self._loaded:
            await self.load()
        stories = await self.store.stories_of([a.id for a in articles])
        fresh = [a for a in articles if a.id not in stories]
        if not fresh:
            return stories
        minhashes = await asyncio.to_thread(lambda: [signature(_text(a)) for a in fresh])
        now = self.clock.now()
        self._prune(now)
        indexed: list[int] = []
        try:
            async with self.store.transaction():
                for article, minhash in zip(fresh, minhashes, strict=True):
                    if article.id in stories:
                        continue  # the same article twice in one batch
                    story_id = article.id
                    if minhash is not None:
                        story_id = self._closest(minhash) or article.id
                        self._add(article.id, story_id, minhash, now)
                        indexed.append(article.id)
                    blob = minhash.hashvalues.astype(np.uint32).tobytes() if minhash else None
                    await self.store.add_story_member(article.id, story_id, blob, utc_iso(now))
                    stories[article.id] = story_id
        except BaseException:
            # The rows were rolled back: forget them in memory too.
            for article_id in indexed:
                self._lsh.remove(article_id)
                del self._members[article_id]
            raise
        return stories
