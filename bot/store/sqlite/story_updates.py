"""SQL for story updates: what each channel was told of a story, later reports queued as
updates, story follows and the updates each follower is owed.

Contract: bot/store/interface/story_updates.py (records: bot/store/records/story_updates.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.models.delivery import PostedMessage
from bot.models.update import StoryText
from bot.store.records.feed_delivery import DeliveryOutcome
from bot.store.records.feeds import Subscription
from bot.store.records.story_updates import (
    NOTICE_COLUMNS,
    PENDING_UPDATE_COLUMNS,
    PENDING_UPDATE_FROM,
    STORY_FOLLOW_COLUMNS,
    STORY_TEXTS_READ,
    UPDATE_COLUMNS,
    PendingUpdate,
    StoryFollow,
    StoryNotice,
    UpdateRecord,
    notice_from_row,
    pending_update_from_row,
    story_follow_from_row,
    text_from_row,
    text_values,
    update_from_row,
)
from bot.store.sqlite.db import marks


class StoryUpdateQueries:
    """Story update statements; mixed into `SqliteStore`, which owns `conn`."""

    conn: aiosqlite.Connection

    # -- what a channel was told ------------------------------------------------------------

    async def record_story_text(
        self, channel_id: int, story_id: int, article_id: int, text: StoryText, now: str
    ) -> None:
        await self.conn.execute(
            "INSERT INTO story_texts (channel_id, story_id, article_id, sentences, names,"
            " published, at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel_id, story_id, article_id) DO NOTHING",
            (channel_id, story_id, article_id, *text_values(text), now),
        )

    async def story_texts(self, channel_id: int, story_id: int) -> list[StoryText]:
        async with self.conn.execute(
            "SELECT sentences, names, published FROM story_texts"
            " WHERE channel_id = ? AND story_id = ? ORDER BY at DESC, article_id DESC LIMIT ?",
            (channel_id, story_id, STORY_TEXTS_READ),
        ) as cur:
            rows = list(await cur.fetchall())
        return [text_from_row(row) for row in reversed(rows)]

    async def story_text(self, channel_id: int, story_id: int, article_id: int) -> StoryText | None:
        async with self.conn.execute(
            "SELECT sentences, names, published FROM story_texts"
            " WHERE channel_id = ? AND story_id = ? AND article_id = ?",
            (channel_id, story_id, article_id),
        ) as cur:
            row = await cur.fetchone()
        return text_from_row(row) if row else None

    async def forget_story_texts(self, before: str) -> int:
        cursor = await self.conn.execute("DELETE FROM story_texts WHERE at < ?", (before,))
        return cursor.rowcount

    # -- updates -----------------------------------------------------------------------------

    async def queue_story_update(
        self, subscription: Subscription, story_id: int, article_id: int, now: str
    ) -> int | None:
        channel = subscription.channel_id
        cursor = await self.conn.execute(
            "INSERT INTO story_updates (subscription_id, channel_id, story_id, article_id,"
            " created_at) SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM"
            " feed_announcements WHERE channel_id = ? AND story_id = ? AND article_id = ?)"
            " ON CONFLICT (channel_id, story_id, article_id) DO NOTHING",
            (subscription.id, channel, story_id, article_id, now, channel, story_id, article_id),
        )
        return cursor.lastrowid if cursor.rowcount > 0 else None

    async def pending_story_updates(self, limit: int = 200) -> list[PendingUpdate]:
        async with self.conn.execute(
            f"SELECT {PENDING_UPDATE_COLUMNS} FROM {PENDING_UPDATE_FROM}"
            " WHERE u.status IN ('pending', 'posting') ORDER BY u.id LIMIT ?",
            (limit,),
        ) as cur:
            return [pending_update_from_row(row) for row in await cur.fetchall()]

    async def story_updates_posting(self, update_ids: Sequence[int]) -> None:
        await self.conn.execute(
            f"UPDATE story_updates SET status = 'posting' WHERE id IN ({marks(update_ids)})"
            " AND status IN ('pending', 'posting')",
            tuple(update_ids),
        )

    async def finish_story_update(
        self, update_id: int, status: str, message: PostedMessage | None, now: str
    ) -> None:
        await self.conn.execute(
            "UPDATE story_updates SET status = ?, message_id = ?, message_link = ?,"
            " posted_at = ?, attempts = attempts + 1 WHERE id = ?",
            (
                status,
                message.message_id if message else None,
                message.link if message else None,
                now,
                update_id,
            ),
        )

    async def story_update_failed(self, update_id: int) -> None:
        await self.conn.execute(
            "UPDATE story_updates SET attempts = attempts + 1, status = 'pending' WHERE id = ?",
            (update_id,),
        )

    async def log_story_update(
        self, update_id: int, outcome: DeliveryOutcome, detail: str, link: str | None, now: str
    ) -> None:
        await self.conn.execute(
            "UPDATE feed_delivery_log SET outcome = ?, detail = ?, link = ?, at = ?"
            " WHERE update_id = ?",
            (str(outcome), detail, link, now, update_id),
        )

    async def story_update(self, update_id: int) -> UpdateRecord | None:
        async with self.conn.execute(
            f"SELECT {UPDATE_COLUMNS} FROM story_updates u WHERE u.id = ?", (update_id,)
        ) as cur:
            row = await cur.fetchone()
        return update_from_row(row) if row else None

    # -- story follows -----------------------------------------------------------------------

    async def add_story_follow(
        self,
        *,
        guild_id: int,
        user_id: int,
        channel_id: int,
        story_id: int,
        title: str,
        now: str,
    ) -> tuple[StoryFollow, bool]:
        key = (guild_id, user_id, channel_id, story_id)
        cursor = await self.conn.execute(
            "INSERT INTO story_follows (guild_id, user_id, channel_id, story_id, title,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (*key, title, now),
        )
        async with self.conn.execute(
            f"SELECT {STORY_FOLLOW_COLUMNS} FROM story_follows f WHERE f.guild_id = ?"
            " AND f.user_id = ? AND f.channel_id = ? AND f.story_id = ?",
            key,
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return story_follow_from_row(row), cursor.rowcount > 0

    async def count_story_follows(self, guild_id: int, user_id: int) -> int:
        async with self.conn.execute(
            "SELECT count(*) FROM story_follows WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else 0

    async def member_story_follows(self, guild_id: int, user_id: int) -> list[StoryFollow]:
        async with self.conn.execute(
            f"SELECT {STORY_FOLLOW_COLUMNS} FROM story_follows f"
            " WHERE f.guild_id = ? AND f.user_id = ? ORDER BY f.id DESC",
            (guild_id, user_id),
        ) as cur:
            return [story_follow_from_row(row) for row in await cur.fetchall()]

    async def story_follow(self, follow_id: int) -> StoryFollow | None:
        async with self.conn.execute(
            f"SELECT {STORY_FOLLOW_COLUMNS} FROM story_follows f WHERE f.id = ?", (follow_id,)
        ) as cur:
            row = await cur.fetchone()
        return story_follow_from_row(row) if row else None

    async def remove_story_follow(self, follow_id: int, user_id: int) -> bool:
        cursor = await self.conn.execute(
            "DELETE FROM story_follows WHERE id = ? AND user_id = ?", (follow_id, user_id)
        )
        return cursor.rowcount > 0

    async def prune_story_follows(self, before: str) -> int:
        cursor = await self.conn.execute(
            "DELETE FROM story_follows WHERE created_at < ?", (before,)
        )
        return cursor.rowcount

    async def claim_story_notices(self, update_id: int, now: str) -> int:
        cursor = await self.conn.execute(
            "INSERT INTO story_notices (follow_id, update_id, created_at)"
            " SELECT f.id, u.id, ? FROM story_updates u JOIN story_follows f"
            " ON f.channel_id = u.channel_id AND f.story_id = u.story_id WHERE u.id = ?"
            " ON CONFLICT (follow_id, update_id) DO NOTHING",
            (now, update_id),
        )
        return cursor.rowcount

    async def pending_story_notices(self, limit: int = 200) -> list[StoryNotice]:
        async with self.conn.execute(
            f"SELECT {NOTICE_COLUMNS} FROM story_notices n"
            " JOIN story_follows f ON f.id = n.follow_id"
            " JOIN story_updates u ON u.id = n.update_id"
            " WHERE n.status = 'pending' ORDER BY n.id LIMIT ?",
            (limit,),
        ) as cur:
            return [notice_from_row(row) for row in await cur.fetchall()]

    async def story_notices_sent(self, notice_ids: Sequence[int], now: str) -> None:
        await self.conn.execute(
            f"UPDATE story_notices SET status = 'sent', sent_at = ?, attempts = attempts + 1"
            f" WHERE id IN ({marks(notice_ids)})",
            (now, *notice_ids),
        )

    async def story_notice_failed(self, notice_ids: Sequence[int], give_up: bool) -> None:
        await self.conn.execute(
            "UPDATE story_notices SET attempts = attempts + 1,"
            f" status = CASE WHEN ? THEN 'failed' ELSE 'pending' END"
            f" WHERE id IN ({marks(notice_ids)})",
            (int(give_up), *notice_ids),
        )
