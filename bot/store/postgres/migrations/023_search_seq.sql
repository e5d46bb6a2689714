-- The search index beside the database (as bot/store/sqlite/migrations/022_search_seq.sql):
-- every insert, and every update of what the index holds, takes the next `search_seq`; a
-- delete leaves a tombstone with its own. Numbers must be taken in commit order, or the
-- index could move its watermark past a number whose transaction commits later: the trigger
-- takes a transaction-level advisory lock first, so writers of articles take turns until
-- they commit (an ingest batch is one transaction).
CREATE SEQUENCE article_search_seq;
SELECT setval('article_search_seq', coalesce((SELECT max(id) FROM articles), 0) + 1, false);

ALTER TABLE articles ADD COLUMN search_seq bigint NOT NULL DEFAULT 0;
UPDATE articles SET search_seq = id;
CREATE INDEX articles_search_seq ON articles (search_seq);

CREATE TABLE article_tombstones (
    article_id  bigint NOT NULL,
    search_seq  bigint NOT NULL
);
CREATE INDEX article_tombstones_seq ON article_tombstones (search_seq);

CREATE FUNCTION articles_search_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(20023);
    IF TG_OP = 'DELETE' THEN
        INSERT INTO article_tombstones (article_id, search_seq)
        VALUES (OLD.id, nextval('article_search_seq'));
        RETURN OLD;
    END IF;
    NEW.search_seq := nextval('article_search_seq');
    RETURN NEW;
END $$;

CREATE TRIGGER articles_search_seq_iu
BEFORE INSERT OR UPDATE OF title, caption, body, source, author, categories, published_at,
    ingested_at
ON articles FOR EACH ROW EXECUTE FUNCTION articles_search_seq();

CREATE TRIGGER articles_search_seq_d AFTER DELETE ON articles
FOR EACH ROW EXECUTE FUNCTION articles_search_seq();
