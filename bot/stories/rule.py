"""The one rule for "these two articles report the same story", and which story a new article
joins: the union of what feeds matched (near-duplicate wire copy: whole texts alike) and what
digests matched (rewrites by several outlets: alike leads or alike headlines), within days.

An outlet's own articles are one story only when their texts are near-duplicates or share a
link: its boilerplate (a feed appending the same line to every item) is not a story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.stories.fingerprint import SKETCH, Fingerprint

# Estimated Jaccard similarity of whole texts' word 3-grams from which two articles are one
# story: rewording one word in ten keeps wire copy around 0.6-0.8; different stories < 0.1.
TEXT_SAME = 0.5
# Texts with fewer 3-grams than this are too short to compare whole.
MIN_GRAMS = 20
# ...or this share of their leads' content-word 3-grams...
LEAD_SAME = 0.5
# ...or this share of their headlines' content words (headlines of 3+ such words only).
HEADLINE_SAME = 0.6
HEADLINE_WORDS = 3
# Two reports of one story are at most this far apart (outlets pick a story up within hours),
WINDOW_HOURS = 72
# and a story takes articles for at most this long after its first report (a recurring
# headline, "Morning briefing: ...", does not make one endless story).
SPAN_HOURS = 7 * 24


T = TypeVar("T")


def _jaccard(a: frozenset[T], b: frozenset[T], at_least: float) -> float:
    """Jaccard similarity of two sets, or 0 when it is below `at_least` (which the sizes alone
    often show: it is at most the smaller over the larger)."""
    if not a or not b or min(len(a), len(b)) < at_least * max(len(a), len(b)):
        return 0.0
    shared = len(a & b)
    found = shared / (len(a) + len(b) - shared)
    return found if found >= at_least else 0.0


def sketch_similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """The bottom-k estimate of two texts' Jaccard similarity from their sketches: the share of
    the union's SKETCH lowest hashes that both texts hold (exact for short texts)."""
    shared = a & b
    if not shared:
        return 0.0
    union = sorted(a | b)[:SKETCH]
    return sum(1 for h in union if h in shared) / len(union)


def _may_reach(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether the sketches share enough hashes to estimate TEXT_SAME at all (the estimate
    counts shared hashes among at most SKETCH of the union): skips sorting for most pairs."""
    shared = len(a.sketch & b.sketch)
    union = min(SKETCH, len(a.sketch) + len(b.sketch) - shared)
    return shared >= TEXT_SAME * union


def likeness(a: Fingerprint, b: Fingerprint) -> float:
    """How alike two articles are as reports of one story, from 0 (not one story) to 1."""
    if abs(a.hour - b.hour) > WINDOW_HOURS:
        return 0.0
    if a.url and a.url == b.url:
        return 1.0
    found = 0.0
    if len(a.sketch) >= MIN_GRAMS and len(b.sketch) >= MIN_GRAMS and _may_reach(a, b):
        text = sketch_similarity(a.sketch, b.sketch)
        found = text if text >= TEXT_SAME else found
    if a.outlet == b.outlet:
        return found
    found = max(found, _jaccard(a.lead, b.lead, LEAD_SAME))
    if min(len(a.headline), len(b.headline)) >= HEADLINE_WORDS:
        found = max(found, _jaccard(a.headline, b.headline, HEADLINE_SAME))
    return found


@dataclass(frozen=True)
class Earlier:
    """An article already placed, as a candidate story for a new one."""

    article_id: int
    story_id: int
    print: Fingerprint
    story_hour: int  # the hour of its story's first report


def best_story(new: Fingerprint, earlier: Sequence[Earlier]) -> int | None:
    """The story `new` joins: that of the most alike earlier report (ties: the older story)
    whose story began at most SPAN_HOURS away, or None for a story of its own."""
    best: tuple[float, int] | None = None
    for other in earlier:
        if abs(new.hour - other.story_hour) > SPAN_HOURS:
            continue
        score = likeness(new, other.print)
        if score > 0 and (best is None or (score, -other.story_id) > (best[0], -best[1])):
            best = (score, other.story_id)
    return best[1] if best else None
