"""Rising names on both backends: the binomial tail against a reference, the test's three
conditions, pairs rising in a window against their baseline, and followed pairs told once per
rise; the store's pair counts."""

from __future__ import annotations

import math
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.insights import rising
from bot.insights.rising import (
    ALPHA,
    Rise,
    binomial_tail,
    check_pairs,
    pair_key,
    pair_keys,
    rise_test,
    rising_pairs,
)
from bot.store import Store
from tests.bot.insights.corpus import add_article

HAMAS, QATAR, ISRAEL, EGYPT, GAZA = (
    ("Hamas", "ORG"),
    ("Qatar", "GPE"),
    ("Israel", "GPE"),
    ("Egypt", "GPE"),
    ("Gaza", "GPE"),
)
TODAY = date(2026, 3, 2)


def test_the_binomial_tail_is_exact() -> None:
    # Hand-worked: P(X >= 2), X ~ Bin(3, 0.5) = 4/8; P(X >= 1), X ~ Bin(10, 0.1) = 1 - 0.9^10.
    assert binomial_tail(2, 3, 0.5) == pytest.approx(0.5)
    assert binomial_tail(1, 10, 0.1) == pytest.approx(1 - 0.9**10)
    assert binomial_tail(5, 10, 0.5) == pytest.approx(638 / 1024)  # the mode's side
    assert binomial_tail(0, 10, 0.3) == 1.0 and binomial_tail(11, 10, 0.3) == 0.0
    assert binomial_tail(3, 10, 0.0) == 0.0 and binomial_tail(3, 10, 1.0) == 1.0
    # Far tails stay accurate: all 40 of 2,000 at a rate of 1/10,000.
    far = math.comb(2000, 40) * 1e-4**40 * (1 - 1e-4) ** 1960
    assert binomial_tail(40, 2000, 1e-4) == pytest.approx(far, rel=1e-6)
    stats = pytest.importorskip("scipy.stats")  # a reference where installed (bench extra)
    for k, n, p in [(3, 40, 0.01), (7, 300, 0.004), (20, 2000, 0.01), (15, 30, 0.6)]:
        assert binomial_tail(k, n, p) == pytest.approx(float(stats.binom.sf(k - 1, n, p)))


def test_rising_needs_support_size_and_significance() -> None:
    # Five of ten articles, never before in 60: rising.
    assert rise_test(5, 10, 0, 60).rising
    # Two articles are an anecdote, however unlikely.
    assert not rise_test(2, 10, 0, 600).rising
    # Half the articles as usual: not rising; nor 3x a rate that is noise at this volume.
    assert not rise_test(5, 10, 30, 60).rising
    assert not rise_test(3, 10, 5, 60).rising
    # Bonferroni: the same evidence among many pairs tested is not enough.
    test = rise_test(3, 40, 0, 200)
    assert test.rising and test.p_value > ALPHA / 1000
    assert not rise_test(3, 40, 0, 200, tests=1000).rising


async def add(store: Store, n: int, names: list[tuple[str, str]], day: date) -> int:
    return await add_article(store, n, names, day.isoformat(), title=f"Report {n} {names}")


async def month(store: Store) -> None:
    """Thirty days of Hamas with Israel and Egypt with Gaza, two articles a day."""
    n = 100
    for back in range(1, 31):
        day = TODAY - timedelta(days=back)
        for names in ([HAMAS, ISRAEL], [EGYPT, GAZA]):
            n += 1
            await add(store, n, names, day)


async def test_a_pair_rises_against_its_baseline(store: Store) -> None:
    await month(store)
    for n in range(5):
        await add(store, n, [QATAR, HAMAS], TODAY)
    for n in range(5, 10):
        await add(store, n, [HAMAS, ISRAEL], TODAY)
    since = datetime(2026, 3, 2, tzinfo=UTC)
    [pair] = await rising_pairs(store, since, since + timedelta(days=1))
    assert (pair.label, pair.articles, pair.before, pair.first_time) == (
        "Hamas × Qatar",
        5,
        0,
        True,
    )
    assert pair.expected == pytest.approx(10 * 0.5 / 61)
    # Nothing rises in a quiet window, nor before the pair was ever named together.
    assert await rising_pairs(store, since - timedelta(days=3), since - timedelta(days=2)) == []

    counts = await store.co_mentioned_pairs(
        since.isoformat(),
        (since + timedelta(days=1)).isoformat(),
        min_articles=3,
        limit=1,
        articles=100,
    )
    [top] = counts.pairs  # a tie of five articles each: the lower ids first
    assert ({top.first.name, top.second.name}, top.articles) in (
        ({"Hamas", "Qatar"}, 5),
        ({"Hamas", "Israel"}, 5),
    )
    assert top.first.id < top.second.id
    assert (counts.tested, counts.articles) == (2, 10)
    capped = await store.co_mentioned_pairs(
        since.isoformat(),
        (since + timedelta(days=1)).isoformat(),
        min_articles=3,
        limit=5,
        articles=4,
    )
    assert capped.articles == 4 and sum(p.articles for p in capped.pairs) == 4
    assert (
        await store.named_articles(since.isoformat(), (since + timedelta(days=1)).isoformat()) == 10
    )


async def test_the_pairs_are_tested_off_the_event_loop(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Up to CANDIDATES exact binomial tails are a /catchup's work: a worker thread does
    them, not the event loop readers' answers wait on (found by the soak)."""
    await month(store)
    for n in range(5):
        await add(store, n, [QATAR, HAMAS], TODAY)
    tested_on: list[int] = []

    def spy(*args: Any, **kwargs: Any) -> Rise:
        tested_on.append(threading.get_ident())
        return rise_test(*args, **kwargs)

    monkeypatch.setattr(rising, "rise_test", spy)
    since = datetime(2026, 3, 2, tzinfo=UTC)

    [pair] = await rising_pairs(store, since, since + timedelta(days=1))

    assert pair.label == "Hamas × Qatar"
    assert tested_on and threading.get_ident() not in tested_on


async def test_followed_pairs_are_checked_over_the_last_day(store: Store) -> None:
    await month(store)
    for n in range(4):
        await add(store, n, [QATAR, HAMAS], TODAY)
    keys = await store.entities_by_key([("ORG", "hamas"), ("GPE", "qatar"), ("GPE", "nowhere")])
    assert sorted(e.name for e in keys.values()) == ["Hamas", "Qatar"]
    hamas_qatar = (("ORG", "hamas"), ("GPE", "qatar"))
    hamas_israel = (("GPE", "israel"), ("ORG", "hamas"))
    unknown = (("GPE", "atlantis"), ("ORG", "hamas"))
    now = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    checks = await check_pairs(store, [hamas_qatar, hamas_israel, unknown], now)
    assert [(c.rising, c.latest_article_id is not None) for c in checks] == [
        (True, True),
        (False, False),  # not named together in the last day
        (False, False),
    ]
    # A day later the rise is over.
    later = await check_pairs(store, [hamas_qatar], now + timedelta(days=1))
    assert [c.rising for c in later] == [False]


def test_a_pair_key_is_one_for_both_orders() -> None:
    key = pair_key(("ORG", "hamas"), ("GPE", "qatar"))
    assert key == pair_key(("GPE", "qatar"), ("ORG", "hamas"))
    assert pair_keys(key) == (("GPE", "qatar"), ("ORG", "hamas"))
    assert pair_keys("not json") is None and pair_keys("[1]") is None
