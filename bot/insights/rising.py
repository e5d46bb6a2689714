"""Rising names: two entities named together for the first time, or far more than usual.

The rule. In a window W (a digest's period, at most MAX_WINDOW; for follows, the last day),
count the articles naming both entities, x, among the n articles of W naming any proper name;
over the BASELINE before the hour W starts in (bot/insights/baselines.py says why the hour), the
same pair's b among N. Under "nothing changed", each article
of W names the pair with the baseline's rate p0 = (b + ½) / (N + 1) (the half keeps a pair
never seen before possible rather than impossible), so x is Binomial(n, p0). The pair is
rising when all three hold:

  * support: x ≥ MIN_ARTICLES — a pair in one or two articles is an anecdote;
  * size: x ≥ LIFT · n·p0 — "far more" than its baseline, not merely more;
  * significance: P(X ≥ x) ≤ ALPHA / m — the binomial tail, with Bonferroni's correction
    over the m pairs tested: in a digest every pair that reached the support (found by
    searching them all), for a follow its one pair (named in advance, so m = 1).

Bounded: a window's newest ARTICLES_READ articles are searched, the CANDIDATES pairs named
together most are tested; the tail is an exact sum of at most n terms.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import work
from bot.clock import utc_iso
from bot.insights.baselines import Baselines
from bot.models.rising import RisingPair
from bot.store import Follow, Store
from bot.store.records.insights import PairCounts, PairMentions

MAX_WINDOW = timedelta(days=7)
FOLLOW_WINDOW = timedelta(days=1)
MIN_ARTICLES = 3
LIFT = 3.0
ALPHA = 0.01
PRIOR = 0.5
CANDIDATES = 200
ARTICLES_READ = 2000
SHOWN = 3


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p): the exact sum, its terms taken in log space (far
    tails of 1e-300 and below stay accurate) and stopped once they stop counting."""
    if k <= 0 or p >= 1.0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    log_p, log_q, log_n = math.log(p), math.log1p(-p), math.lgamma(n + 1)

    def term(j: int) -> float:
        return math.exp(
            log_n - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * log_p + (n - j) * log_q
        )

    # Sum the side away from the mode, from its edge outwards: terms only shrink there.
    upper = k > n * p
    total = 0.0
    j = k if upper else k - 1
    while 0 <= j <= n:
        value = term(j)
        total += value
        if value < total * 1e-17:
            break
        j += 1 if upper else -1
    return min(1.0, total) if upper else max(0.0, 1.0 - total)


@dataclass(frozen=True)
class Rise:
    """One pair's test: how many articles the baseline predicts, the tail probability, and
    whether the pair is rising (see the module's rule)."""

    expected: float
    p_value: float
    rising: bool


def rise_test(
    together: int, articles: int, before: int, before_articles: int, *, tests: int = 1
) -> Rise:
    """Test a pair named together in `together` of `articles` articles now, and in `before` of
    `before_articles` over the baseline; `tests` pairs are tested at once (Bonferroni)."""
    rate = (before + PRIOR) / (before_articles + 1)
    expected = articles * rate
    p_value = binomial_tail(together, articles, rate)
    rising = (
        together >= MIN_ARTICLES
        and together >= LIFT * expected
        and p_value <= ALPHA / max(tests, 1)
    )
    return Rise(expected, p_value, rising)


async def rising_pairs(
    store: Store,
    since: datetime,
    until: datetime,
    *,
    limit: int = SHOWN,
    baselines: Baselines | None = None,
) -> list[RisingPair]:
    """The pairs rising in [since, until) (its last MAX_WINDOW), most significant first;
    `baselines` remembers the baselines' figures between calls (a bot keeps one)."""
    baselines = baselines or Baselines(store)
    since = max(since, until - MAX_WINDOW)
    found = await store.co_mentioned_pairs(
        utc_iso(since),
        utc_iso(until),
        min_articles=MIN_ARTICLES,
        limit=CANDIDATES,
        articles=ARTICLES_READ,
    )
    if not found.pairs:
        return []
    before = await baselines.pair_mentions(since, [(p.first.id, p.second.id) for p in found.pairs])
    before_articles = await baselines.named_articles(since)
    # Up to CANDIDATES exact binomial tails: about 6 ms of a /catchup, off the event loop.
    return await work.to_thread(_tested, found, before, before_articles, limit)


def _tested(
    found: PairCounts,
    before: Mapping[tuple[int, int], PairMentions],
    before_articles: int,
    limit: int,
) -> list[RisingPair]:
    """The found pairs that are rising against their baselines, most significant first."""
    rising = []
    for pair in found.pairs:
        earlier = before.get((pair.first.id, pair.second.id))
        b = earlier.articles if earlier else 0
        test = rise_test(pair.articles, found.articles, b, before_articles, tests=found.tested)
        if test.rising:
            # Named in reading order, not by id: "Hamas × Qatar" whichever was stored first.
            one, other = sorted((pair.first, pair.second), key=lambda e: (e.name.casefold(), e.id))
            rising.append(RisingPair(one, other, pair.articles, b, test.expected, test.p_value))
    rising.sort(key=lambda r: (r.p_value, -r.articles, r.first.name, r.second.name))
    return rising[:limit]


# -- pairs followed ---------------------------------------------------------------------------


def pair_key(first: tuple[str, str], second: tuple[str, str]) -> str:
    """What makes two pair follows the same: both entities' (label, name key), in one order."""
    return json.dumps(sorted([list(first), list(second)]), ensure_ascii=False)


def pair_keys(target_key: str) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The two (label, name key) a pair follow's key holds, or None if it holds no pair."""
    try:
        first, second = json.loads(target_key)
        return (str(first[0]), str(first[1])), (str(second[0]), str(second[1]))
    except (ValueError, TypeError, IndexError, KeyError):
        return None


@dataclass(frozen=True)
class PairCheck:
    """A followed pair checked now: whether it is rising over the last day, and the newest
    article naming both (what a notification points to)."""

    keys: tuple[tuple[str, str], tuple[str, str]]
    rising: bool
    latest_article_id: int | None


async def check_pairs(
    store: Store, keys: Sequence[tuple[tuple[str, str], tuple[str, str]]], now: datetime
) -> list[PairCheck]:
    """Test each followed pair over the last FOLLOW_WINDOW against its baseline (each its own
    test: m = 1). A pair whose entities the store does not know is not rising."""
    since = now - FOLLOW_WINDOW
    known = await store.entities_by_key(sorted({k for pair in keys for k in pair}))
    ids: dict[tuple[tuple[str, str], tuple[str, str]], tuple[int, int]] = {}
    for first, second in keys:
        if first in known and second in known:
            a, b = sorted((known[first].id, known[second].id))
            ids[first, second] = (a, b)
    window = (utc_iso(since), utc_iso(now))
    pairs = list(set(ids.values()))
    baselines = Baselines(store)  # the baseline read as rising_pairs reads it
    now_counts = await store.pair_mentions(pairs, *window)
    before_counts = await baselines.pair_mentions(since, pairs)
    articles = await store.named_articles(*window) if ids else 0
    before_articles = await baselines.named_articles(since) if ids else 0
    checks = []
    for pair in keys:
        seen = now_counts.get(ids[pair]) if pair in ids else None
        if seen is None or pair not in ids:
            checks.append(PairCheck(pair, False, None))
            continue
        earlier = before_counts.get(ids[pair])
        b = earlier.articles if earlier else 0
        test = rise_test(seen.articles, articles, b, before_articles)
        checks.append(PairCheck(pair, test.rising, seen.latest_article_id))
    return checks


@dataclass
class PairRises:
    """What checking the followed pairs found: notifications to claim (follow id, article id),
    follows whose pair began to rise, follows whose pair rises no more."""

    hits: list[tuple[int, int]]
    rose: list[int]
    fell: list[int]


async def pair_rises(store: Store, now: datetime, limit: int) -> PairRises:
    """Check the followed pairs (the oldest `limit` follows): a follow is told once when its
    pair begins to rise, of the newest article naming both, and again only after that rise
    has ended and another begins."""
    found = PairRises([], [], [])
    by_pair: dict[tuple[tuple[str, str], tuple[str, str]], list[tuple[Follow, str | None]]] = {}
    for follow, risen_at in await store.pair_follows(limit):
        keys = pair_keys(follow.target_key)
        if keys is not None:
            by_pair.setdefault(keys, []).append((follow, risen_at))
    if not by_pair:
        return found
    for check in await check_pairs(store, list(by_pair), now):
        for follow, risen_at in by_pair[check.keys]:
            latest = check.latest_article_id
            if check.rising and risen_at is None and latest and latest > follow.after_article_id:
                found.hits.append((follow.id, latest))
                found.rose.append(follow.id)
            elif not check.rising and risen_at is not None:
                found.fell.append(follow.id)
    return found
