-- Search speed: the full-text index is keyed by publication day, so a search can read its
-- matches newest first and stop as soon as no older article can still reach the top results
-- (ranking is relevance with recency), and date filters become rowid ranges of the index.
-- Title type-ahead gets its own small index with prefix indexes: "q" or "tal" as the last
-- typed word no longer merges the doclists of every word of every body starting that way.
--
-- articles_fts.rowid is now articles.search_key, NOT articles.id:
--     JOIN articles a ON a.search_key = articles_fts.rowid
-- search_key = UTC day of coalesce(published_at, ingested_at) * 2^28 + id: unique, ordered by
-- day, then by id within a day (ids stay below 2^28, i.e. 268 million articles).

ALTER TABLE articles ADD COLUMN search_key INTEGER GENERATED ALWAYS AS (
    (coalesce(unixepoch(published_at), unixepoch(ingested_at), 0) / 86400) * 268435456 + id
) VIRTUAL;

-- Unique on the key (it holds the id); the source rides along so that a source filter reads
-- this index alone instead of each article's row (where source sits after the long body).
CREATE UNIQUE INDEX articles_search_key ON articles (search_key, source);

DROP TRIGGER articles_ai;
DROP TRIGGER articles_ad;
DROP TRIGGER articles_au;
DROP TABLE articles_vocab;
DROP TABLE articles_fts;

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, caption, body,
    content = 'articles', content_rowid = 'search_key',
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE articles_titles USING fts5 (
    title,
    content = 'articles', content_rowid = 'search_key',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

INSERT INTO articles_titles (articles_titles) VALUES ('rebuild');

CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, caption, body)
    VALUES (new.search_key, new.title, new.caption, new.body);
    INSERT INTO articles_titles (rowid, title) VALUES (new.search_key, new.title);
END;

CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, caption, body)
    VALUES ('delete', old.search_key, old.title, old.caption, old.body);
    INSERT INTO articles_titles (articles_titles, rowid, title)
    VALUES ('delete', old.search_key, old.title);
END;

-- A new publication date moves the article in the index, like new text does.
CREATE TRIGGER articles_au
AFTER UPDATE OF title, caption, body, published_at, ingested_at ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, caption, body)
    VALUES ('delete', old.search_key, old.title, old.caption, old.body);
    INSERT INTO articles_fts (rowid, title, caption, body)
    VALUES (new.search_key, new.title, new.caption, new.body);
    INSERT INTO articles_titles (articles_titles, rowid, title)
    VALUES ('delete', old.search_key, old.title);
    INSERT INTO articles_titles (rowid, title) VALUES (new.search_key, new.title);
END;

CREATE VIRTUAL TABLE articles_vocab USING fts5vocab (articles_fts, 'row');
