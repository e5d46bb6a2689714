"""`python -m bot reindex`: build the search index again from the database, into a new
directory beside the old one, and swap it in by renaming (readers of the old one keep their
open files; the next open reads the new one). Used after a change of the index's schema or
tokenizer, or to start clean; the store also rebuilds by itself an index it cannot read."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.store.index.keeping import SearchIndex


def fresh_beside(index: SearchIndex) -> SearchIndex:
    """An empty index to build the replacement of `index` in (in memory for one in memory)."""
    if index.path is None:
        return SearchIndex(None)
    building = index.path.with_name(index.path.name + ".building")
    shutil.rmtree(building, ignore_errors=True)  # a build that was interrupted
    return SearchIndex(building)


def swap_in(built: SearchIndex, old: SearchIndex) -> SearchIndex:
    """Put a finished build where the old index was; return the index opened there."""
    if old.path is None or built.path is None:
        return built
    retired = old.path.with_name(old.path.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if old.path.exists():
        old.path.rename(retired)
    built.path.rename(old.path)
    shutil.rmtree(retired, ignore_errors=True)
    return SearchIndex(Path(old.path))
