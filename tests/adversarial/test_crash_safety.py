"""Crash safety: kill -9 the bot process in the middle of posting a digest or a feed's news,
restart it, and find the database whole (integrity and full-text checks), each run or
announcement recorded once, subscriptions kept, and each post in the channel once: nothing
lost, nothing posted twice. (The kill during a large ingest is in tests/bot/store.)"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.sandbox import DiscordEmulator
from bot.store import open_store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
POSTS = "POST /channels/*/messages"


@contextlib.asynccontextmanager
async def bot_process(
    discord: DiscordEmulator, db: Path, at: datetime
) -> AsyncIterator[asyncio.subprocess.Process]:
    """The bot in a child process against `discord`; SIGKILLed on exit if still running."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.adversarial.crash_bot",
        str(db),
        discord.emulator.api_url,
        discord.emulator.gateway_url,
        discord.token,
        at.isoformat(),
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield child
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()


async def until(child: asyncio.subprocess.Process, condition: object, what: str) -> None:
    """Wait (on the child, not on a clock) until `condition()` holds; fail if the child dies."""
    # Three minutes of the machine's time, not a count of polls: with two cores shared by a
    # dozen busy processes a bot's start alone took over the minute this used to allow.
    deadline = asyncio.get_running_loop().time() + 180.0
    while asyncio.get_running_loop().time() < deadline:
        if condition():  # type: ignore[operator]
            return
        assert child.returncode is None, f"the bot died before {what}"
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(child.wait()), 0.02)
    raise AssertionError(f"timed out waiting for {what}")


def runs_of(db: Path) -> list[tuple[str, str, int]]:
    """(slot, status, attempts) of every digest run, read by another connection."""
    with contextlib.closing(sqlite3.connect(db, timeout=1)) as con:
        return con.execute("SELECT slot, status, attempts FROM digest_runs").fetchall()


async def test_kill_9_mid_digest_post_then_restart_posts_it_exactly_once(
    seeded_database: Path, tmp_path: Path, clock: object
) -> None:
    digest = pytest.importorskip("bot.digest.manage", reason="digests have not landed yet")
    db = tmp_path / "newsdesk.db"
    shutil.copy(seeded_database, db)
    async with DiscordEmulator(clock=clock) as discord:
        news = discord.channel("news")
        async with await open_store(db) as store:
            draft = digest.draft_schedule(
                guild_id=discord.guild.id,
                channel_id=news.id,
                target="text",
                time="08:00",
                timezone="UTC",
                nothing_new="note",
                created_by=discord.alice.id,
                now=T0 - timedelta(days=2),
            )
            await store.add_digest_schedule(draft, T0 - timedelta(days=2))
        # The first post reaches Discord, but its answer is slow: the bot dies waiting for it.
        # The emulator shows the post on arrival, so the kill lands while its answer is held.
        discord.faults.slow(POSTS, delay=3.0)

        async with bot_process(discord, db, T0) as first:
            await discord.wait_for(
                lambda: discord.requests_to("POST", f"/channels/{news.id}/messages"),
                wait_seconds=60,
                what="the digest post to start",
            )
            first.kill()
            await first.wait()
        await discord.wait_for(lambda: discord.channel_messages(news), what="Discord to store it")
        assert [status for _, status, _ in runs_of(db)] == ["claimed"]

        # Restarted after the crashed claim's lease ran out.
        async with bot_process(discord, db, T0 + timedelta(minutes=6)) as second:
            await until(second, lambda: runs_of(db)[0][1] == "posted", "the run to be posted")

    posts = discord.channel_messages(news)
    parts = [embed["footer"]["text"] for m in posts for embed in m.embeds]  # "… part 1/1 …"
    assert parts and len(parts) == len(set(parts)), f"posted twice: {parts}"
    (run,) = runs_of(db)
    assert run[1] == "posted" and run[2] == 2
    async with await open_store(db) as store:
        assert await store.check_integrity() == []
        assert len(await store.digest_schedules(discord.guild.id)) == 1


@pytest.mark.parametrize("kill_at", ["fetching pages", "posting"])
async def test_kill_9_mid_feed_poll_then_restart_announces_each_story_once(
    seeded_database: Path, tmp_path: Path, clock: object, kill_at: str
) -> None:
    from tests.bot.feeds.newsroom import NewsSite

    db = tmp_path / "newsdesk.db"
    shutil.copy(seeded_database, db)
    async with NewsSite() as site, DiscordEmulator(clock=clock) as discord:
        news = discord.channel("news")
        async with await open_store(db) as store:
            stored_before = await store.count_articles()
        await primed_feed(db, site, discord)
        site.newsroom()  # the outlet publishes three stories
        page = "/harbour/news/cafe-levy"
        if kill_at == "fetching pages":
            site.serve(page, site.hang)  # the poll is stuck reading an article page
        else:
            discord.faults.slow(POSTS, delay=3.0)  # the post reaches Discord; its answer is slow

        async with bot_process(discord, db, T0 + timedelta(minutes=20)) as first:
            if kill_at == "fetching pages":
                await until(first, lambda: site.hits[page] > 0, "the page fetch")
            else:
                await until(first, lambda: discord.requests_to("POST", "/messages"), "a post")
            first.kill()
            await first.wait()
        if kill_at == "posting":
            await discord.wait_for(lambda: discord.channel_messages(news), what="the first post")
            assert announcements(db) and "posted" not in announcements(db)
        else:
            assert announcements(db) == []

        async with bot_process(discord, db, T0 + timedelta(minutes=40)) as second:
            await until(
                second,
                lambda: announcements(db) and set(announcements(db)) == {"posted"},
                "every story to be posted",
            )

    cards = [embed["title"] for m in discord.channel_messages(news) for embed in m.embeds]
    assert len(cards) == len(set(cards)) == 3, f"announced twice or lost: {cards}"
    async with await open_store(db) as store:
        assert await store.check_integrity() == []
        assert await store.count_articles() == stored_before + 3
        assert len(await store.guild_subscriptions(discord.guild.id)) == 1


async def primed_feed(db: Path, site: Any, discord: DiscordEmulator, identity: str = "") -> None:
    """#news follows the site's Harbour Times (under `identity`, if given), polled once while
    it lists nothing: whatever it publishes next is news."""
    from bot.feeds.fetcher import Fetcher
    from bot.feeds.poller import FeedPoller
    from tests.bot.feeds.conftest import TEST_POLICY
    from tests.bot.feeds.newsroom import RSS, Reply
    from tests.bot.feeds.test_poller import EMPTY_RSS

    site.serve("/harbour/rss.xml", Reply(EMPTY_RSS, content_type=RSS))
    async with await open_store(db) as store, Fetcher(TEST_POLICY) as fetcher:
        async with store.transaction():
            feed = await store.add_feed(site.url("/harbour/rss.xml"), T0.isoformat(), 900)
            subscription, _ = await store.add_subscription(
                guild_id=discord.guild.id,
                channel_id=discord.channel("news").id,
                feed_id=feed.id,
                filter_text="",
                role_id=None,
                created_by=discord.alice.id,
                now=T0.isoformat(),
            )
            if identity:
                await store.set_feed_options(
                    discord.guild.id, subscription.id, identity_name=identity
                )
        await FeedPoller(store, fetcher, clock=FakeClock(T0)).run_due()


def announcements(db: Path) -> list[str]:
    """The status of each queued announcement, read by another connection."""
    with contextlib.closing(sqlite3.connect(db, timeout=1)) as con:
        return [row[0] for row in con.execute("SELECT status FROM feed_announcements")]


async def test_kill_9_between_a_webhook_post_and_its_record_then_restart_posts_it_once(
    seeded_database: Path, tmp_path: Path, clock: object
) -> None:
    """A feed posted under its own name: Discord stores the webhook message, the bot dies
    before it hears back (so before it records it); the restarted bot finds the message in the
    channel and records it instead of posting it again (webhook posts carry no nonce)."""
    from tests.bot.feeds.newsroom import NewsSite

    db = tmp_path / "newsdesk.db"
    shutil.copy(seeded_database, db)
    async with NewsSite() as site, DiscordEmulator(clock=clock) as discord:
        news = discord.channel("news")
        await primed_feed(db, site, discord, identity="Harbour Times")
        site.newsroom()  # the outlet publishes three stories
        discord.faults.slow("POST /webhooks/*/*", delay=0.3)  # stored, but the answer is slow

        async with bot_process(discord, db, T0 + timedelta(minutes=20)) as first:
            await until(first, lambda: discord.requests_to("POST", "/webhooks/"), "a webhook post")
            first.kill()
            await first.wait()
        await discord.wait_for(lambda: discord.channel_messages(news), what="the webhook post")
        assert announcements(db) and "posted" not in announcements(db)
        assert webhook_posts(db) == []  # the bot died before recording it

        async with bot_process(discord, db, T0 + timedelta(minutes=40)) as second:
            await until(
                second,
                lambda: announcements(db) and set(announcements(db)) == {"posted"},
                "every story to be posted",
            )

    messages = discord.channel_messages(news)
    cards = [embed["title"] for m in messages for embed in m.embeds]
    assert len(cards) == len(set(cards)) == 3, f"announced twice or lost: {cards}"
    [webhook] = discord.webhooks(news)
    assert {(m.webhook_id, m.author.username) for m in messages} == {(webhook.id, "Harbour Times")}
    # The delivery record knows the webhook message of each story (cards share a message),
    # the one found after the crash too.
    recorded = webhook_posts(db)
    assert len(recorded) == 3
    assert set(recorded) == {(webhook.id, m.id) for m in messages}


def webhook_posts(db: Path) -> list[tuple[int, int]]:
    """(webhook id, message id) recorded for announcements, read by another connection."""
    with contextlib.closing(sqlite3.connect(db, timeout=1)) as con:
        return con.execute("SELECT webhook_id, message_id FROM webhook_posts").fetchall()
