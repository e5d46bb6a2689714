"""What an entity was quoted as saying: newest first, one quotation carried by several outlets
listed once with the others named, near-duplicate wordings grouped, bounded periods and reads
(both backends)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.errors import EntityNotFound
from bot.insights import quotes as quotes_module
from bot.insights.quotes import entity_quotes, quotes_named
from bot.nlp.lookup import resolve_entity
from bot.store import Store
from tests.bot.insights.corpus import add_quotes

HALEVI = ("Herzi Halevi", "PERSON")
CLOCK = FakeClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))


async def test_one_quotation_from_several_outlets_is_listed_once(store: Store) -> None:
    await add_quotes(store, 1, HALEVI, ["We are ready to talk."], "2026-03-01", source="Reuters")
    await add_quotes(store, 2, HALEVI, ["we are ready to talk"], "2026-03-02", source="AP")
    await add_quotes(store, 3, HALEVI, ["We are ready to talk!"], "2026-03-02", source="AP")
    await add_quotes(store, 4, HALEVI, ["The gaps are wide."], "2026-03-03", source="BBC")

    said = await quotes_named(store, "herzi halevi", clock=CLOCK)
    assert said.entity.name == "Herzi Halevi" and not said.capped
    assert [(g.quote.quote, g.quote.source, g.also_in) for g in said.groups] == [
        ("The gaps are wide.", "BBC", ()),
        # The newest report is shown (AP, article 3); AP's other report is not another outlet.
        ("We are ready to talk!", "AP", ("Reuters",)),
    ]
    assert said.groups[1].as_json()["also_in"] == ["Reuters"]


async def test_wordings_trimmed_differently_are_one_quotation(store: Store) -> None:
    long = "We will reopen every berth by Friday and the ferries will run on time"
    await add_quotes(store, 1, HALEVI, [long], "2026-03-01", source="Harbour Times")
    await add_quotes(
        store, 2, HALEVI, ["We will reopen every berth by Friday"], "2026-03-02", source="Wire"
    )
    await add_quotes(store, 3, HALEVI, ["We will not reopen"], "2026-03-03", source="Wire")

    groups = (await quotes_named(store, "Herzi Halevi", clock=CLOCK)).groups
    assert [(g.quote.quote, g.also_in) for g in groups] == [
        ("We will not reopen", ()),  # four words: too short to be anyone's near-duplicate
        ("We will reopen every berth by Friday", ("Harbour Times",)),
    ]


async def test_days_and_reads_are_bounded(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    for n, day in enumerate(["2026-01-01", "2026-03-05", "2026-03-08"], start=1):
        await add_quotes(store, n, HALEVI, [f"Statement number {n} today."], day)
    halevi = await resolve_entity(store, "Herzi Halevi")

    week = await entity_quotes(store, halevi, days=7, clock=CLOCK)
    assert [g.quote.quote for g in week.groups] == [
        "Statement number 3 today.",
        "Statement number 2 today.",
    ]
    assert (await entity_quotes(store, halevi, days=100_000, clock=CLOCK)).days == 365

    monkeypatch.setattr(quotes_module, "MAX_READ", 2)
    capped = await entity_quotes(store, halevi, clock=CLOCK)
    assert capped.capped and len(capped.groups) == 2
    assert capped.as_json()["capped"] is True


async def test_an_unknown_name_is_a_friendly_error(store: Store) -> None:
    with pytest.raises(EntityNotFound):
        await quotes_named(store, "Nobody Known")
