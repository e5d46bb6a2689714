"""Draw the example charts in docs/ from a small, realistic corpus, through the real pipeline.

    .venv/bin/python docs/make_charts.py          # writes docs/entity-trend.png, entity-network.png

The corpus is a month of short wire reports about truce talks (written here from templates
with a fixed seed, so every run draws the same pictures) plus the seed article; each is
ingested and analysed by the real NLP step into a temporary database, and the charts are the
ones `/entity-trend` and `/entity-network` attach.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.ingest import ingest_drafts, ingest_paths
from bot.insights.network import EntityNetwork, entity_network, network_png
from bot.insights.trend import Trend, entity_trend, trend_png
from bot.models import ArticleDraft
from bot.nlp import NlpService
from bot.nlp.enrichment import enrich_articles
from bot.store import open_store

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

SEED = 11
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FIRST_DAY = date(2026, 2, 1)
DAYS = 30
SOURCES = ("Wire", "YWN", "Gulf Desk", "Cairo Bureau")

# The story: talks in Doha around 18-21 Feb, a Cairo round around 24-27 Feb.
DOHA_ROUND = range(17, 21)
CAIRO_ROUND = range(23, 27)

TALKS = (
    "Qatari mediators met a Hamas delegation in Doha on {weekday} to discuss a ceasefire.",
    "Israeli officials, led by Herzi Halevi, flew to Doha for a new round of talks with Qatar.",
    "Ismail Haniyeh said Hamas was studying the proposal presented by Qatar and Egypt.",
    "Benny Gantz told reporters that Israel would not stop operations in Gaza before a deal.",
    "The Shin Bet and the Mossad sent senior officials to the talks, according to the report.",
    "Egypt said its intelligence chief would host Hamas leaders in Cairo next week.",
    "Qatar has funded fuel for the Gaza power plant for two years, officials in Doha said.",
    "Hamas demanded guarantees from Egypt and Qatar before agreeing to a longer truce.",
    "The National Security Council met in Jerusalem to review the terms of the truce.",
)
CAIRO = (
    "Egyptian mediators hosted a Hamas delegation in Cairo on {weekday}.",
    "Egypt proposed a phased truce, and Hamas said it would answer within days.",
    "Israeli negotiators returned from Cairo without a deal, Israel Radio reported.",
    "Ismail Haniyeh spoke with Egypt's intelligence chief by phone, Hamas said.",
)
OTHER = (
    "Egypt's central bank kept interest rates unchanged on {weekday}, citing inflation.",
    "Qatar Airways announced new routes to Europe starting in the spring.",
    "The Israeli cabinet approved a budget amendment for northern towns.",
    "Egypt reopened the Rafah crossing for medical evacuations, the health ministry said.",
    "Qatar's emir received the Turkish foreign minister in Doha.",
)
TITLES = {
    "talks": ("Truce talks continue in Doha", "Hamas studies Qatari proposal", "Doha talks"),
    "cairo": ("Cairo hosts Hamas delegation", "Egypt proposes phased truce"),
    "other": ("Egypt holds rates", "Regional briefs", "Qatar news in brief"),
}


def _report(rng: random.Random, day: date, kind: str, number: int) -> ArticleDraft:
    pool = {"talks": TALKS, "cairo": CAIRO, "other": OTHER}[kind]
    sentences = rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))
    body = " ".join(s.format(weekday=f"{day:%A}") for s in sentences)
    hour = rng.randint(6, 20)
    return ArticleDraft(
        title=rng.choice(TITLES[kind]),
        body=body,
        origin=f"docs:charts:{number}",
        source=rng.choice(SOURCES),
        published_at=f"{day.isoformat()}T{hour:02d}:00:00+00:00",
    )


def corpus() -> list[ArticleDraft]:
    """About a hundred dated reports: a quiet month with two rounds of talks."""
    rng = random.Random(SEED)
    drafts = []
    for offset in range(DAYS):
        day = FIRST_DAY + timedelta(days=offset)
        talks = 4 if offset in DOHA_ROUND else 1 if rng.random() < 0.6 else 0
        cairo = 4 if offset in CAIRO_ROUND else 0
        other = rng.randint(0, 2)
        for kind, count in (("talks", talks), ("cairo", cairo), ("other", other)):
            for _ in range(count):
                drafts.append(_report(rng, day, kind, len(drafts)))
    return drafts


async def build() -> tuple[Trend, EntityNetwork, int]:
    """Ingest the corpus into a temporary database; return both charts' data and its size."""
    clock = FakeClock(NOW)
    service = NlpService("inline")
    with tempfile.TemporaryDirectory() as folder:
        async with await open_store(Path(folder) / "charts.db") as store:

            async def enrich(ids: Sequence[int]) -> None:
                await enrich_articles(store, ids, service, clock=clock)

            await ingest_paths(store, [ROOT / "seeds"], clock=clock, enrich=enrich)
            report = await ingest_drafts(store, corpus(), clock=clock, enrich=enrich)
            trend = await entity_trend(store, ["Hamas", "Qatar", "Egypt"], DAYS, clock=clock)
            network = await entity_network(store, "Hamas", clock=clock)
    service.close()
    return trend, network, len(report.added)


def main() -> None:
    """Write both charts next to this file and say what they show."""
    trend, network, added = asyncio.run(build())
    (DOCS / "entity-trend.png").write_bytes(trend_png(trend))
    (DOCS / "entity-network.png").write_bytes(network_png(network))
    print(f"{added} reports; wrote {DOCS / 'entity-trend.png'} and entity-network.png")
    for series in trend.series:
        print(f"  {series.entity.name}: {series.total} mentions, per day {list(series.mentions)}")
    companions = ", ".join(f"{n.entity.name} ({n.shared_articles})" for n in network.neighbours)
    print(f"  named with Hamas in {network.hub_articles} articles: {companions}")


if __name__ == "__main__":
    main()
