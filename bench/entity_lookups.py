"""Entity lookups at scale: autocomplete, profiles, top lists and the `entity:` filter on a
synthetic database of N articles (Zipf-distributed names, 30 mentions an article), built with
the store's own `save_analysis` so the schema, triggers and indexes are the real ones.

    python -m bench.entity_lookups                        # 20k articles (about a minute)
    python -m bench.entity_lookups --articles 100000      # the size the store is tuned for

Figures at 100k articles (3.4M mentions, 94k entities; one machine, shared with other work):
autocomplete 0.1-4 ms for every prefix tried, exact name or alias 0.1-0.3 ms, profile of the
most mentioned entity (in 96% of articles) 23 ms, of a rare one 0.3 ms, top all-time 0.1 ms,
top of the last 7 days 14 ms and 30 days 160 ms; saving an analysis 3-6 ms an article
(3-10 ms here with the article read back, depending on load).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.models import ArticleDraft
from bot.models.analysis import Analysis, Mention, Sentence
from bot.nlp.enrichment import NLP_VERSION
from bot.nlp.lookup import (
    entity_article_ids,
    entity_choices,
    entity_profile,
    resolve_entity,
    top_entities,
)
from bot.store import Store, open_store

NAMES = 150_000
MENTIONS = 30
SYLLABLES = ["ka", "lo", "mi", "ra", "ben", "tal", "sha", "dor", "el", "ha", "vi", "ne", "go"]
LABELS = ["PERSON"] * 5 + ["ORG"] * 3 + ["GPE"] * 3 + ["NORP", "LOC", "EVENT"]
START = datetime(2024, 1, 1, tzinfo=UTC)


def _names(rng: random.Random) -> list[tuple[str, str]]:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    out = []
    for _ in range(NAMES):
        label = rng.choice(LABELS)
        out.append((f"{word()} {word()}" if label in ("PERSON", "ORG") else word(), label))
    return out


def _analysis(body: str, picks: list[tuple[str, str]]) -> Analysis:
    sentences = [Sentence(body[i * 100 : (i + 1) * 100], i * 100, (i + 1) * 100) for i in range(25)]
    mentions = []
    for j, (name, label) in enumerate(picks):
        at = (j * 61) % 2400
        mentions.append(Mention(name, label, at, at + 5, name, at // 100))
        if label == "PERSON" and j % 3 == 0:  # a surname later on: an alias
            mentions.append(Mention(name.split()[-1], label, at + 2500, at + 2506, name, 24))
    return Analysis(
        sentences=sentences,
        mentions=mentions,
        summary=[0, 1, 2],
        ranking=list(range(25)),
        terms=[("report", "talk", "official")] * 25,
        summarisable=[True] * 25,
    )


async def build(store: Store, articles: int) -> float:
    """Fill the store; return milliseconds per saved analysis."""
    rng = random.Random(1)
    names = _names(rng)
    weights = list(itertools.accumulate(1 / (i + 1) ** 1.05 for i in range(NAMES)))
    words = ["the", "report", "said", "talks", "officials", "on", "monday", "in", "a"]
    ids = []
    for first in range(0, articles, 1000):
        async with store.transaction():
            for n in range(first, min(articles, first + 1000)):
                when = (START + timedelta(minutes=10 * n)).isoformat(timespec="seconds")
                body = " ".join(rng.choice(words) for _ in range(400)) + f" n{n}."
                draft = ArticleDraft(
                    title=f"Story {n}", body=body, origin=f"bench:{n}", published_at=when
                )
                ids.append((await store.store_article(draft, when)).article_id)
    started = time.perf_counter()
    for article_id in ids:
        picks = [names[i] for i in rng.choices(range(NAMES), cum_weights=weights, k=MENTIONS)]
        article = await store.article(article_id)
        assert article is not None
        content_hash = await store.article_content_hash(article_id)
        async with store.transaction():
            await store.save_analysis(
                article_id, content_hash or "", NLP_VERSION, _analysis(article.body, picks), ""
            )
    return 1000 * (time.perf_counter() - started) / len(ids)


async def timed(label: str, work: Callable[[], Awaitable[Any]], rounds: int = 5) -> None:
    """Print the median and worst of `rounds` runs."""
    spent = []
    for _ in range(rounds):
        started = time.perf_counter()
        await work()
        spent.append(1000 * (time.perf_counter() - started))
    print(f"{label:38s} median {statistics.median(spent):8.1f} ms   max {max(spent):8.1f} ms")


async def measure(store: Store, articles: int) -> None:
    """Time each lookup the bot makes."""
    top = (await top_entities(store, limit=1))[0].entity
    # The newest entity was first named in the last articles: one of the rarest.
    async with store.conn.execute("SELECT max(id) FROM entities") as cursor:
        row = await cursor.fetchone()
    rare = await store.entity(row[0]) if row else None
    end = FakeClock(START + timedelta(minutes=10 * articles))
    for typed in ("", "k", "ka", "kal", top.name[:4], top.name, top.name.split()[-1], "zzz"):
        await timed(f"autocomplete {typed!r}", lambda t=typed: entity_choices(store, t))
    await timed("resolve the most mentioned", lambda: resolve_entity(store, top.name))
    await timed("profile the most mentioned", lambda: entity_profile(store, top.ref))
    await timed("profile a rare one", lambda: entity_profile(store, (rare or top).ref))
    await timed("top, all time", lambda: top_entities(store))
    await timed("top people, all time", lambda: top_entities(store, "person"))
    await timed("top, last 7 days", lambda: top_entities(store, days=7, clock=end))
    await timed("top people, last 30 days", lambda: top_entities(store, "person", 30, clock=end))
    await timed("entity: filter, most mentioned", lambda: entity_article_ids(store, top.ref))


async def main(articles: int, path: Path | None) -> None:
    """Build (or reuse) the database and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        db = path or Path(folder) / "entities.db"
        reuse = db.exists()
        async with await open_store(db) as store:
            if not reuse:
                per_article = await build(store, articles)
                print(f"saved {articles:,} analyses, {per_article:.1f} ms each")
            await measure(store, articles)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--db", type=Path, help="keep (or reuse) the database at this path")
    options = parser.parse_args()
    asyncio.run(main(options.articles, options.db))
