"""The feed poller wired to a running bot: its store and clock, the delivery module's feed
poster and update poster (story updates in threads, and to followers by DM), the NLP step for
new articles (and the follows that hear of them), the stored NLP summary for cards, and the
default timezone for quiet hours."""

from __future__ import annotations

from collections.abc import Sequence

from bot.client.delivery.feeds import FeedPoster
from bot.client.delivery.updates import UpdatePoster
from bot.client.newsbot import NewsBot
from bot.feeds.fetcher import Fetcher
from bot.feeds.pages import page_article
from bot.feeds.poller import FeedPoller
from bot.models import Article
from bot.nlp.enrichment import enrich_articles
from bot.nlp.lookup import card_summary


def feed_poller(bot: NewsBot, fetcher: Fetcher) -> FeedPoller:
    """A poller that announces through `bot`'s poster (start it with `.start()`)."""
    store, service, clock = bot.store, bot.nlp_service, bot.clock

    async def enrich(ids: Sequence[int]) -> None:
        await enrich_articles(store, ids, service, clock=clock)
        # Follows and other listeners hear about the new articles; in the background, so a
        # slow DM never holds up the next feed.
        bot.tasks.spawn(bot.articles_added(ids), name="articles-added")

    async def summarize(article: Article) -> str | None:
        return await card_summary(store, article)

    poster = FeedPoster(bot.poster, store)
    updates = UpdatePoster(bot.poster)
    return FeedPoller(
        store,
        fetcher,
        clock=clock,
        announce=poster.announce,
        notify=poster.alert,
        enrich=enrich,
        entity_articles=bot.entity_articles,
        summarize=summarize,
        zone=bot.settings.tz,
        post_update=updates.post,
        tell_follower=updates.tell,
        # Page extraction runs in the NLP worker process (a 9 MB page is seconds of CPU).
        extract=lambda body, url, selector: service.run(page_article, body, url, selector),
        metrics=bot.metrics,
    )
