"""CLI commands over the article store: ingest, search, show, stats."""

from __future__ import annotations

import argparse
import re
from collections.abc import Awaitable

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bot.cli.arguments import MAX_ID, whole
from bot.cli.common import enricher_for, not_analysed, with_store
from bot.cli.feeds import ingest_remote, split_remote
from bot.config import Settings
from bot.errors import ArticleNotFound
from bot.ingest import IngestReport, ingest_paths
from bot.models import COUNT_CAP, SNIPPET_END, SNIPPET_START
from bot.nlp.enrichment import NlpFailure
from bot.nlp.lookup import entity_article_ids
from bot.render.text import plural
from bot.search import (
    MAX_PAGE,
    MAX_PER_PAGE,
    SearchFilters,
    count_text,
    last_page,
    pages_text,
    parse_query,
    past_the_end_text,
    search,
    suggestions,
)
from bot.store import Store
from bot.terminal import shown, terminal

out = terminal()
_MARKERS = re.compile(f"([{SNIPPET_START}{SNIPPET_END}])")


async def ingest_with_progress(
    store: Store, paths: list[str], nlp: bool = True, failed: list[NlpFailure] | None = None
) -> IngestReport:
    """Ingest paths showing a rich progress bar (only on a terminal); articles the NLP step
    could not analyse go to `failed` (else they are logged)."""
    columns = (
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=out, transient=True, disable=not out.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, description=shown(path[-50:]))

        enrich = enricher_for(store, nlp, failed)
        return await ingest_paths(store, paths, enrich=enrich, progress=progress)


def _ingest(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        paths, remote = list(args.paths), []
        if any("://" in p or p == "feed" for p in paths):
            # Web pages and `feed URL` go through the feeds package's fetcher.
            paths, remote = split_remote(paths)
        failed: list[NlpFailure] = []
        report = await ingest_with_progress(store, paths, nlp=not args.no_nlp, failed=failed)
        if remote:
            enrich = enricher_for(store, not args.no_nlp, failed)
            await ingest_remote(store, remote, report, enrich=enrich)
        for skipped in report.skipped:
            out.print(f"[yellow]skipped[/] {shown(skipped.where)}: {shown(skipped.reason)}")
        for line in not_analysed(failed):
            out.print(line, soft_wrap=True)
        total = await store.count_articles()
        out.print(
            f"{report.summary()} — {plural(total, 'article')} in {shown(settings.database_label)}"
        )
        # Exit 1 only when nothing at all could be read: partial success is success.
        nothing = not (report.changed or report.unchanged or report.duplicates)
        return 1 if report.skipped and nothing else 0

    return with_store(settings, work)


def _marked(snippet: str) -> str:
    # The markers are control characters themselves: split on them before `shown` drops them.
    pieces = _MARKERS.split(snippet)
    tags = {SNIPPET_START: "[bold yellow]", SNIPPET_END: "[/]"}
    return "".join(tags.get(piece) or shown(piece) for piece in pieces)


LIMIT = 10  # results a page by default, as on the web


def _search(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        def resolver(name: str) -> Awaitable[list[int]]:
            return entity_article_ids(store, name)

        options = SearchFilters(sources=(args.source,) if args.source else ())
        page = await search(
            store,
            parse_query(" ".join(args.query), options),
            page=args.page,
            per_page=args.limit,
            entity_articles=resolver,
        )
        if args.json:
            out.print_data(
                {
                    "total": page.total,
                    "total_at_least": page.total_at_least,
                    "page": page.page,
                    "pages": page.pages,
                    "pages_at_least": page.pages_at_least,
                    "hits": [
                        {
                            "id": h.id,
                            "title": h.title,
                            "source": h.source,
                            "when": h.when,
                            "snippet": h.snippet.replace(SNIPPET_START, "**").replace(
                                SNIPPET_END, "**"
                            ),
                        }
                        for h in page.hits
                    ],
                }
            )
            return 0 if page.hits else 1
        if page.past_the_end:
            out.print(past_the_end_text(page))
            return 1
        if not page.hits:
            out.print(f"No articles match {shown(page.query)!r}.")
            near = await suggestions(store, page.query)
            if near:
                out.print(f"Did you mean: {shown(', '.join(near))}?")
            return 1
        out.print(f"[dim]{count_text(page)} · page {page.page} of {pages_text(page)}[/]")
        for note in page.notes:
            out.print(f"[yellow]note:[/] {shown(note)}")
        for hit in page.hits:
            meta = " · ".join(x for x in (hit.source, hit.when[:10]) if x)
            out.print(f"[bold cyan]#{hit.id}[/] [bold]{shown(hit.title)}[/] [dim]{shown(meta)}[/]")
            out.print(f"    {_marked(hit.snippet)}")
        return 0

    return with_store(settings, work)


def _show(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        article = await store.article(args.id)
        if article is None:
            raise ArticleNotFound(f"no article with id {args.id}")
        out.print(f"[bold]{shown(article.title)}[/]")
        meta = " · ".join(
            x for x in (article.source, article.desk, article.dateline, article.when) if x
        )
        out.print(f"[dim]#{article.id} · {shown(meta)}[/]")
        if article.url:
            out.print(shown(article.url))
        if article.caption:
            out.print(f"\n[italic]{shown(article.caption)}[/]")
        for paragraph in article.paragraphs:
            out.print("\n" + shown(paragraph))
        return 0

    return with_store(settings, work)


def _stats(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        stats = await store.article_stats()
        table = Table(title="Newsdesk corpus", show_header=False)
        table.add_row("database", shown(settings.database_label))
        for key, value in stats.items():
            table.add_row(key, f"{value:,}" if isinstance(value, int) else shown(value or "–"))
        out.print(table)
        return 0

    return with_store(settings, work)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ingest, search, show and stats."""
    p = sub.add_parser(
        "ingest",
        help="load articles from files, folders and the web (.txt .json .jsonl .html, URLs)",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="file or folder (recursive), an article's http(s) URL, or `feed URL`",
    )
    p.add_argument("--no-nlp", action="store_true", help="skip summaries and entities")
    p.set_defaults(func=_ingest)

    p = sub.add_parser(
        "search",
        help="full-text search",
        description='Words must all match; "exact phrase", -exclude, a OR b, prefix*, '
        "source:NAME, after:YYYY-MM-DD, before:YYYY-MM-DD, entity:NAME. "
        "Put -- before a query that starts with a minus: search -- -word term.",
    )
    p.add_argument("query", nargs="+", help="the search (quote it in the shell)")
    p.add_argument(
        "--page",
        type=whole(1, MAX_PAGE),
        default=1,
        help=f"page: a search shows its first {COUNT_CAP:,} articles, so pages go to"
        f" {COUNT_CAP:,} ÷ --limit ({last_page(LIMIT)} at the default {LIMIT})",
    )
    p.add_argument(
        "--limit",
        type=whole(1, MAX_PER_PAGE),
        default=LIMIT,
        help=f"results per page (1–{MAX_PER_PAGE}, default {LIMIT})",
    )
    p.add_argument("--source", help="only this source")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_search)

    p = sub.add_parser("show", help="print one article")
    p.add_argument("id", type=whole(1, MAX_ID), help="article id (see `search`)")
    p.set_defaults(func=_show)

    p = sub.add_parser("stats", help="corpus figures")
    p.set_defaults(func=_stats)
