"""Ingest: read articles from files, folders and records and store each one exactly once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot import work
from bot.clock import Clock, SystemClock, utc_iso
from bot.ingest.clean import clean_draft
from bot.ingest.files import Parsed, file_origin, find_files, read_file
from bot.ingest.text import ArticleFormatError, parse_text
from bot.ingest.urls import quote_controls
from bot.models import ArticleDraft
from bot.store import Outcome, Store, Stored
from bot.stories import Fingerprint, catch_up_stories, fingerprints, place_printed

__all__ = [
    "ArticleFormatError",
    "IngestReport",
    "Skipped",
    "ingest_drafts",
    "ingest_paths",
    "parse_text",
]

log = logging.getLogger(__name__)

# Drafts per write transaction: big enough to amortise the commit, small enough to keep the
# write lock short so the bot keeps answering while a large folder loads.
BATCH_SIZE = 200
# Changed articles after which a long ingest catches the search index up (otherwise once, at
# its end: a tantivy commit costs about the same for 200 articles as for 5,000).
INDEX_EVERY = 5_000

# Analyses those of the ids that need it; may return how many it analysed.
Enricher = Callable[[Sequence[int]], Awaitable[int | None]]
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
    resumed: int = 0  # articles met already stored but never analysed (a crash), now analysed

    @property
    def changed(self) -> list[int]:
        """Ids of articles that are new or whose text changed (they need NLP)."""
        return self.added + self.updated

    def summary(self) -> str:
        """One line for humans: counts of each outcome."""
        line = (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{self.unchanged + self.duplicates} already stored, {len(self.skipped)} skipped"
        )
        if self.resumed:
            line += f"; {resumed_line(self.resumed)}"
        return line


def resumed_line(count: int) -> str:
    """What to say when articles met already stored were analysed (a crash had left them
    without a current analysis)."""
    return f"analysed {count} already stored article{'' if count == 1 else 's'} lacking it"


async def ingest_drafts(
    store: Store,
    drafts: Iterable[ArticleDraft],
    *,
    clock: Clock | None = None,
    enrich: Enricher | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Store drafts in batches (each batch one transaction, which also places the new articles
    in their stories), then enrich the changed ones.

    Every draft is checked first (`clean_draft`): control characters leave every text field,
    and a publication date later than now is capped at now, the claimed one kept in its
    metadata as `claimed_published_at`; a draft with no title left is skipped.

    The search index takes the stored articles at the end (and every INDEX_EVERY changed
    articles), not after each batch (store.search_index_deferred)."""
    report = report or IngestReport()
    moment = (clock or SystemClock()).now()
    now = utc_iso(moment)
    batch: list[ArticleDraft] = []

    async def flush() -> None:
        changed: list[int] = []
        before = len(report.changed)
        known: list[int] = []
        # Each draft's hash (normalising its whole text) is worked out in a thread, before the
        # transaction: a feed's 1,000,000-character page held the event loop for 0.2 s.
        await work.to_thread(_hash_drafts, batch)
        async with store.transaction():
            results, prints = await _store_and_print(store, batch, now)
            # In the same transaction: no article is ever stored without its story.
            stored_now = zip(results, prints, strict=True)
            added = [(s.article_id, p) for s, p in stored_now if s.outcome is Outcome.ADDED]
            await place_printed(store, added, now)
            for stored in results:
                if stored.outcome is Outcome.ADDED:
                    report.added.append(stored.article_id)
                    changed.append(stored.article_id)
                elif stored.outcome is Outcome.UPDATED:
                    report.updated.append(stored.article_id)
                    changed.append(stored.article_id)
                else:
                    known.append(stored.article_id)
                    if stored.outcome is Outcome.UNCHANGED:
                        report.unchanged += 1
                    else:
                        report.duplicates += 1
        batch.clear()
        if len(report.changed) // INDEX_EVERY > before // INDEX_EVERY:
            await store.catch_up_search_index()
        if enrich and changed:
            await enrich(changed)
        if enrich and known:
            # Already stored, but perhaps never analysed (killed between the two): the
            # enricher analyses only those that need it, and says how many.
            report.resumed += await enrich(known) or 0

    async with store.search_index_deferred():
        for draft in drafts:
            try:
                batch.append(clean_draft(draft, moment))
            except ArticleFormatError as exc:
                report.skipped.append(Skipped(quote_controls(draft.origin), str(exc)))
                continue
            if len(batch) >= BATCH_SIZE:
                await flush()
        if batch:
            await flush()
    return report


async def _store_and_print(
    store: Store, batch: list[ArticleDraft], now: str
) -> tuple[list[Stored], list[Fingerprint]]:
    """Store a batch (inside the caller's transaction) and work out each draft's story
    fingerprint meanwhile, in a thread (the database works outside the GIL): 0.6 s of CPU for
    2,000 articles, as long again as the inserts, taken off the critical path."""
    printed, written = await asyncio.gather(
        work.to_thread(fingerprints, list(batch), now),
        store.store_articles(batch, now),
        return_exceptions=True,
    )
    # Both ran to their end before either's failure is raised: no statement of the
    # transaction runs after it has rolled back.
    for outcome in (written, printed):
        if isinstance(outcome, BaseException):
            raise outcome
    assert isinstance(printed, list) and isinstance(written, list)
    return written, printed


def _hash_drafts(drafts: Sequence[ArticleDraft]) -> None:
    """Compute (and keep: a cached property) each draft's content hash."""
    for draft in drafts:
        _ = draft.content_hash


def _failure(exc: Exception) -> str:
    """One line saying why a file could not be read, whatever was raised."""
    detail = (str(exc).splitlines() or [""])[0][:200]
    return f"could not be read ({type(exc).__name__}{': ' + detail if detail else ''})"


def _next_items(items: Parsed, path: Path) -> list[tuple[str, ArticleDraft | str]]:
    """Up to BATCH_SIZE items from one file's reader (blocking: run it in a thread). Whatever
    the reader raises ends that file with one reason; what it yielded before is kept."""
    taken: list[tuple[str, ArticleDraft | str]] = []
    try:
        for item in items:
            taken.append(item)
            if len(taken) >= BATCH_SIZE:
                break
    except Exception as exc:
        log.debug("reading %s failed", path, exc_info=True)
        taken.append((file_origin(path), _failure(exc)))
    return taken


async def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    clock: Clock | None = None,
    enrich: Enricher | None = None,
    progress: Progress | None = None,
    max_line_bytes: int | None = None,
) -> IngestReport:
    """Ingest files and folders; a bad file or record is skipped with a one-line reason and
    the rest still load. JSON Lines lines are capped at `max_line_bytes` (default 10 MiB).
    Stored articles still without a story (from an older version) are placed first; the
    search index takes the articles at the end (and every INDEX_EVERY), not per batch."""
    await catch_up_stories(store, clock=clock)
    files, missing = find_files([Path(p) for p in paths])
    report = IngestReport(skipped=[Skipped(w, r) for w, r in missing])
    async with store.search_index_deferred():
        await _ingest_files(store, files, report, clock, enrich, progress, max_line_bytes)
    return report


async def _ingest_files(
    store: Store,
    files: Sequence[Path],
    report: IngestReport,
    clock: Clock | None,
    enrich: Enricher | None,
    progress: Progress | None,
    max_line_bytes: int | None,
) -> None:
    """Each file's articles, a batch at a time, into `report`."""
    for done, path in enumerate(files, start=1):
        items = read_file(path, max_line_bytes=max_line_bytes)
        # Reading and parsing is CPU and disk work: off the event loop, a batch at a time so
        # a file of any size holds one batch of drafts in memory.
        while chunk := await asyncio.to_thread(_next_items, items, path):
            drafts = []
            for where, item in chunk:
                if isinstance(item, str):
                    report.skipped.append(Skipped(where, item))
                else:
                    drafts.append(item)
            await ingest_drafts(store, drafts, clock=clock, enrich=enrich, report=report)
        if progress:
            progress(done, len(files), str(path))
