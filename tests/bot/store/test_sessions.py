"""The web's store domain on both backends: sign-ins used once, sessions that expire and end on
sign-out, the servers the bot is in, and feed poll times for /healthz."""

from __future__ import annotations

import dataclasses

from bot.store import MemberGuild, Store, WebSession

NOW = "2026-03-02T09:00:00+00:00"
LATER = "2026-03-02T10:00:00+00:00"
MUCH_LATER = "2026-03-10T09:00:00+00:00"


def a_session(key: str = "k1", expires_at: str = MUCH_LATER) -> WebSession:
    return WebSession(
        key=key,
        user_id=2**60 + 7,  # snowflakes pass 2**53: kept exact on both backends
        username="alice",
        guilds=(
            MemberGuild(id=2**60 + 1, name="Newsroom", owner=True, permissions=2**40 + 8),
            MemberGuild(id=99, name="Café “Ω”", owner=False, permissions=0),
        ),
        csrf_token="csrf-abc",
        created_at=NOW,
        expires_at=expires_at,
    )


async def test_a_sign_in_is_taken_once_and_not_after_it_expired(store: Store) -> None:
    async with store.transaction():
        await store.start_sign_in("s1", "verifier-1", "/search?q=x", now=NOW, expires_at=LATER)
        await store.start_sign_in("s2", "verifier-2", "/", now=NOW, expires_at=LATER)
    async with store.transaction():
        taken = await store.finish_sign_in("s1", NOW)
    assert taken is not None
    assert (taken.verifier, taken.next_path) == ("verifier-1", "/search?q=x")
    async with store.transaction():
        assert await store.finish_sign_in("s1", NOW) is None  # a state is used once
        assert await store.finish_sign_in("s2", LATER) is None  # expired
        assert await store.finish_sign_in("unknown", NOW) is None


async def test_a_session_is_read_back_whole_until_it_expires_or_is_closed(store: Store) -> None:
    async with store.transaction():
        await store.open_web_session(a_session("k1"))
        await store.open_web_session(a_session("k2", expires_at=LATER))
    assert await store.web_session("k1", NOW) == a_session("k1")
    assert await store.web_session("k2", LATER) is None  # expired at LATER
    assert await store.web_session("nope", NOW) is None
    async with store.transaction():
        assert await store.close_web_session("k1") is True
        assert await store.close_web_session("k1") is False
    assert await store.web_session("k1", NOW) is None


async def test_purging_removes_only_what_expired(store: Store) -> None:
    async with store.transaction():
        await store.open_web_session(a_session("old", expires_at=LATER))
        await store.open_web_session(a_session("new"))
        await store.start_sign_in("s", "v", "/", now=NOW, expires_at=LATER)
        assert await store.purge_web_sessions(LATER) == 2
    assert await store.web_session("new", LATER) is not None


async def test_the_servers_the_bot_is_in_are_recorded_renamed_and_forgotten(store: Store) -> None:
    big = 2**60 + 1
    async with store.transaction():
        await store.record_bot_guilds([(big, "Newsroom"), (5, "Alpha")], NOW)
        await store.record_bot_guilds([(5, "Alpha renamed")], LATER)
    assert [(g.id, g.name) for g in await store.bot_guilds()] == [
        (5, "Alpha renamed"),
        (big, "Newsroom"),
    ]
    assert [g.id for g in await store.bot_guilds([big, 123])] == [big]
    assert await store.bot_guilds([]) == []
    async with store.transaction():
        assert await store.forget_bot_guilds([5, 6]) == 1
        assert await store.forget_bot_guilds([]) == 0
    assert [g.id for g in await store.bot_guilds()] == [big]


async def test_feed_poll_times_count_subscribed_feeds_and_their_latest_polls(store: Store) -> None:
    assert await store.feed_poll_times() == (0, None, None)
    async with store.transaction():
        feed = await store.add_feed("https://example.org/feed.xml", NOW, 900)
        await store.add_feed("https://example.org/unfollowed.xml", NOW, 900)
        await store.add_subscription(
            guild_id=1,
            channel_id=2,
            feed_id=feed.id,
            filter_text="",
            role_id=None,
            created_by=3,
            now=NOW,
        )
    assert await store.feed_poll_times() == (1, None, None)
    polled = dataclasses.replace(feed, last_polled_at=LATER, last_success_at=NOW)
    async with store.transaction():
        assert await store.save_feed(polled)
    assert await store.feed_poll_times() == (1, LATER, NOW)
