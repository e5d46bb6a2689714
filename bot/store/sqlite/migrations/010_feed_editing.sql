-- Feeds run like an editor. A subscription can be paused, carries its own message template
-- (JSON; '' = the server's default), a maximum item age and a backfill still to post. An
-- announcement remembers the message that carried it (its jump link), may be held by flood
-- control or quiet hours until a time, and says whether it went out inside a packed card.
-- Every item a subscription sees gets a line in its delivery log (the last few hundred are
-- kept), and a channel may have its own pacing: posts per window and quiet hours.
ALTER TABLE feed_subscriptions ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feed_subscriptions ADD COLUMN template TEXT NOT NULL DEFAULT '';
ALTER TABLE feed_subscriptions ADD COLUMN max_age_hours INTEGER NOT NULL DEFAULT 0; -- 0: any age
ALTER TABLE feed_subscriptions ADD COLUMN backfill INTEGER NOT NULL DEFAULT 0;

-- status: pending | posting | held | posted | failed | digest (left to the channel's digest)
-- | dropped (its subscription was paused before it went out).
ALTER TABLE feed_announcements ADD COLUMN message_link TEXT;
ALTER TABLE feed_announcements ADD COLUMN hold_reason TEXT;          -- flood | quiet, while held
ALTER TABLE feed_announcements ADD COLUMN hold_until TEXT;           -- ISO-8601 UTC
ALTER TABLE feed_announcements ADD COLUMN packed INTEGER NOT NULL DEFAULT 0;

CREATE INDEX feed_announcements_posted ON feed_announcements (channel_id, posted_at);

CREATE TABLE feed_delivery_log (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES feed_subscriptions (id) ON DELETE CASCADE,
    announcement_id  INTEGER,                         -- the queued post this line follows
    article_id       INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    title            TEXT NOT NULL,
    url              TEXT,
    outcome          TEXT NOT NULL,                   -- posted | filtered | muted | ...
    detail           TEXT NOT NULL DEFAULT '',        -- why: the rule, the error, the hold
    link             TEXT,                            -- the post (or the story's first post)
    at               TEXT NOT NULL
);

CREATE INDEX feed_delivery_log_subscription ON feed_delivery_log (subscription_id, id);
CREATE INDEX feed_delivery_log_announcement ON feed_delivery_log (announcement_id);

CREATE TABLE feed_channel_pacing (
    channel_id      INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    max_posts       INTEGER NOT NULL,
    window_minutes  INTEGER NOT NULL,
    quiet_start     TEXT,                             -- 'HH:MM' in the server's timezone
    quiet_end       TEXT
);

CREATE INDEX feed_channel_pacing_guild ON feed_channel_pacing (guild_id);
