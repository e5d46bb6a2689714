-- Articles and their full-text index (external content, kept in sync by triggers so that an
-- article and its index rows are always written in the same transaction).
CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    origin        TEXT NOT NULL UNIQUE,          -- canonical URL, or "file:<path>" for local files
    url           TEXT,
    content_hash  TEXT NOT NULL UNIQUE,          -- sha256 of the normalised title and body
    title         TEXT NOT NULL,
    caption       TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    desk          TEXT NOT NULL DEFAULT '',
    dateline      TEXT NOT NULL DEFAULT '',
    author        TEXT NOT NULL DEFAULT '',
    published_at  TEXT,                          -- ISO-8601 UTC, NULL when unknown
    ingested_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    metadata      TEXT NOT NULL DEFAULT '{}'     -- JSON: fields we did not recognise
);

CREATE INDEX articles_source ON articles (source COLLATE NOCASE);
CREATE INDEX articles_published ON articles (coalesce(published_at, ingested_at));
CREATE INDEX articles_title ON articles (title COLLATE NOCASE);

-- remove_diacritics 2 folds "Café" to "cafe"; typographic apostrophes are separators, so
-- "Hamas’s" indexes as "hamas" + "s" exactly like "Hamas's".
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, caption, body,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, caption, body)
    VALUES (new.id, new.title, new.caption, new.body);
END;

CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, caption, body)
    VALUES ('delete', old.id, old.title, old.caption, old.body);
END;

CREATE TRIGGER articles_au AFTER UPDATE OF title, caption, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, caption, body)
    VALUES ('delete', old.id, old.title, old.caption, old.body);
    INSERT INTO articles_fts (rowid, title, caption, body)
    VALUES (new.id, new.title, new.caption, new.body);
END;

-- Per-guild settings (prefix and the like); later issues add their own tables by migration.
CREATE TABLE guild_settings (
    guild_id  INTEGER NOT NULL,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (guild_id, key)
);

-- The index's vocabulary, for "did you mean" suggestions when a search finds nothing.
CREATE VIRTUAL TABLE articles_vocab USING fts5vocab (articles_fts, 'row');
