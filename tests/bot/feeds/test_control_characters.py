"""A feed whose title, ids and items carry NUL and escape sequences (as character references,
which feedparser's lenient parser decodes) is polled and stored on both backends, clean."""

import re

from bot.clock import FakeClock
from bot.feeds.poller import FeedPoller
from bot.store import Store

from .newsroom import RSS, NewsSite, Reply

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour&#0; Times&#27;[2J</title>'
    b"<item><title>Ports&#0; reopen&#27;]8;;https://evil.example&#7;</title>"
    b"<guid>h&#0;-1&#27;</guid><author>Ann&#0; Lee</author>"
    b"<description>The harbour&#0; reopened &#27;[31mat dawn.</description></item>"
    b"</channel></rss>"
)


async def test_a_feed_full_of_control_characters_is_stored_clean(
    site: NewsSite, store: Store, poller: FeedPoller, clock: FakeClock
) -> None:
    site.serve("/harbour/rss.xml", Reply(FEED, content_type=RSS))
    async with store.transaction():
        feed = await store.add_feed(site.url("/harbour/rss.xml"), clock.now().isoformat(), 600)

    result = await poller.poll_feed(feed)

    assert result.error is None, result.error
    polled = await store.feed(feed.id)
    assert polled is not None and polled.title == "Harbour Times[2J"
    (article,) = await store.articles(result.added)
    assert article.title == "Ports reopen]8;;https://evil.example"
    assert article.body == "The harbour reopened [31mat dawn."
    assert article.author == "Ann Lee" and article.metadata["guid"].endswith("/harbour/h-1")
    stored = [article.origin, article.url or "", *map(str, article.metadata.values())]
    assert [text for text in stored if CONTROL.search(text)] == []
