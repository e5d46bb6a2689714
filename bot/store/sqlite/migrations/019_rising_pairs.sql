-- Rising names: follows gain a kind, 'pair' — two entities named together far more than their
-- baseline (bot/insights/rising.py). Its target_key holds both entities' label and name key;
-- entity_key and entity_label stay empty. SQLite cannot change a CHECK in place, so the table
-- is built again (as 013 did); its notifications are kept aside meanwhile (dropping `follows`
-- deletes them by cascade).
CREATE TABLE follows_new (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER,                       -- a member's follow: notified by DM
    channel_id        INTEGER,                       -- a channel's follow: posted there
    kind              TEXT NOT NULL CHECK (kind IN ('entity', 'query', 'quotes', 'pair')),
    target            TEXT NOT NULL,                 -- as shown: entity name, or the search
    target_key        TEXT NOT NULL,                 -- what makes two follows the same
    entity_key        TEXT,                          -- entity and quotes follows: name_key
    entity_label      TEXT,                          -- entity and quotes follows: label
    created_by        INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    after_article_id  INTEGER NOT NULL DEFAULT 0,    -- articles up to this id predate it
    CHECK ((user_id IS NULL) != (channel_id IS NULL)),
    CHECK ((kind IN ('entity', 'quotes')) = (entity_key IS NOT NULL AND entity_label IS NOT NULL))
);

INSERT INTO follows_new (id, guild_id, user_id, channel_id, kind, target, target_key,
                         entity_key, entity_label, created_by, created_at, after_article_id)
SELECT id, guild_id, user_id, channel_id, kind, target, target_key, entity_key, entity_label,
       created_by, created_at, after_article_id
FROM follows;

CREATE TEMP TABLE kept_notifications AS SELECT * FROM follow_notifications;
DROP TABLE follows;
ALTER TABLE follows_new RENAME TO follows;
INSERT INTO follow_notifications (id, follow_id, article_id, status, attempts, created_at,
                                  sent_at)
SELECT id, follow_id, article_id, status, attempts, created_at, sent_at FROM kept_notifications;
DROP TABLE kept_notifications;

CREATE UNIQUE INDEX follows_unique
    ON follows (guild_id, coalesce(user_id, 0), coalesce(channel_id, 0), kind, target_key);
CREATE INDEX follows_member ON follows (guild_id, user_id);
CREATE INDEX follows_channel ON follows (guild_id, channel_id);
CREATE INDEX follows_entity ON follows (entity_key, entity_label) WHERE kind = 'entity';
CREATE INDEX follows_quotes ON follows (entity_key, entity_label) WHERE kind = 'quotes';
CREATE INDEX follows_pair ON follows (id) WHERE kind = 'pair';

-- A followed pair's rise under way: written when its follow is told the pair rose, removed when
-- a check finds it rising no more, so each rise is told once.
CREATE TABLE pair_rises (
    follow_id  INTEGER PRIMARY KEY REFERENCES follows (id) ON DELETE CASCADE,
    risen_at   TEXT NOT NULL
);
