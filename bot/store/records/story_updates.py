"""What the store keeps for story updates: what each channel was told of a story, later
articles queued as updates to a story a channel already has, members following a story from
one channel and the updates each was sent — with the row decoders both backends use."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.models import Article
from bot.models.story import moment
from bot.models.update import StoryText
from bot.store.records import Row
from bot.store.records.articles import ARTICLE_COLUMNS_A, article_from_row

# A subscription's `updates`: none (each story once, as ever), in a thread opened on the
# story's first post (in a forum, inside its post), or only by DM to members who follow it.
UPDATES_OFF = "off"
UPDATES_THREAD = "thread"
UPDATES_FOLLOWERS = "followers"
UPDATE_MODES = (UPDATES_THREAD, UPDATES_FOLLOWERS, UPDATES_OFF)
# Sentences kept of one post (an article as its card carried it, or an update).
TEXT_SENTENCES_CAP = 200
# Posts of one story in one channel read back for a comparison (the newest ones).
STORY_TEXTS_READ = 60


@dataclass(frozen=True)
class StoryPost:
    """A story's first post in a channel: its announcement, whether it went out, its message
    (a forum post's id is its thread's) and the article it carried."""

    announcement_id: int
    status: str
    message_id: int | None
    link: str | None
    article_id: int


@dataclass(frozen=True)
class PendingUpdate:
    """A later article of a story a channel already has, not yet decided or posted."""

    id: int
    subscription_id: int
    channel_id: int
    story_id: int
    article: Article
    attempts: int
    resumed: bool  # a post was under way when the bot stopped: it may be in the thread
    post: StoryPost | None  # the story's first post in the channel (None: gone meanwhile)


@dataclass(frozen=True)
class UpdateRecord:
    """An update as the store keeps it once decided."""

    id: int
    subscription_id: int
    channel_id: int
    story_id: int
    article_id: int
    status: str  # pending | posting | posted | nothing | skipped | failed
    link: str | None


@dataclass(frozen=True)
class StoryFollow:
    """A member following one story from the channel they pressed Follow in."""

    id: int
    guild_id: int
    user_id: int
    channel_id: int
    story_id: int
    title: str
    created_at: str


@dataclass(frozen=True)
class StoryNotice:
    """An update to send a follower by DM (claimed, not yet sent)."""

    id: int
    follow: StoryFollow
    update: UpdateRecord
    attempts: int


def text_values(text: StoryText) -> tuple[str, str, str | None]:
    """A post's text as stored: its sentences and their names as JSON, and its date."""
    sentences = list(text.sentences[:TEXT_SENTENCES_CAP])
    names = [list(n) for n in text.names[: len(sentences)]]
    published = text.published.isoformat() if text.published else None
    return json.dumps(sentences), json.dumps(names), published


def text_from_row(row: Row) -> StoryText:
    """A post's text from a row with `sentences`, `names` and `published`."""
    when: datetime | None = moment(row["published"]) if row["published"] else None
    return StoryText(
        tuple(json.loads(row["sentences"])),
        tuple(tuple(n) for n in json.loads(row["names"])),
        when,
    )


# What `pending_story_updates` selects (either backend), decoded by `pending_update_from_row`.
PENDING_UPDATE_COLUMNS = (
    "u.id AS uid, u.subscription_id, u.channel_id AS uchannel, u.story_id AS ustory,"
    " u.attempts AS uattempts, u.status AS ustatus, p.id AS pid, p.status AS pstatus,"
    f" p.message_id AS pmessage, p.message_link AS plink, p.article_id AS particle,"
    f" {ARTICLE_COLUMNS_A}"
)
PENDING_UPDATE_FROM = (
    "story_updates u JOIN articles a ON a.id = u.article_id"
    " LEFT JOIN feed_announcements p ON p.channel_id = u.channel_id AND p.story_id = u.story_id"
)


def pending_update_from_row(row: Row) -> PendingUpdate:
    """A queued update from a row of PENDING_UPDATE_COLUMNS."""
    post = None
    if row["pid"] is not None:
        post = StoryPost(row["pid"], row["pstatus"], row["pmessage"], row["plink"], row["particle"])
    return PendingUpdate(
        id=row["uid"],
        subscription_id=row["subscription_id"],
        channel_id=row["uchannel"],
        story_id=row["ustory"],
        article=article_from_row(row),
        attempts=row["uattempts"],
        resumed=row["ustatus"] == "posting",
        post=post,
    )


UPDATE_COLUMNS = (
    "u.id AS uid, u.subscription_id, u.channel_id AS uchannel, u.story_id AS ustory,"
    " u.article_id AS uarticle, u.status AS ustatus, u.message_link AS ulink"
)


def update_from_row(row: Row) -> UpdateRecord:
    """An update from a row of UPDATE_COLUMNS."""
    return UpdateRecord(
        row["uid"],
        row["subscription_id"],
        row["uchannel"],
        row["ustory"],
        row["uarticle"],
        row["ustatus"],
        row["ulink"],
    )


STORY_FOLLOW_FIELDS = ["id", "guild_id", "user_id", "channel_id", "story_id", "title", "created_at"]
STORY_FOLLOW_COLUMNS = ", ".join(f"f.{name}" for name in STORY_FOLLOW_FIELDS)


def story_follow_from_row(row: Row) -> StoryFollow:
    """A story follow from a row of STORY_FOLLOW_COLUMNS."""
    return StoryFollow(**{name: row[name] for name in STORY_FOLLOW_FIELDS})


NOTICE_COLUMNS = f"n.id AS nid, n.attempts AS nattempts, {STORY_FOLLOW_COLUMNS}, {UPDATE_COLUMNS}"


def notice_from_row(row: Row) -> StoryNotice:
    """A follower's notice from a row of NOTICE_COLUMNS."""
    return StoryNotice(
        row["nid"], story_follow_from_row(row), update_from_row(row), row["nattempts"]
    )
