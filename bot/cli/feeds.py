"""CLI for live news: `ingest URL`, `ingest feed URL` through the fetcher; `feeds list|poll`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from urllib.parse import urlsplit

from rich.table import Table

from bot.cli import feed_moves
from bot.cli.arguments import MAX_ID, whole
from bot.cli.common import enricher_for
from bot.clock import SystemClock, utc_iso
from bot.config import Settings
from bot.feeds.fetcher import Fetched, Fetcher, FetchError, FetchPolicy
from bot.feeds.health import assess
from bot.feeds.parse import (
    FeedFormatError,
    NoArticle,
    extract_article,
    page_draft,
    page_origin,
    parse_feed,
    register_html_reader,
)
from bot.feeds.poller import FeedPoller
from bot.feeds.polling import PollResult
from bot.feeds.subscriptions import DEFAULT_INTERVAL_SECONDS
from bot.ingest import Enricher, IngestReport, Skipped, ingest_drafts
from bot.ingest.urls import canonical_url
from bot.store import Store, open_store
from bot.terminal import printable, shown, terminal

out = terminal()

# Whoever runs the CLI owns the machine: fetching from its own network is no escalation,
# unlike a Discord user's /feeds add (which the bot's default policy keeps off private hosts).
CLI_POLICY = FetchPolicy(allow_private=True)

Remote = tuple[str, bool]  # (URL, known to be a feed)


def is_url(text: str) -> bool:
    """True for an http(s) address (what `ingest` fetches instead of reading a file)."""
    return urlsplit(text).scheme in {"http", "https"} and bool(urlsplit(text).netloc)


def split_remote(paths: Sequence[str]) -> tuple[list[str], list[Remote]]:
    """Split `ingest` arguments into local paths and URLs; `feed URL` marks a URL as a feed."""
    local: list[str] = []
    remote: list[Remote] = []
    index = 0
    while index < len(paths):
        word = paths[index]
        if word == "feed" and index + 1 < len(paths) and is_url(paths[index + 1]):
            remote.append((paths[index + 1], True))
            index += 2
            continue
        if is_url(word):
            remote.append((word, False))
        else:
            local.append(word)
        index += 1
    return local, remote


def _looks_like_feed(fetched: Fetched) -> bool:
    kind = fetched.content_type
    head = fetched.body[:512].lstrip().lower()
    return "xml" in kind or "rss" in kind or "atom" in kind or head.startswith((b"<?xml", b"<rss"))


async def ingest_remote(
    store: Store, remote: Sequence[Remote], report: IngestReport, *, enrich: Enricher | None
) -> None:
    """Fetch each URL: a feed has its items ingested, a page its article; add to `report`."""
    async with Fetcher(CLI_POLICY) as fetcher:
        poller = FeedPoller(store, fetcher, enrich=enrich)
        for url, as_feed in remote:
            try:
                if as_feed or await store.feed_by_url(canonical_url(url)):
                    await _ingest_feed(store, poller, url, None, report)
                    continue
                fetched = await fetcher.fetch_page(url)
                if _looks_like_feed(fetched):
                    await _ingest_feed(store, poller, url, fetched, report)
                else:
                    await _ingest_page(store, fetched, report, enrich)
            except (FetchError, NoArticle, FeedFormatError) as exc:
                report.skipped.append(Skipped(url, str(exc)))


async def _ingest_feed(
    store: Store, poller: FeedPoller, url: str, fetched: Fetched | None, report: IngestReport
) -> None:
    if await store.feed_by_url(canonical_url(url)) is None:
        # A feed new to Newsdesk is kept only once it answers as a feed: a first try that
        # fails (FetchError, FeedFormatError) leaves no nameless feed row behind.
        fetched = fetched or await poller.fetcher.get(url)
        content_type = fetched.headers.get("content-type")
        await asyncio.to_thread(parse_feed, fetched.body, fetched.url, content_type)
    now = utc_iso(SystemClock().now())
    async with store.transaction():
        feed = await store.add_feed(canonical_url(url), now, DEFAULT_INTERVAL_SECONDS)
    result = await poller.poll_feed(feed, fetched=fetched)
    _print_poll(result)
    report.added.extend(result.added)
    report.unchanged += result.new_items - len(result.added)
    if result.error:
        report.skipped.append(Skipped(url, result.error))


async def _ingest_page(
    store: Store, fetched: Fetched, report: IngestReport, enrich: Enricher | None
) -> None:
    page = await asyncio.to_thread(extract_article, fetched.body, fetched.url)
    origin = page_origin(fetched.url, page)
    source = page.sitename or (urlsplit(fetched.url).hostname or "")
    draft = page_draft(page, origin, origin, source)
    await ingest_drafts(store, [draft], enrich=enrich, report=report)


def _print_poll(result: PollResult) -> None:
    feed = result.feed
    name = shown(feed.name)
    if result.error:
        out.print(f"[red]feed[/] {name}: {shown(result.status)} — {shown(result.error)}")
        return
    health = assess(feed, SystemClock().now())
    rate = health.extraction_rate
    full = f", full text for {rate:.0%}" if rate is not None else ""
    out.print(
        f"[green]feed[/] {name}: {result.status}, {result.new_items} new item(s), "
        f"{len(result.added)} new article(s){full}"
    )


def _list(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work() -> int:
        async with await open_store(
            settings.store_url, index_dir=settings.search_index_dir or None
        ) as store:
            feeds = await store.all_feeds()
            if not feeds:
                out.print("No feeds yet: `ingest feed URL`, or /feeds add in Discord.")
                return 0
            now = SystemClock().now()
            table = Table(title="Feeds")
            for column in ("#", "feed", "status", "last success", "last new item", "full text"):
                table.add_column(column)
            for feed, subscribers in feeds:
                health = assess(feed, now)
                rate = health.extraction_rate
                table.add_row(
                    str(feed.id),
                    shown(printable(feed.name)[:60])
                    + (f" [dim]({subscribers} sub.)[/]" if subscribers else ""),
                    f"{health.state}: {shown(health.status)}",
                    (health.last_success_at or "never")[:16],
                    (health.last_new_item_at or "never")[:16],
                    f"{rate:.0%}" if rate is not None else "–",
                )
            out.print(table)
            return 0

    return asyncio.run(work())


def _poll(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work() -> int:
        async with (
            await open_store(
                settings.store_url, index_dir=settings.search_index_dir or None
            ) as store,
            Fetcher(CLI_POLICY) as fetcher,
        ):
            poller = FeedPoller(store, fetcher, enrich=enricher_for(store, not args.no_nlp))
            results = await poller.run_due()
            for result in results:
                _print_poll(result)
            if not results:
                out.print("No subscribed feed is due.")
            return 0 if all(r.ok for r in results) else 1

    return asyncio.run(work())


def _log(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work() -> int:
        async with await open_store(
            settings.store_url, index_dir=settings.search_index_dir or None
        ) as store:
            subscription = await store.subscription_by_id(args.id)
            if subscription is None:
                out.print(f"[red]No subscription #{args.id}[/] (see `feeds list`).")
                return 1
            lines, total = await store.delivery_log(
                subscription.guild_id, subscription.id, limit=args.limit
            )
            table = Table(title=f"Delivery log of subscription #{subscription.id} ({total} kept)")
            for column in ("when", "outcome", "item", "why / post"):
                table.add_column(column)
            for line in lines:
                why = " ".join(x for x in (line.detail, line.link or "") if x)
                table.add_row(line.at[:16], str(line.outcome), shown(line.title), shown(why))
            out.print(table)
            return 0

    return asyncio.run(work())


def register(sub: argparse._SubParsersAction) -> None:
    """Add `feeds list`, `feeds poll`, `feeds log`, `feeds import` and `feeds export`; let
    `ingest` read saved .html pages."""
    register_html_reader()
    p = sub.add_parser(
        "feeds",
        help="feed health, and polling subscribed feeds once",
        description="`ingest URL` stores one web article; `ingest feed URL` a feed's items.",
    )
    feeds = p.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    listing = feeds.add_parser("list", help="every feed with its health")
    listing.set_defaults(func=_list)
    poll = feeds.add_parser(
        "poll", help="poll the subscribed feeds that are due (the bot announces what is new)"
    )
    poll.add_argument("--no-nlp", action="store_true", help="skip summaries and entities")
    poll.set_defaults(func=_poll)
    log = feeds.add_parser(
        "log", help="what became of each item a subscription saw, and why (newest first)"
    )
    log.add_argument(
        "id", type=whole(1, MAX_ID), help="the subscription's number (/feeds list in Discord)"
    )
    log.add_argument(
        "--limit", type=whole(1, 1000), default=30, help="lines to show (1–1000, default 30)"
    )
    log.set_defaults(func=_log)
    feed_moves.add_commands(feeds)
