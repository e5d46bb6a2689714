"""A rising pair's baseline on both backends: the 30 days before the hour its window starts
in, read once an hour and remembered, and the same pairs rising as without the memory."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.insights.baselines import Baselines, baseline
from bot.insights.rising import rising_pairs
from bot.store import Store
from tests.bot.insights.corpus import add_article

HAMAS, ISRAEL, QATAR = ("Hamas", "ORG"), ("Israel", "GPE"), ("Qatar", "GPE")
TODAY = date(2026, 3, 2)
# Articles are stored at 08:00 on their day (tests/bot/insights/corpus.py).
HALF_PAST_EIGHT = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


async def month(store: Store) -> tuple[int, int]:
    """Hamas with Israel once a day for the 30 days before TODAY; the pair's entity ids."""
    for back in range(1, 31):
        await add_article(store, back, [HAMAS, ISRAEL], (TODAY - timedelta(days=back)).isoformat())
    found = await store.entities_by_key([("ORG", "hamas"), ("GPE", "israel")])
    first, second = sorted(e.id for e in found.values())
    return first, second


def test_the_baseline_ends_at_the_top_of_the_hour_its_window_starts_in() -> None:
    assert baseline(HALF_PAST_EIGHT) == (
        "2026-01-31T08:00:00+00:00",
        "2026-03-02T08:00:00+00:00",
    )
    assert baseline(datetime(2026, 3, 2, 8, tzinfo=UTC)) == baseline(HALF_PAST_EIGHT)


async def test_an_article_in_the_windows_first_hour_is_not_in_its_baseline(store: Store) -> None:
    pair = await month(store)
    await add_article(store, 99, [HAMAS, ISRAEL], TODAY.isoformat())  # 08:00, before 08:30
    baselines = Baselines(store)
    # The month's 30 (31 January 08:00 is the baseline's first moment), not today's article.
    assert (await baselines.pair_mentions(HALF_PAST_EIGHT, [pair]))[pair].articles == 30
    assert await baselines.named_articles(HALF_PAST_EIGHT) == 30


async def test_an_hours_baseline_is_read_once_and_the_next_hour_reads_it_again(
    store: Store,
) -> None:
    pair = await month(store)
    baselines = Baselines(store)
    assert (await baselines.pair_mentions(HALF_PAST_EIGHT, [pair]))[pair].articles == 30
    assert await baselines.named_articles(HALF_PAST_EIGHT) == 30
    # Two late articles dated inside the baseline: the same hour keeps what it read...
    await add_article(store, 98, [HAMAS, ISRAEL], "2026-02-15")
    await add_article(store, 97, [HAMAS, ISRAEL], "2026-02-16")
    later = HALF_PAST_EIGHT + timedelta(minutes=25)
    assert (await baselines.pair_mentions(later, [pair]))[pair].articles == 30
    assert await baselines.named_articles(later) == 30
    # ... the next hour reads the store again (31 January 08:00 has left the baseline).
    next_hour = HALF_PAST_EIGHT + timedelta(hours=1)
    assert (await baselines.pair_mentions(next_hour, [pair]))[pair].articles == 31
    assert await baselines.named_articles(next_hour) == 31
    # A pair never named together is left out, as the store leaves it out.
    assert await baselines.pair_mentions(next_hour, [(pair[0], pair[0] + 999)]) == {}


async def test_rising_pairs_with_remembered_baselines_are_those_without(store: Store) -> None:
    await month(store)
    for n in range(5):
        await add_article(store, 200 + n, [QATAR, HAMAS], TODAY.isoformat())
    since = datetime(2026, 3, 2, tzinfo=UTC)
    until = since + timedelta(days=1)
    baselines = Baselines(store)
    fresh = await rising_pairs(store, since, until)
    assert [p.label for p in fresh] == ["Hamas × Qatar"]
    assert await rising_pairs(store, since, until, baselines=baselines) == fresh
    assert await rising_pairs(store, since, until, baselines=baselines) == fresh
