"""Moving a server's feeds in and out as OPML: importing a list into a channel (each feed added,
already there, or refused with the reason, all in one transaction) and exporting the server's
feeds as OPML 2.0. Used by `/feeds import|export` and `python -m bot feeds import|export`."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field

from bot.clock import Clock, SystemClock, utc_iso
from bot.feeds.fetcher import FetchPolicy, address_refusal
from bot.feeds.opml import OpmlDocument, OpmlFeed, read_opml, write_opml
from bot.feeds.subscriptions import DEFAULT_INTERVAL_SECONDS, FeedUrlError, normalise_feed_url
from bot.ingest.urls import canonical_url
from bot.store import Store

# How many feeds a server may follow (`/feeds add` and imports alike).
MAX_FEEDS_PER_GUILD = 100


@dataclass
class ImportReport:
    """What an import did: feeds added, feeds the channel already had, and those refused."""

    added: list[OpmlFeed] = field(default_factory=list)
    already: list[OpmlFeed] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (the outline, why)


async def read_opml_file(data: bytes) -> OpmlDocument:
    """Read OPML bytes off the event loop (OpmlRefused for a file that is not OPML)."""
    return await asyncio.to_thread(read_opml, data)


def _checked(feed: OpmlFeed, policy: FetchPolicy) -> OpmlFeed | str:
    """The feed with its canonical address, or why it cannot be followed."""
    try:
        address = canonical_url(normalise_feed_url(feed.url))
    except (FeedUrlError, ValueError) as exc:
        return str(exc) if isinstance(exc, FeedUrlError) else "not a usable web address"
    refused = address_refusal(address, policy)
    return refused if refused else dataclasses.replace(feed, url=address)


async def import_opml(
    store: Store,
    document: OpmlDocument,
    *,
    guild_id: int,
    channel_id: int,
    created_by: int,
    policy: FetchPolicy | None = None,
    limit: int = MAX_FEEDS_PER_GUILD,
    clock: Clock | None = None,
) -> ImportReport:
    """Follow every feed an OPML document lists in one channel of one guild, in one
    transaction (a failure leaves nothing behind). Feeds are checked, not fetched: each is
    polled like any new feed, and only its items published from now on are posted."""
    report = ImportReport(refused=list(document.refused))
    existing = await store.guild_subscriptions(guild_id)
    here = {feed.url for subscription, feed in existing if subscription.channel_id == channel_id}
    room = limit - len(existing)
    wanted: list[OpmlFeed] = []
    for listed in document.feeds:
        checked = _checked(listed, policy or FetchPolicy())
        name = listed.title or listed.url
        if isinstance(checked, str):
            report.refused.append((name, checked))
        elif checked.url in here or checked.url in {f.url for f in wanted}:
            report.already.append(checked)
        elif len(wanted) >= room:
            report.refused.append((name, f"over the server's limit of {limit} feeds"))
        else:
            wanted.append(checked)
    now = utc_iso((clock or SystemClock()).now())
    async with store.transaction():
        for feed in wanted:
            stored = await store.add_feed(feed.url, now, DEFAULT_INTERVAL_SECONDS)
            if not stored.title and (feed.title or feed.site_url):
                named = dataclasses.replace(
                    stored, title=feed.title, site_url=stored.site_url or feed.site_url
                )
                await store.save_feed(named)
            await store.add_subscription(
                guild_id=guild_id,
                channel_id=channel_id,
                feed_id=stored.id,
                filter_text="",
                role_id=None,
                created_by=created_by,
                now=now,
            )
            report.added.append(feed)
    return report


async def export_opml(store: Store, guild_id: int, title: str, clock: Clock | None = None) -> bytes:
    """The guild's feeds as an OPML 2.0 document (each feed once, whatever its channels)."""
    feeds: dict[str, OpmlFeed] = {}
    for _, feed in await store.guild_subscriptions(guild_id):
        feeds.setdefault(feed.url, OpmlFeed(feed.url, feed.title, feed.site_url))
    created = (clock or SystemClock()).now()
    return await asyncio.to_thread(write_opml, title, list(feeds.values()), created)
