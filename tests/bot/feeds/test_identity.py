"""A feed's own identity, checked and set: Discord's rules for webhook names and avatar
addresses, "none" to clear, guild-scoped writes, and setting it again lets a channel whose
webhook an admin deleted get a new one (its fallbacks news again), on both backends."""

from __future__ import annotations

import pytest

from bot.feeds.identity import Identity, IdentityError, check_avatar, check_name, set_identity
from bot.store import ChannelWebhook, FeedOptions, Store

NOW = "2026-03-02T09:00:00+00:00"


def test_names_and_avatars_follow_discords_rules() -> None:
    assert check_name("  Harbour   Times ") == "Harbour Times"
    assert check_name(None) is None and check_name("None") == "" and check_name("-") == ""
    for bad in ("", "x" * 81, "Discord Daily", "clyde", "everyone", "Here"):
        with pytest.raises(IdentityError):
            check_name(bad)
    assert (
        check_avatar(" <https://harbour.example/logo.png> ") == "https://harbour.example/logo.png"
    )
    assert check_avatar("off") == "" and check_avatar(None) is None
    for bad in ("javascript:alert(1)", "ftp://x.example/a.png", "https://", "https://a b.png"):
        with pytest.raises(IdentityError):
            check_avatar(bad)
    assert Identity.of(FeedOptions(1)) is None
    assert Identity.of(FeedOptions(1, avatar_url="https://a.example/x.png")) == Identity(
        "", "https://a.example/x.png"
    )


async def test_setting_an_identity_is_guild_scoped_and_renews_a_deleted_webhook(
    store: Store,
) -> None:
    async with store.transaction():
        feed = await store.add_feed("https://harbour.example/rss.xml", NOW, 900)
        subscription, _ = await store.add_subscription(
            guild_id=1,
            channel_id=11,
            feed_id=feed.id,
            filter_text="",
            role_id=None,
            created_by=7,
            now=NOW,
        )
        await store.save_channel_webhook(ChannelWebhook(11, 1, 5001, gone=True))
        await store.note_webhook_fallback(11, "webhook deleted", NOW)
    assert await set_identity(store, 2, subscription.id, name="Stolen", avatar_url=None) is None
    assert (await store.channel_webhook(11) or ChannelWebhook(0, 0, None)).gone  # untouched

    options = await set_identity(store, 1, subscription.id, name="Harbour Times", avatar_url=None)
    assert options == FeedOptions(subscription.id, "Harbour Times")
    assert await store.channel_webhook(11) == ChannelWebhook(11, 1, None, gone=False)
    async with store.transaction():
        assert await store.note_webhook_fallback(11, "webhook deleted", NOW)  # news again
    cleared = await set_identity(store, 1, subscription.id, name="none", avatar_url=None)
    assert cleared == FeedOptions(subscription.id)
