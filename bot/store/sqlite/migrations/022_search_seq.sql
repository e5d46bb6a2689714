-- The search index beside the database (bot/store/index/) is kept in step by `search_seq`:
-- every insert, and every update of what the index holds, gives the row the next number from
-- one counter, in the same transaction as the write; a delete leaves a tombstone with its own
-- number. The index stores the highest number it holds and catches up on whatever is above.
-- SQLite runs one writer at a time, so numbers are taken in commit order.
CREATE TABLE search_seq_counter (value INTEGER NOT NULL);
INSERT INTO search_seq_counter (value) SELECT coalesce(max(id), 0) FROM articles;

ALTER TABLE articles ADD COLUMN search_seq INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET search_seq = id;
CREATE INDEX articles_search_seq ON articles (search_seq);

CREATE TABLE article_tombstones (
    article_id  INTEGER NOT NULL,
    search_seq  INTEGER NOT NULL
);
CREATE INDEX article_tombstones_seq ON article_tombstones (search_seq);

-- recursive_triggers is off: the UPDATE inside these triggers does not fire them again.
CREATE TRIGGER articles_search_seq_ai AFTER INSERT ON articles BEGIN
    UPDATE search_seq_counter SET value = value + 1;
    UPDATE articles SET search_seq = (SELECT value FROM search_seq_counter) WHERE id = new.id;
END;

CREATE TRIGGER articles_search_seq_au
AFTER UPDATE OF title, caption, body, source, author, categories, published_at, ingested_at
ON articles BEGIN
    UPDATE search_seq_counter SET value = value + 1;
    UPDATE articles SET search_seq = (SELECT value FROM search_seq_counter) WHERE id = new.id;
END;

CREATE TRIGGER articles_search_seq_ad AFTER DELETE ON articles BEGIN
    UPDATE search_seq_counter SET value = value + 1;
    INSERT INTO article_tombstones (article_id, search_seq)
    SELECT old.id, value FROM search_seq_counter;
END;
