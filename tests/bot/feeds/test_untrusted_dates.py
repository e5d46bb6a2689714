"""A feed item dated in the future is dated when it was fetched (its claim kept as metadata), so
it cannot rank first in every search and catch-up for decades."""

from bot.clock import FakeClock
from bot.feeds.poller import FeedPoller
from bot.search import search
from bot.store import Store

from .newsroom import RSS, NewsSite, Reply


def item(guid: str, title: str, when: str) -> str:
    body = f"{title}: the harbour reopened to ferries after the storm, officials said."
    return (
        f"<item><title>{title}</title><guid>{guid}</guid><pubDate>{when}</pubDate>"
        f"<description>{body}</description></item>"
    )


def rss(*items: str) -> bytes:
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>'
    return (head + "".join(items) + "</channel></rss>").encode()


async def test_a_feed_item_from_the_future_is_dated_when_it_was_fetched(
    site: NewsSite, store: Store, poller: FeedPoller, clock: FakeClock
) -> None:
    future = item("h-2099", "Claims to be from 2099", "Thu, 31 Dec 2099 23:00:00 GMT")
    honest = item("h-1", "Ferries sail again", "Fri, 20 Feb 2026 22:15:00 GMT")
    site.serve("/harbour/rss.xml", Reply(rss(future, honest), content_type=RSS))
    fetched_at = clock.now()
    async with store.transaction():
        feed = await store.add_feed(site.url("/harbour/rss.xml"), fetched_at.isoformat(), 600)

    first = await poller.poll_feed(feed)
    clock.advance(days=1)
    news = item("h-2", "Ports busy again", "Tue, 03 Mar 2026 08:00:00 GMT")
    site.serve("/harbour/rss.xml", Reply(rss(news, future, honest), content_type=RSS))
    polled = await store.feed(feed.id)
    assert polled is not None
    second = await poller.poll_feed(polled)

    by_title = {a.title: a for a in await store.articles(first.added + second.added)}
    claimed = by_title["Claims to be from 2099"]
    assert claimed.published_at == fetched_at.isoformat(timespec="seconds")
    assert claimed.metadata["claimed_published_at"] == "2099-12-31T23:00:00+00:00"
    assert by_title["Ferries sail again"].published_at == "2026-02-20T22:15:00+00:00"
    assert "claimed_published_at" not in by_title["Ferries sail again"].metadata
    page = await search(store, "reopened storm officials")
    assert [hit.title for hit in page.hits] == [
        "Ports busy again",
        "Claims to be from 2099",
        "Ferries sail again",
    ]
