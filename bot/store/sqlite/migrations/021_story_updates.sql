-- What's new in a story. A subscription says where later reports of a story it posted go
-- (off: nowhere, as before; thread: a thread opened on the story's first post, or inside its
-- forum post; followers: only to members who follow the story). What each channel was told
-- of a story is kept per post (the article a story post carried, the sentences an update
-- showed), so a later report posts only what it adds. Later reports are queued as updates,
-- one per article per channel; members follow a story from the channel they pressed Follow
-- in, and each update is owed to each of them once (UNIQUE: the claim, as for follows).
ALTER TABLE feed_subscriptions ADD COLUMN updates TEXT NOT NULL DEFAULT 'off';
ALTER TABLE feed_delivery_log ADD COLUMN update_id INTEGER;        -- the queued update it follows
CREATE INDEX feed_delivery_log_update ON feed_delivery_log (update_id);

CREATE TABLE story_texts (
    channel_id  INTEGER NOT NULL,
    story_id    INTEGER NOT NULL,
    article_id  INTEGER NOT NULL,
    sentences   TEXT NOT NULL,                         -- JSON list of sentences
    names       TEXT NOT NULL,                         -- JSON: the names in each sentence
    published   TEXT,                                  -- resolves "on Monday"
    at          TEXT NOT NULL,
    PRIMARY KEY (channel_id, story_id, article_id)
);

CREATE INDEX story_texts_at ON story_texts (at);

-- status: pending | posting | posted | nothing (it added nothing) | skipped (the story's post
-- never went out, or updates were turned off) | failed.
CREATE TABLE story_updates (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES feed_subscriptions (id) ON DELETE CASCADE,
    channel_id       INTEGER NOT NULL,
    story_id         INTEGER NOT NULL,
    article_id       INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    status           TEXT NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    message_id       INTEGER,
    message_link     TEXT,
    created_at       TEXT NOT NULL,
    posted_at        TEXT,
    UNIQUE (channel_id, story_id, article_id)
);

CREATE INDEX story_updates_open ON story_updates (id) WHERE status IN ('pending', 'posting');

CREATE TABLE story_follows (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,                      -- where the story's post is
    story_id    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (guild_id, user_id, channel_id, story_id)
);

CREATE INDEX story_follows_story ON story_follows (channel_id, story_id);
CREATE INDEX story_follows_created ON story_follows (created_at);

CREATE TABLE story_notices (
    id          INTEGER PRIMARY KEY,
    follow_id   INTEGER NOT NULL REFERENCES story_follows (id) ON DELETE CASCADE,
    update_id   INTEGER NOT NULL REFERENCES story_updates (id) ON DELETE CASCADE,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (follow_id, update_id)
);

CREATE INDEX story_notices_pending ON story_notices (id) WHERE status = 'pending';
