"""`migrate-store`: a SQLite database copied into PostgreSQL answers the same."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.cli import main
from bot.clock import FakeClock, utc_iso
from bot.cluster.migrate import migrate_store
from bot.ingest import ingest_drafts
from bot.models import ArticleDraft
from bot.models.update import StoryText
from bot.search import search
from bot.store import ScheduleDraft, SeenItem, open_store
from bot.stories.fingerprint import fingerprint, probe
from tests.backends import fresh_database


async def _fill(path: Path) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    async with await open_store(path) as store:
        async with store.transaction():
            await store.set_guild_setting(7, "prefix", "?")
        draft = ScheduleDraft(7, 55, "08:00", "Europe/London", "daily", created_by=1)
        await store.add_digest_schedule(draft, clock.now())
        now = utc_iso(clock.now())
        feed = await store.add_feed("https://harbour.example/feed.xml", now, 900)
        async with store.transaction():
            subscription, _ = await store.add_subscription(
                guild_id=7,
                channel_id=55,
                feed_id=feed.id,
                filter_text="",
                role_id=None,
                created_by=1,
                now=now,
            )
            await store.add_feed_items(feed.id, [SeenItem("g1", None, 1)], backlog=False, now=now)
            await store.queue_announcement(subscription, 1, 1, now)
            follow, _ = await store.add_follow(
                guild_id=7,
                user_id=9,
                channel_id=None,
                kind="query",
                target="Qatar",
                target_key="qatar",
                entity_key=None,
                entity_label=None,
                created_by=9,
                now=now,
            )
            await store.claim_notifications([(follow.id, 1)], now)
            # What the story's post told the channel, and a member following the story.
            told = StoryText(("A truce was agreed.",), (("Hamas",),), clock.now())
            await store.record_story_text(55, 1, 1, told, now)
            await store.add_story_follow(
                guild_id=7, user_id=9, channel_id=55, story_id=1, title="Truce", now=now
            )


INDEX_DEFINITIONS = (
    "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
    " WHERE indrelid::regclass::text NOT LIKE 'pg_%' ORDER BY 1"
)


async def _check(url: str, blank_url: str) -> None:
    async with await open_store(url, pool_size=2) as store:
        assert await store.count_articles() == 1
        # The indexes dropped for the copy are all back, as the migrations define them.
        blank = await asyncpg.connect(blank_url)
        try:
            expected = await blank.fetch(INDEX_DEFINITIONS)
        finally:
            await blank.close()
        async with store.pool.acquire() as conn:
            assert await conn.fetch(INDEX_DEFINITIONS) == expected
        assert await store.guild_setting(7, "prefix") == "?"
        assert [s.local_time for s in await store.digest_schedules(7)] == ["08:00"]
        page = await search(store, "Halev*")
        assert page.total == 1 and "\x02" in page.hits[0].snippet
        (halevi,) = await store.entities_named("Halevi")
        assert halevi.name == "Herzi Halevi" and halevi.article_count == 1
        assert await store.terms_starting("halev") == [("halevi", 1)]
        # New rows continue the copied ids.
        draft = ScheduleDraft(7, 56, "09:00", "Europe/London", "daily", created_by=1)
        added = await store.add_digest_schedule(draft, datetime(2026, 3, 3, tzinfo=UTC))
        assert added.id == 2
        # Feeds, stories, announcements, follows and notifications came along.
        ((feed, subscribers),) = await store.all_feeds()
        assert feed.url == "https://harbour.example/feed.xml" and subscribers == 1
        assert await store.feed_item_count(feed.id) == 1
        assert await store.stories_of([1]) == {1: 1}
        # ...with what later articles are matched against, and its index keys.
        seed = await store.article(1)
        assert seed is not None
        [[copied]] = await store.story_candidates(
            [probe(fingerprint(seed, seed.ingested_at), 0)], 5
        )
        assert copied.article_id == 1 and len(copied.sketch) == 4 * 64
        assert "truce" in copied.headline.split()
        (announcement,) = await store.pending_announcements()
        assert announcement.article.id == 1 and announcement.subscription_id == 1
        (notification,) = await store.pending_notifications()
        assert notification.follow.target == "Qatar" and notification.article_id == 1
        # ...and what the story's post said there, and who follows the story.
        [told] = await store.story_texts(55, 1)
        assert told.sentences == ("A truce was agreed.",) and told.names == (("Hamas",),)
        [followed] = await store.member_story_follows(7, 9)
        assert (followed.channel_id, followed.story_id, followed.title) == (55, 1, "Truce")
        # The seed's quotation came along with its analysis.
        (quote,) = await store.article_quotes(1)
        assert quote.quote == "pre-determined long-term period of time."
        again = await store.add_feed("https://coastal.example/rss", "2026-03-03T00:00:00Z", 900)
        assert again.id == 2


def test_migrate_store_copies_and_verifies(
    tmp_path: Path,
    seeded_database: Path,
    postgres_server: str,
    postgres_template: str,
    capsys: pytest.CaptureFixture,
) -> None:
    db = tmp_path / "newsdesk.db"
    shutil.copy(seeded_database, db)  # the seed article with its NLP results
    asyncio.run(_fill(db))

    async def run() -> int:
        async with (
            fresh_database(postgres_server, postgres_template) as url,
            fresh_database(postgres_server, postgres_template) as blank,
        ):
            status = await asyncio.to_thread(
                main, ["migrate-store", "--from", f"sqlite:///{db}", "--to", url, "--sample", "5"]
            )
            await _check(url, blank)
            again = await asyncio.to_thread(
                main, ["migrate-store", "--from", f"sqlite:///{db}", "--to", url]
            )
            assert again == 2  # refuses a database that already holds articles
        return status

    assert asyncio.run(run()) == 0
    printed = capsys.readouterr().out
    assert "verified" in printed and "mismatch" not in printed
    assert "articles" in printed and "entities" in printed
    assert "follow_notifications" in printed and "feed_announcements" in printed
    assert "quotes" in printed
    assert "story_texts" in printed and "story_follows" in printed
    assert "not copied" not in printed  # every table has a PostgreSQL home now


async def test_a_headline_ranked_past_the_checked_page_on_both_is_no_mismatch(
    tmp_path: Path, postgres_server: str, postgres_template: str
) -> None:
    """60 articles share a headline: the oldest rank below the first 50 on both backends
    (recency), which is the same answer, not a problem (reported one before)."""
    drafts = [
        ArticleDraft(
            title="Harbour pilots strike again",
            body=f"Report number {n} from the harbour.",
            origin=f"test:{n}",
            source="Wire",
            published_at=f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}T08:00:00+00:00",
        )
        for n in range(60)
    ]
    async with await open_store(tmp_path / "news.db") as sqlite:
        await ingest_drafts(sqlite, drafts)
        oldest = (await search(sqlite, '"Harbour" "pilots" "strike" "again"', per_page=50)).hits
        assert len(oldest) == 50  # ten of the sixty are past the checked page
        async with (
            fresh_database(postgres_server, postgres_template) as url,
            await open_store(url) as postgres,
        ):
            report = await migrate_store(sqlite, postgres, sample=60)
    assert report.problems == []
    assert report.searches == 60
