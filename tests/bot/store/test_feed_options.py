"""Subscriptions' own options, channel webhooks, fallbacks told once and webhook posts, on both
backends: guild-scoped writes, defaults, cascades."""

from __future__ import annotations

from bot.models import ArticleDraft
from bot.store import ChannelWebhook, FeedOptions, Store, Subscription, WebhookPost

NOW = "2026-03-02T09:00:00+00:00"
GUILD, OTHER = 101, 202


async def subscribed(store: Store, guild: int, channel: int, url: str) -> Subscription:
    async with store.transaction():
        feed = await store.add_feed(url, NOW, 900)
        subscription, _ = await store.add_subscription(
            guild_id=guild,
            channel_id=channel,
            feed_id=feed.id,
            filter_text="",
            role_id=None,
            created_by=1,
            now=NOW,
        )
    return subscription


async def test_options_default_then_change_one_at_a_time_in_their_guild_only(
    store: Store,
) -> None:
    mine = await subscribed(store, GUILD, 11, "https://harbour.example/rss")
    assert await store.feed_options(mine.id) == FeedOptions(mine.id)
    assert not (await store.feed_options(mine.id)).own_identity

    async with store.transaction():
        named = await store.set_feed_options(GUILD, mine.id, identity_name="Harbour Times")
        both = await store.set_feed_options(
            GUILD, mine.id, avatar_url="https://harbour.example/logo.png", selector="article p"
        )
        unchanged = await store.set_feed_options(GUILD, mine.id)
        forged = await store.set_feed_options(OTHER, mine.id, identity_name="Rival")
    assert named == FeedOptions(mine.id, "Harbour Times")
    logo = "https://harbour.example/logo.png"
    expected = FeedOptions(mine.id, "Harbour Times", logo, "article p")
    assert both == unchanged == expected and expected.own_identity
    assert forged is None
    assert await store.feed_options(mine.id) == expected
    assert await store.guild_feed_options(GUILD) == [expected]
    assert await store.guild_feed_options(OTHER) == []
    assert await store.set_feed_options(GUILD, 999_999) is None

    async with store.transaction():
        await store.set_feed_options(GUILD, mine.id, identity_name="")
    assert (await store.feed_options(mine.id)).identity_name == ""


async def test_a_feeds_selectors_come_oldest_subscription_first_and_go_with_it(
    store: Store,
) -> None:
    first = await subscribed(store, GUILD, 11, "https://harbour.example/rss")
    second = await subscribed(store, OTHER, 22, "https://harbour.example/rss")
    quiet = await subscribed(store, GUILD, 12, "https://harbour.example/rss")
    async with store.transaction():
        await store.set_feed_options(OTHER, second.id, selector=".story")
        await store.set_feed_options(GUILD, first.id, selector="article")
        await store.set_feed_options(GUILD, quiet.id, identity_name="Quiet")
    assert await store.feed_selectors(first.feed_id) == ["article", ".story"]
    async with store.transaction():
        assert await store.remove_subscription(GUILD, first.id)
    assert await store.feed_selectors(first.feed_id) == [".story"]
    assert await store.feed_options(first.id) == FeedOptions(first.id)


async def test_channel_webhooks_fallbacks_told_once_and_webhook_posts(store: Store) -> None:
    assert await store.channel_webhook(11) is None
    async with store.transaction():
        await store.save_channel_webhook(ChannelWebhook(11, GUILD, 5001))
    assert await store.channel_webhook(11) == ChannelWebhook(11, GUILD, 5001, gone=False)
    async with store.transaction():
        await store.save_channel_webhook(ChannelWebhook(11, GUILD, 5001, gone=True))
    assert (await store.channel_webhook(11) or ChannelWebhook(0, 0, None)).gone

    async with store.transaction():
        first = await store.note_webhook_fallback(11, "webhook deleted", NOW)
        again = await store.note_webhook_fallback(11, "webhook deleted", NOW)
        other_kind = await store.note_webhook_fallback(11, "missing permission", NOW)
        elsewhere = await store.note_webhook_fallback(12, "webhook deleted", NOW)
    assert (first, again, other_kind, elsewhere) == (True, False, True, True)
    async with store.transaction():
        assert await store.clear_webhook_fallbacks(11) == 2
        assert await store.note_webhook_fallback(11, "webhook deleted", NOW)

    subscription = await subscribed(store, GUILD, 11, "https://harbour.example/rss")
    async with store.transaction():
        for n in (1, 2):
            draft = ArticleDraft(title=f"Story {n}", body="Ports close.", origin=f"x:{n}")
            await store.store_article(draft, NOW)
    article_ids = [a.id for a in await store.latest_articles(2)]
    async with store.transaction():
        for story in article_ids:
            assert await store.queue_announcement(subscription, story, story, NOW)
    pending = [p.id for p in await store.pending_announcements()]
    posts = [WebhookPost(pending[0], 11, 5001, 9001)]
    async with store.transaction():
        await store.record_webhook_posts(posts)
        await store.record_webhook_posts([WebhookPost(pending[0], 11, 5001, 9999)])
    assert await store.webhook_posts(pending) == posts
    assert await store.webhook_posts([]) == []
