"""`migrate-store`: copy a SQLite Newsdesk database into PostgreSQL, then verify the copy.

The copy itself is bot/store/transfer.py (the store owns the SQL). Then row counts are
compared table by table and a sample of headlines is searched on both sides.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.errors import NewsdeskError
from bot.search import search
from bot.store import Store
from bot.store.transfer import copy_sqlite_to_postgres, headlines, row_counts


@dataclass
class MigrationReport:
    """What was copied and what the checks found."""

    copied: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # tables only the source has
    problems: list[str] = field(default_factory=list)
    searches: int = 0

    @property
    def ok(self) -> bool:
        """True when every count matched and every sampled search found its article."""
        return not self.problems


async def migrate_store(
    sqlite: Store, target: Store, *, sample: int = 20, seed: int = 0
) -> MigrationReport:
    """Copy everything from `sqlite` into an empty `target`, then verify counts and searches."""
    if await target.count_articles():
        raise NewsdeskError("the PostgreSQL database already holds articles; use an empty one")
    copied = await copy_sqlite_to_postgres(sqlite, target)
    report = MigrationReport(copied.rows, copied.skipped, copied.problems)
    await _verify(sqlite, target, report, sample, seed)
    return report


async def _verify(
    sqlite: Store, target: Store, report: MigrationReport, sample: int, seed: int
) -> None:
    found = await row_counts(target, list(report.copied))
    for table, copied in report.copied.items():
        if found[table] != copied:
            report.problems.append(f"{table}: {copied} rows read, {found[table]} in PostgreSQL")
    titles = await headlines(sqlite)
    for article_id, title in random.Random(seed).sample(titles, min(sample, len(titles))):
        words = " ".join(f'"{w}"' for w in title.replace('"', " ").split()[:4])
        if not words:
            continue
        report.searches += 1
        before = await search(sqlite, words, per_page=50)
        after = await search(target, words, per_page=50)
        # A headline's own article may rank below the first 50 (many share its words, and
        # recency counts): a problem only when SQLite shows it and PostgreSQL does not.
        shown = article_id in {hit.id for hit in before.hits}
        if shown and article_id not in {hit.id for hit in after.hits}:
            report.problems.append(f"search {words} finds article {article_id} only in SQLite")
        elif after.total != before.total:
            report.problems.append(
                f"search {words}: {before.total} hits in SQLite, {after.total} in PostgreSQL"
            )
