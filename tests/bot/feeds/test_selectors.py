"""A feed's own CSS selector for its articles' text: checked when typed, used by the poller for
new articles (on both backends), kept off when it selects too little, and named as the text
source; trying it on the feed's latest page shows what it picks."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from bot.feeds.extraction import set_selector, text_source, try_selector
from bot.feeds.fetcher import Fetcher
from bot.feeds.parse import extract_article
from bot.feeds.poller import FeedPoller
from bot.feeds.selectors import SelectorInvalid, check_selector, selected_html
from bot.store import Store

from .newsroom import EMPTY_RSS, RSS, NewsSite, Reply
from .test_poller import follow, later

LIVE = " ".join(f"Live update {n}: the harbour crews cleared another berth." for n in range(8))
TEASER = " ".join(f"Teaser line {n} about something else entirely today." for n in range(12))
# A page where the story sits in a live-blog box beside a longer teaser: which part an
# extractor takes is a guess; a selector says it.
PAGE = f"""<html><head><title>Harbour live</title></head><body><main><article>
<h1>Harbour live</h1><div class="teaser"><p>{TEASER}</p></div>
<section class="live-body"><p>{LIVE}</p><script>track()</script></section>
</article></main></body></html>""".encode()
ONE_ITEM = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>
<link>/harbour/</link><item><title>Harbour live</title><link>/harbour/live</link>
<guid>live-1</guid></item></channel></rss>"""


def test_selectors_are_checked_when_typed() -> None:
    assert check_selector("  section.live-body   p ") == "section.live-body p"
    assert check_selector(None) is None and check_selector("none") == ""
    for bad in ("div[", "p:nth-child(", "::", "x" * 201, "p <script>"):
        with pytest.raises(SelectorInvalid):
            check_selector(bad)


def test_a_selector_picks_its_text_and_falls_back_when_it_picks_too_little() -> None:
    assert len(selected_html(PAGE, "section.live-body")) == 1
    assert selected_html(PAGE, ".nothing-here") == [] and selected_html(b"", "p") == []
    chosen = extract_article(PAGE, "https://harbour.example/live", "section.live-body")
    assert chosen.selector == "section.live-body"
    assert chosen.body == LIVE and "Teaser" not in chosen.body and "track()" not in chosen.body
    assert chosen.title == "Harbour live"
    too_little = extract_article(PAGE, "https://harbour.example/live", "h1")
    assert too_little.selector == "" and "Teaser line" in too_little.body  # trafilatura's


def test_the_text_source_says_where_the_text_came_from() -> None:
    assert text_source({"text_from": "page"}) == "page, trafilatura"
    assert text_source({"text_from": "page", "selector": ".x"}) == "page, CSS selector .x"
    assert text_source({"text_from": "feed"}) == "the feed's own text"
    assert text_source({"text_from": "title"}) == "the title only"
    assert text_source({}) == "a file or page ingested by hand"


async def test_new_articles_take_the_feeds_selector_and_say_so(
    site: NewsSite, store: Store, fetcher: Fetcher, poller: FeedPoller, clock: FakeClock
) -> None:
    site.serve("/harbour/rss.xml", Reply(EMPTY_RSS, content_type=RSS))
    subscription = await follow(store, fetcher, site.url("/harbour/rss.xml"))
    await poller.run_due()  # primed: nothing listed yet
    assert await set_selector(store, 2, subscription.id, "section.live-body") is None  # forged
    options = await set_selector(store, 1, subscription.id, "section.live-body")
    assert options is not None and options.selector == "section.live-body"
    site.serve("/harbour/live", Reply(PAGE))
    site.serve("/harbour/rss.xml", Reply(ONE_ITEM, content_type=RSS))
    await later(clock, store, subscription.feed_id)
    [result] = await poller.run_due()

    [article] = await store.articles(result.added)
    assert article.body == LIVE
    assert text_source(article.metadata) == "page, CSS selector section.live-body"
    trial = await try_selector(store, fetcher, subscription.feed_id, "section.live-body")
    assert (trial.url, trial.text, trial.problem) == (site.url("/harbour/live"), LIVE, "")
    assert trial.words == len(LIVE.split())
    nothing = await try_selector(store, fetcher, subscription.feed_id, "h1")
    assert nothing.problem == "it selects too little there"
    with pytest.raises(SelectorInvalid):
        await set_selector(store, 1, subscription.id, "div[")
    assert (await store.feed_options(subscription.id)).selector == "section.live-body"
