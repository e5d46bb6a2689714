-- Feeds: what the poller fetches, who asked for it, what it has seen and what it announced.

-- One row per feed URL, shared by every guild that subscribes to it (polled once for all).
CREATE TABLE feeds (
    id                 INTEGER PRIMARY KEY,
    url                TEXT NOT NULL UNIQUE,          -- canonical URL of the feed document
    title              TEXT NOT NULL DEFAULT '',
    site_url           TEXT,
    etag               TEXT,                          -- conditional GET validators
    last_modified      TEXT,
    interval_seconds   INTEGER NOT NULL DEFAULT 900,
    next_poll_at       TEXT NOT NULL,                 -- ISO-8601 UTC
    last_polled_at     TEXT,
    last_status        TEXT NOT NULL DEFAULT 'new',   -- short, human-readable: "ok", "http 404"
    last_http_status   INTEGER,
    last_error         TEXT,
    last_success_at    TEXT,                          -- NULL until the first good fetch
    last_new_item_at   TEXT,
    failures           INTEGER NOT NULL DEFAULT 0,    -- consecutive failed polls
    failing_since      TEXT,
    pages_extracted    INTEGER NOT NULL DEFAULT 0,    -- new items whose full text we got
    pages_failed       INTEGER NOT NULL DEFAULT 0,    -- new items left with the feed's excerpt
    rhythm_seconds     REAL,                          -- usual gap between new items (EWMA)
    rhythm_samples     INTEGER NOT NULL DEFAULT 0,
    alert              TEXT,                          -- health alert already sent, until cleared
    created_at         TEXT NOT NULL
);

CREATE INDEX feeds_due ON feeds (next_poll_at);

-- A channel (text channel, thread or forum) following a feed in one guild.
CREATE TABLE feed_subscriptions (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    feed_id        INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    filter         TEXT NOT NULL DEFAULT '',          -- search-language text; '' = everything
    role_id        INTEGER,                           -- the one role pinged, if any
    created_by     INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    after_item_id  INTEGER NOT NULL DEFAULT 0,        -- items up to this id predate the subscription
    UNIQUE (guild_id, channel_id, feed_id)
);

CREATE INDEX feed_subscriptions_feed ON feed_subscriptions (feed_id);

-- Every entry a feed has listed, so nothing is processed or announced twice across restarts.
CREATE TABLE feed_items (
    id             INTEGER PRIMARY KEY,
    feed_id        INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    guid           TEXT NOT NULL,                     -- the entry's id, else its canonical link
    url            TEXT,
    article_id     INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    backlog        INTEGER NOT NULL DEFAULT 0,        -- listed at the feed's first poll: not news
    first_seen_at  TEXT NOT NULL,
    UNIQUE (feed_id, guid)
);

CREATE INDEX feed_items_article ON feed_items (article_id);

-- Near-duplicate clusters: each article belongs to one story (named by its first article).
CREATE TABLE article_stories (
    article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id    INTEGER NOT NULL,
    signature   BLOB,                                 -- MinHash values; NULL when too short
    added_at    TEXT NOT NULL
);

CREATE INDEX article_stories_story ON article_stories (story_id);
CREATE INDEX article_stories_added ON article_stories (added_at);

-- One row per story per channel: the UNIQUE key makes announcing exactly-once, even when two
-- subscriptions of the same channel carry the same story, and across restarts.
CREATE TABLE feed_announcements (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES feed_subscriptions (id) ON DELETE CASCADE,
    channel_id       INTEGER NOT NULL,
    story_id         INTEGER NOT NULL,
    article_id       INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    status           TEXT NOT NULL DEFAULT 'pending', -- pending | posted | failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    message_id       INTEGER,
    created_at       TEXT NOT NULL,
    posted_at        TEXT,
    UNIQUE (channel_id, story_id)
);

CREATE INDEX feed_announcements_pending ON feed_announcements (status, subscription_id);
