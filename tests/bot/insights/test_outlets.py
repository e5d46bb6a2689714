"""An outlet's coverage on both backends, against a generated month whose truth is known: the
stories each outlet carried, how many it broke, its median delay, its blindspots and the names
it uses more than its peers; the log-odds arithmetic against hand-worked figures."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.errors import QueryError
from bot.insights.logodds import log_odds
from bot.insights.outlets import MIN_Z, OutletCoverage, find_outlet, outlet_choices, outlet_coverage
from bot.store import Store
from tests.bot.insights.newsmonth import OUTLETS, ingest_month, news_month

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def coverage(store: Store, name: str, clock: FakeClock, **options: int) -> OutletCoverage:
    pick = await find_outlet(store, name, guild_id=None, clock=clock, **options)
    return await outlet_coverage(store, pick)


def test_log_odds_against_hand_worked_figures() -> None:
    # 40 of 400 pairs on one side, 90 of 3,600 on the other; prior a tenth of both pooled:
    # α_w = 13, α_0 = 400.
    found = log_odds(40, 90, 400, 3600)
    delta = math.log(53 / 747) - math.log(103 / 3897)
    assert found.delta == pytest.approx(delta)
    assert found.z == pytest.approx(delta / math.sqrt(1 / 53 + 1 / 103))
    assert found.z == pytest.approx(5.84, abs=0.01)
    # Twice on one side and never on the other is no evidence; the same share both sides, none.
    assert 0 < log_odds(2, 0, 400, 3600).z < MIN_Z
    assert log_odds(10, 90, 400, 3600).z == pytest.approx(0.0, abs=1e-9)
    assert log_odds(0, 0, 10, 10).z == 0.0
    assert log_odds(5, 0, 5, 0).z == 0.0  # the only name there is


async def test_coverage_equals_the_generated_truth(store: Store) -> None:
    clock = FakeClock(NOW)
    month = news_month(NOW)
    await ingest_month(store, month, clock)
    for outlet in OUTLETS:
        truth = month.carried(outlet)
        found = await coverage(store, outlet.lower(), clock)
        assert found.outlet == outlet
        assert (found.stories, found.shared, found.first) == (
            truth.stories,
            truth.shared,
            truth.first,
        ), outlet
        assert found.median_delay == truth.median_delay, outlet
        assert found.scope == "archive" and set(found.peers) == set(OUTLETS) - {outlet}
        expected = [s.title for s in month.blindspots(outlet)[:5]]
        assert [b.story.first.title for b in found.blindspots] == expected, outlet
        assert [b.outlets for b in found.blindspots] == [
            len(s.outlets) for s in month.blindspots(outlet)[:5]
        ]
    # The generator's habits show: the wire breaks most of what it shares, the Nile Post
    # comes last and misses stories the others carry, the Gulf Desk names Qatar.
    wire, nile = month.carried("Coast Wire"), month.carried("Nile Post")
    assert wire.first / wire.shared > 0.5 > nile.first / max(nile.shared, 1)
    assert nile.median_delay is not None and nile.median_delay > timedelta(hours=4)
    assert month.blindspots("Nile Post")
    gulf = await coverage(store, "Gulf Desk", clock)
    mine, others, mine_total, others_total = month.names("Gulf Desk")
    qatar = ("Qatar", "GPE")
    top = gulf.names[0]
    assert (top.entity.name, top.mine, top.others) == ("Qatar", mine[qatar], others.get(qatar, 0))
    assert top.z == pytest.approx(
        log_odds(mine[qatar], others.get(qatar, 0), mine_total, others_total).z
    )
    assert all(n.z >= MIN_Z for n in gulf.names)


async def test_outlets_resolve_by_name_and_the_period_is_bounded(store: Store) -> None:
    clock = FakeClock(NOW)
    await ingest_month(store, news_month(NOW, days=3), clock)
    choices = await outlet_choices(store, None, "desk", clock=clock)
    assert [c.outlet for c in choices] == ["Gulf Desk"]
    # Names starting with it first, then those holding it.
    found = await outlet_choices(store, None, "h", clock=clock)
    assert [c.outlet for c in found] == ["Harbour Times", "Valley Herald"]
    with pytest.raises(QueryError, match="No outlet called “Reuters”"):
        await find_outlet(store, "Reuters", guild_id=None, clock=clock)
    with pytest.raises(QueryError, match="could be"):
        await find_outlet(store, "e", guild_id=None, clock=clock)
    with pytest.raises(QueryError, match="between 1 and 90 days"):
        await find_outlet(store, "Gulf Desk", guild_id=None, days=91, clock=clock)
    # Three days of news seen from ten days on: nothing in the last two days.
    later = FakeClock(NOW + timedelta(days=10))
    with pytest.raises(QueryError, match="last 2 days"):
        await find_outlet(store, "Gulf Desk", guild_id=None, days=2, clock=later)
