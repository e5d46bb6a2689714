-- Who said what: the direct quotations the NLP step found in each article (bot/nlp/quotes.py),
-- replaced with the article's analysis, and follows of what an entity is quoted as saying.

-- One row per quotation. The speaker is linked to the entity the article's analysis filed
-- that name under (entity_id; no foreign key, as for mentions: an entity row goes only once
-- no article names it, and a quoted speaker is named in the quote's article). `quote_key` is
-- the words folded (case, accents, punctuation), so one quotation carried by several outlets
-- is one key; `seen_at` is the article's date (published, else ingested), copied so that "the
-- latest quotes of X" reads one index.
CREATE TABLE quotes (
    article_id     INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    char_start     INTEGER NOT NULL,   -- offsets into the body: body[char_start:char_end]
    char_end       INTEGER NOT NULL,
    quote          TEXT NOT NULL,
    quote_key      TEXT NOT NULL,
    speaker        TEXT,               -- as the article's analysis named them; NULL: unsaid
    speaker_label  TEXT,
    entity_id      INTEGER,            -- the speaker's entity; NULL when no entity is known
    seen_at        TEXT NOT NULL,
    PRIMARY KEY (article_id, char_start)
) WITHOUT ROWID;

-- An entity's quotes, newest first, and whether an earlier article already carried a quote.
CREATE INDEX quotes_by_speaker ON quotes (entity_id, seen_at) WHERE entity_id IS NOT NULL;
CREATE INDEX quotes_said ON quotes (entity_id, quote_key, article_id) WHERE entity_id IS NOT NULL;

-- Follows gain a kind: 'quotes', an entity's new quotations (entity_key and entity_label set,
-- as for 'entity'). SQLite cannot change a CHECK in place, so the table is built again; its
-- notifications are kept aside meanwhile (dropping `follows` deletes them by cascade).
CREATE TABLE follows_new (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER,                       -- a member's follow: notified by DM
    channel_id        INTEGER,                       -- a channel's follow: posted there
    kind              TEXT NOT NULL CHECK (kind IN ('entity', 'query', 'quotes')),
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
