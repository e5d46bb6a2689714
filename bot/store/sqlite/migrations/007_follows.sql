-- Follows: a member (told by DM) or a channel (told by a post) following an entity or a saved
-- search in one guild, and one row per article each follow was told about.

-- Exactly one of user_id / channel_id is set. Entity follows name the entity by its
-- (name_key, label), the pair `entities` is unique on, so they survive the entity row being
-- deleted and created again under another id. Every statement on this table is guild-scoped
-- except the ones that match new articles.
CREATE TABLE follows (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER,                       -- a member's follow: notified by DM
    channel_id        INTEGER,                       -- a channel's follow: posted there
    kind              TEXT NOT NULL CHECK (kind IN ('entity', 'query')),
    target            TEXT NOT NULL,                 -- as shown: entity name, or the search
    target_key        TEXT NOT NULL,                 -- what makes two follows the same
    entity_key        TEXT,                          -- entity follows: entities.name_key
    entity_label      TEXT,                          -- entity follows: entities.label
    created_by        INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    after_article_id  INTEGER NOT NULL DEFAULT 0,    -- articles up to this id predate it
    CHECK ((user_id IS NULL) != (channel_id IS NULL)),
    CHECK ((kind = 'entity') = (entity_key IS NOT NULL AND entity_label IS NOT NULL))
);

CREATE UNIQUE INDEX follows_unique
    ON follows (guild_id, coalesce(user_id, 0), coalesce(channel_id, 0), kind, target_key);
CREATE INDEX follows_member ON follows (guild_id, user_id);
CREATE INDEX follows_channel ON follows (guild_id, channel_id);
CREATE INDEX follows_entity ON follows (entity_key, entity_label) WHERE kind = 'entity';

-- UNIQUE (follow_id, article_id) is the claim: a row is inserted before anything is sent, so
-- a follow is told about an article at most once, across restarts and repeated ingests.
CREATE TABLE follow_notifications (
    id          INTEGER PRIMARY KEY,
    follow_id   INTEGER NOT NULL REFERENCES follows (id) ON DELETE CASCADE,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (follow_id, article_id)
);

CREATE INDEX follow_notifications_pending ON follow_notifications (follow_id)
    WHERE status = 'pending';
CREATE INDEX follow_notifications_article ON follow_notifications (article_id);
