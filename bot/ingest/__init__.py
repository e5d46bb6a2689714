"""Ingest: read articles from files, folders and records and store each one exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.clock import Clock, SystemClock, utc_iso
from bot.ingest.files import find_files, read_file
from bot.ingest.text import ArticleFormatError, parse_text
from bot.models import ArticleDraft
from bot.store import Outcome, Store
from bot.stories import catch_up_stories, place_new_articles

__all__ = [
    "ArticleFormatError",
    "IngestReport",
    "Skipped",
    "ingest_drafts",
    "ingest_paths",
    "parse_text",
]

# Drafts per write transaction: big enough to amortise the commit, small enough to keep the
# write lock short so the bot keeps answering while a large folder loads.
BATCH_SIZE = 200

Enricher = Callable[[Sequence[int]], Awaitable[None]]
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Skipped:
    """An input that was not stored, and why."""

    where: str
    reason: str


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    duplicates: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def changed(self) -> list[int]:
        """Ids of articles that are new or whose text changed (they need NLP)."""
        return self.added + self.updated

    def summary(self) -> str:
        """One line for humans: counts of each outcome."""
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{self.unchanged + self.duplicates} already stored, {len(self.skipped)} skipped"
        )


async def ingest_drafts(
    store: Store,
    drafts: Iterable[ArticleDraft],
    *,
    clock: Clock | None = None,
    enrich: Enricher | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Store drafts in batches (each batch one transaction, which also places the new articles
    in their stories), then enrich the changed ones."""
    report = report or IngestReport()
    now = utc_iso((clock or SystemClock()).now())
    batch: list[ArticleDraft] = []

    async def flush() -> None:
        changed: list[int] = []
        async with store.transaction():
            results = await store.store_articles(batch, now)
            # In the same transaction: no article is ever stored without its story.
            stored_now = zip(results, batch, strict=True)
            added = [(s.article_id, d) for s, d in stored_now if s.outcome is Outcome.ADDED]
            await place_new_articles(store, added, now)
            for stored in results:
                if stored.outcome is Outcome.ADDED:
                    report.added.append(stored.article_id)
                    changed.append(stored.article_id)
                elif stored.outcome is Outcome.UPDATED:
                    report.updated.append(stored.article_id)
                    changed.append(stored.article_id)
                elif stored.outcome is Outcome.UNCHANGED:
                    report.unchanged += 1
                else:
                    report.duplicates += 1
        batch.clear()
        if enrich and changed:
            await enrich(changed)

    for draft in drafts:
        batch.append(draft)
        if len(batch) >= BATCH_SIZE:
            await flush()
    if batch:
        await flush()
    return report


async def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    clock: Clock | None = None,
    enrich: Enricher | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files and folders; bad inputs are skipped with a reason and the rest still load.
    Stored articles still without a story (from an older version) are placed first."""
    await catch_up_stories(store, clock=clock)
    files, missing = find_files([Path(p) for p in paths])
    report = IngestReport(skipped=[Skipped(w, r) for w, r in missing])
    for done, path in enumerate(files, start=1):
        # Reading and parsing is CPU and disk work: keep it off the event loop.
        parsed = await asyncio.to_thread(lambda p=path: list(read_file(p)))
        drafts = []
        for where, item in parsed:
            if isinstance(item, str):
                report.skipped.append(Skipped(where, item))
            else:
                drafts.append(item)
        await ingest_drafts(store, drafts, clock=clock, enrich=enrich, report=report)
        if progress:
            progress(done, len(files), str(path))
    return report
