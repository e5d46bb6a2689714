"""Stories: does the one story rule (bot/stories/) group at least what the two rules it
replaced grouped, without merging different stories?

Cases (bench/quality/story_cases.py): the texts both old rules were tested on, and generated
multi-outlet news with other events about the same people and places in the same days. Each
case goes through the real ingest into a temporary SQLite store, in order of publication; the
old rules run on the same reports as baselines:

- feeds (the removed bot/feeds/stories.py): MinHash LSH over the whole text's word 3-grams,
  estimated Jaccard >= 0.5, texts of 20+ 3-grams, a new report joins the closest story indexed
  in the last 3 days;
- digests (the removed bot/digest/stories.py): same link, or headline content words Jaccard
  >= 0.6 (3+ words), or lead content-word 3-grams Jaccard >= 0.5, transitively, within each
  day's digest.

Scored on pairs of reports: grouped by a rule, truly one event, and the old rules' pairs the
one rule misses (the goal: none) and its pairs of different events (the goal: none).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from bench.quality.story_cases import Report, digest_cases, feed_cases, generated_cases
from bot.clock import FakeClock
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft, normalise_text
from bot.store import open_store

Pair = tuple[int, int]


# -- the rules, on the same reports ------------------------------------------------------------

_WORD = re.compile(r"\w+")
_CONTENT = re.compile(r"[^\W_]+")
# The old digests' stop words.
_STOP = frozenset(
    _WORD.findall(
        "a an the of in on at to for and or but with from by as is are was were be been being it "
        "its this that these those after before over under says said say new into about than has "
        "have had will would could not no"
    )
)


def _pairs(groups: Iterable[Sequence[int]]) -> set[Pair]:
    return {pair for group in groups for pair in itertools.combinations(sorted(group), 2)}


def _shingles(text: str) -> set[bytes]:
    words = _WORD.findall(normalise_text(text))
    return {" ".join(words[i : i + 3]).encode() for i in range(len(words) - 2)}


def feeds_rule(reports: Sequence[Report]) -> set[Pair]:
    """The old feeds' story clusters (bot/feeds/stories.py before the one story rule)."""
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    members: dict[int, tuple[int, MinHash, datetime]] = {}
    story: dict[int, int] = {}
    for i in sorted(range(len(reports)), key=lambda i: (reports[i].when, i)):
        report = reports[i]
        for old, (_, _, added) in list(members.items()):
            if added < report.when - timedelta(days=3):
                lsh.remove(old)
                del members[old]
        grams = _shingles(f"{report.title}\n\n{report.body}")
        story[i] = i
        if len(grams) < 20:
            continue
        minhash = MinHash(num_perm=128, seed=1, scheme="affine32")
        minhash.update_batch(list(grams))
        best = 0.5
        for candidate in lsh.query(minhash):
            other_story, other, _ = members[candidate]
            if (similarity := minhash.jaccard(other)) >= best:
                best, story[i] = similarity, other_story
        lsh.insert(i, minhash)
        members[i] = (story[i], minhash, report.when)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, story_id in story.items():
        groups[story_id].append(i)
    return _pairs(groups.values())


def _content_words(text: str) -> list[str]:
    return [w for w in _CONTENT.findall(normalise_text(text)) if w not in _STOP]


def _jaccard(a: frozenset[object], b: frozenset[object]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _digest(reports: Sequence[Report], members: Sequence[int]) -> set[Pair]:
    """One digest's grouping: the old group_stories over these reports."""
    prints = {}
    for i in members:
        title = frozenset(w for w in _content_words(reports[i].title) if len(w) > 2)
        lead = _content_words(reports[i].body)[:80]
        prints[i] = (title, frozenset(tuple(lead[j : j + 3]) for j in range(len(lead) - 2)))
    parent = {i: i for i in members}

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(members, 2):
        (ti, si), (tj, sj) = prints[i], prints[j]
        same_link = bool(reports[i].url) and reports[i].url == reports[j].url
        titles = min(len(ti), len(tj)) >= 3 and _jaccard(ti, tj) >= 0.6  # type: ignore[arg-type]
        if same_link or titles or _jaccard(si, sj) >= 0.5:  # type: ignore[arg-type]
            parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in members:
        groups[find(i)].append(i)
    return _pairs(groups.values())


def digests_rule(reports: Sequence[Report]) -> set[Pair]:
    """The old digests' grouping (bot/digest/stories.py's group_stories), per day's digest."""
    days: dict[object, list[int]] = defaultdict(list)
    for i, report in enumerate(reports):
        days[report.when.date()].append(i)
    return {pair for members in days.values() for pair in _digest(reports, members)}


async def _one_rule(reports: Sequence[Report], folder: Path) -> set[Pair]:
    """The one story rule: each report ingested at its publication time, then read back."""
    order = sorted(range(len(reports)), key=lambda i: (reports[i].when, i))
    ids: dict[int, int] = {}
    async with await open_store(folder / "stories.db") as store:
        for i in order:
            report = reports[i]
            draft = ArticleDraft(
                title=report.title,
                body=report.body,
                origin=f"case:{i}",
                source=report.outlet,
                url=report.url,
                published_at=report.when.isoformat(),
            )
            stored = await ingest_drafts(store, [draft], clock=FakeClock(report.when))
            (ids[i],) = stored.added
        stories = await store.stories_of(list(ids.values()))
    groups: dict[int, list[int]] = defaultdict(list)
    for i, article_id in ids.items():
        groups[stories[article_id]].append(i)
    return _pairs(groups.values())


def one_rule(reports: Sequence[Report]) -> set[Pair]:
    """The pairs the one story rule groups, through the real ingest and store."""
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(_one_rule(reports, Path(folder)))


def _score(pairs: set[Pair], truth: set[Pair]) -> dict[str, int]:
    return {"pairs": len(pairs), "right": len(pairs & truth), "wrong": len(pairs - truth)}


def evaluate(reports: Sequence[Report]) -> dict[str, object]:
    """Each rule's pairs against the truth, and what the one rule misses of the old ones."""
    truth = _pairs(
        [i for i, r in enumerate(reports) if r.event == event]
        for event in {r.event for r in reports}
    )
    feeds, digests, one = feeds_rule(reports), digests_rule(reports), one_rule(reports)
    return {
        "reports": len(reports),
        "events": len({r.event for r in reports}),
        "true pairs": len(truth),
        "feeds (old)": _score(feeds, truth),
        "digests (old)": _score(digests, truth),
        "one rule": _score(one, truth),
        "old pairs missed": len((feeds | digests) - one),
        "old true pairs missed": len(((feeds | digests) & truth) - one),
    }


def run_stories(events: int = 40) -> dict[str, dict[str, object]]:
    """The check on each case set: the old rules' test texts and generated news."""
    start = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    return {
        "feeds' test pages": evaluate(feed_cases(start)),
        "digests' test reports": evaluate(digest_cases(start)),
        f"generated, {events} events": evaluate(generated_cases(start, events)),
    }
