"""`reindex`: build the search index again from the database (bot/store/index/)."""

from __future__ import annotations

import argparse

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from bot.cli.common import with_store
from bot.config import Settings
from bot.render.text import plural
from bot.store import Store
from bot.terminal import shown, terminal

out = terminal()


def _reindex(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        columns = (
            TextColumn("[bold]reindex"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=out, transient=True, disable=not out.is_terminal) as bar:
            task = bar.add_task("", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            held = await store.rebuild_search_index(progress)
        out.print(
            f"search index rebuilt: {plural(held, 'article')} from {shown(settings.database_label)}"
        )
        return 0

    return with_store(settings, work)


def register(sub: argparse._SubParsersAction) -> None:
    """Add reindex."""
    p = sub.add_parser(
        "reindex",
        help="build the search index again from the database",
        description="Build the search index (beside the SQLite file, or SEARCH_INDEX_DIR) "
        "again from the database, in a new directory swapped in when done. The bot keeps the "
        "index in step by itself and rebuilds one it cannot read; run this after an upgrade "
        "that says so, or to start the index clean.",
    )
    p.set_defaults(func=_reindex)
