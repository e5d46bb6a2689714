"""PostgreSQL SQL for story updates: what each channel was told of a story, later reports
queued as updates, story follows and the updates each follower is owed (contract:
bot/store/interface/story_updates.py)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models.delivery import PostedMessage
from bot.models.update import StoryText
from bot.store.postgres.base import PgBase
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


class PgStoryUpdateQueries(PgBase):
    """Story update statements for `PostgresStore`."""

    # -- what a channel was told ------------------------------------------------------------

    async def record_story_text(
        self, channel_id: int, story_id: int, article_id: int, text: StoryText, now: str
    ) -> None:
        await self._execute(
            "INSERT INTO story_texts (channel_id, story_id, article_id, sentences, names,"
            " published, at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (channel_id, story_id, article_id) DO NOTHING",
            channel_id,
            story_id,
            article_id,
            *text_values(text),
            now,
        )

    async def story_texts(self, channel_id: int, story_id: int) -> list[StoryText]:
        rows = await self._fetch(
            "SELECT sentences, names, published FROM story_texts"
            " WHERE channel_id = $1 AND story_id = $2 ORDER BY at DESC, article_id DESC LIMIT $3",
            channel_id,
            story_id,
            STORY_TEXTS_READ,
        )
        return [text_from_row(row) for row in reversed(rows)]

    async def story_text(self, channel_id: int, story_id: int, article_id: int) -> StoryText | None:
        row = await self._fetchrow(
            "SELECT sentences, names, published FROM story_texts"
            " WHERE channel_id = $1 AND story_id = $2 AND article_id = $3",
            channel_id,
            story_id,
            article_id,
        )
        return text_from_row(row) if row else None

    async def forget_story_texts(self, before: str) -> int:
        return await self._execute("DELETE FROM story_texts WHERE at < $1", before)

    # -- updates -----------------------------------------------------------------------------

    async def queue_story_update(
        self, subscription: Subscription, story_id: int, article_id: int, now: str
    ) -> int | None:
        return await self._fetch_id(
            "INSERT INTO story_updates (subscription_id, channel_id, story_id, article_id,"
            " created_at) SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM"
            " feed_announcements WHERE channel_id = $2 AND story_id = $3 AND article_id = $4)"
            " ON CONFLICT (channel_id, story_id, article_id) DO NOTHING RETURNING id",
            subscription.id,
            subscription.channel_id,
            story_id,
            article_id,
            now,
        )

    async def pending_story_updates(self, limit: int = 200) -> list[PendingUpdate]:
        rows = await self._fetch(
            f"SELECT {PENDING_UPDATE_COLUMNS} FROM {PENDING_UPDATE_FROM}"
            " WHERE u.status IN ('pending', 'posting') ORDER BY u.id LIMIT $1",
            limit,
        )
        return [pending_update_from_row(row) for row in rows]

    async def story_updates_posting(self, update_ids: Sequence[int]) -> None:
        await self._execute(
            "UPDATE story_updates SET status = 'posting' WHERE id = ANY($1::bigint[])"
            " AND status IN ('pending', 'posting')",
            list(update_ids),
        )

    async def finish_story_update(
        self, update_id: int, status: str, message: PostedMessage | None, now: str
    ) -> None:
        await self._execute(
            "UPDATE story_updates SET status = $1, message_id = $2, message_link = $3,"
            " posted_at = $4, attempts = attempts + 1 WHERE id = $5",
            status,
            message.message_id if message else None,
            message.link if message else None,
            now,
            update_id,
        )

    async def story_update_failed(self, update_id: int) -> None:
        await self._execute(
            "UPDATE story_updates SET attempts = attempts + 1, status = 'pending' WHERE id = $1",
            update_id,
        )

    async def log_story_update(
        self, update_id: int, outcome: DeliveryOutcome, detail: str, link: str | None, now: str
    ) -> None:
        await self._execute(
            "UPDATE feed_delivery_log SET outcome = $1, detail = $2, link = $3, at = $4"
            " WHERE update_id = $5",
            str(outcome),
            detail,
            link,
            now,
            update_id,
        )

    async def story_update(self, update_id: int) -> UpdateRecord | None:
        row = await self._fetchrow(
            f"SELECT {UPDATE_COLUMNS} FROM story_updates u WHERE u.id = $1", update_id
        )
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
        created = await self._fetch_id(
            "INSERT INTO story_follows (guild_id, user_id, channel_id, story_id, title,"
            " created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
            guild_id,
            user_id,
            channel_id,
            story_id,
            title,
            now,
        )
        row = await self._fetchrow(
            f"SELECT {STORY_FOLLOW_COLUMNS} FROM story_follows f WHERE f.guild_id = $1"
            " AND f.user_id = $2 AND f.channel_id = $3 AND f.story_id = $4",
            guild_id,
            user_id,
            channel_id,
            story_id,
        )
        assert row is not None
        return story_follow_from_row(row), created is not None

    async def count_story_follows(self, guild_id: int, user_id: int) -> int:
        return await self._fetch_count(
            "SELECT count(*) FROM story_follows WHERE guild_id = $1 AND user_id = $2",
            guild_id,
            user_id,
        )

    async def member_story_follows(self, guild_id: int, user_id: int) -> list[StoryFollow]:
        rows = await self._fetch(
            f"SELECT {STORY_FOLLOW_COLUMNS} FROM story_follows f"
            " WHERE f.guild_id = $1 AND f.user_id = $2 ORDER BY f.id DESC",
            guild_id,
            user_id,
        )
        return [story_follow_from_row(row) for row in rows]

    async def story_follow(self, follow_id: int) -> StoryFollow | None:
        row = await self._fetchrow(
            f"SELECT {STORY_FOLLOW_COLUMNS} FROM story_follows f WHERE f.id = $1", follow_id
        )
        return story_follow_from_row(row) if row else None

    async def remove_story_follow(self, follow_id: int, user_id: int) -> bool:
        removed = await self._execute(
            "DELETE FROM story_follows WHERE id = $1 AND user_id = $2", follow_id, user_id
        )
        return removed > 0

    async def prune_story_follows(self, before: str) -> int:
        return await self._execute("DELETE FROM story_follows WHERE created_at < $1", before)

    async def claim_story_notices(self, update_id: int, now: str) -> int:
        return await self._execute(
            "INSERT INTO story_notices (follow_id, update_id, created_at)"
            " SELECT f.id, u.id, $1 FROM story_updates u JOIN story_follows f"
            " ON f.channel_id = u.channel_id AND f.story_id = u.story_id WHERE u.id = $2"
            " ON CONFLICT (follow_id, update_id) DO NOTHING",
            now,
            update_id,
        )

    async def pending_story_notices(self, limit: int = 200) -> list[StoryNotice]:
        rows = await self._fetch(
            f"SELECT {NOTICE_COLUMNS} FROM story_notices n"
            " JOIN story_follows f ON f.id = n.follow_id"
            " JOIN story_updates u ON u.id = n.update_id"
            " WHERE n.status = 'pending' ORDER BY n.id LIMIT $1",
            limit,
        )
        return [notice_from_row(row) for row in rows]

    async def story_notices_sent(self, notice_ids: Sequence[int], now: str) -> None:
        await self._execute(
            "UPDATE story_notices SET status = 'sent', sent_at = $1, attempts = attempts + 1"
            " WHERE id = ANY($2::bigint[])",
            now,
            list(notice_ids),
        )

    async def story_notice_failed(self, notice_ids: Sequence[int], give_up: bool) -> None:
        await self._execute(
            "UPDATE story_notices SET attempts = attempts + 1,"
            " status = CASE WHEN $1 THEN 'failed' ELSE 'pending' END"
            " WHERE id = ANY($2::bigint[])",
            give_up,
            list(notice_ids),
        )
